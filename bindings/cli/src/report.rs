//! The `--json` shape of an error, the same in every command and in every language: the
//! core's error report `{"code", "family", "message": "[code] message", "details"}`.

use pictify_keys::Error;
use serde_json::{json, Value};

/// A core error as JSON (its report).
pub fn core_error(e: &Error) -> Value {
    serde_json::to_value(e.report()).unwrap_or(Value::Null)
}

/// An error of the command itself (a file or directory it cannot use, git failing), in the
/// same shape; it has no details.
pub fn command_error(code: &str, family: &str, message: &str) -> Value {
    json!({ "code": code, "family": family, "message": format!("[{code}] {message}"), "details": {} })
}

/// The error with the file it is about before its message: `[code] FILE: message`.
pub fn in_file(mut error: Value, file: &str) -> Value {
    let code = error["code"].as_str().unwrap_or_default().to_owned();
    let message = error["message"].as_str().unwrap_or_default().to_owned();
    let text = message
        .strip_prefix(&format!("[{code}] "))
        .unwrap_or(&message);
    error["message"] = Value::String(format!("[{code}] {file}: {text}"));
    error
}

/// Prints `error[code]: message` to stderr from a JSON error (the message without its prefix).
pub fn eprint(error: &Value) {
    let code = error["code"].as_str().unwrap_or_default();
    let message = error["message"].as_str().unwrap_or_default();
    let text = message
        .strip_prefix(&format!("[{code}] "))
        .unwrap_or(message);
    eprintln!("error[{code}]: {text}");
}
