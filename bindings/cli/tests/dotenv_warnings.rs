//! `.env` lines that mean nothing (a bare name) or that only some readers accept (the colon
//! form) are warnings in `pictify-keys check` and `doctor`, text and `--json`, never fatal.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const TEST: &str = "pk_test_FAKEyrNktBXtnjfObINf5AjxvUlKsiC4";

fn run(args: &[&str], dir: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(args)
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    assert!(
        !stdout.contains(&TEST[12..]) && !stderr.contains(&TEST[12..]),
        "output leaks a secret:\n{stdout}\n{stderr}"
    );
    (out.status.code().unwrap(), stdout, stderr)
}

fn project(name: &str, dotenv: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "pictify-keys-dotenv-warnings-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(".env"), dotenv).unwrap();
    dir
}

#[test]
fn bare_key_variable_is_not_set_with_the_reason() {
    let dir = project("bare", "\u{feff}NODE_ENV=development\nPICTIFY_API_KEY\n");
    let (status, _, stderr) = run(&["check", "--env-file", ".env"], &dir);
    assert_eq!(status, 2, "{stderr}");
    assert!(
        stderr.contains(
            "warning[env_file_bare_name]: env-file:.env: line 2: `PICTIFY_API_KEY` has no '='"
        ) && stderr.contains("so the key PICTIFY_API_KEY is not set")
            && stderr.contains("error[no_key]"),
        "{stderr}"
    );
    let (status, stdout, _) = run(&["check", "--env-file", ".env", "--json"], &dir);
    assert_eq!(status, 2);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["error"]["code"], "no_key");
    let w = &doc["warnings"][0];
    assert_eq!(
        (&w["code"], &w["line"], &w["name"]),
        (
            &Value::from("env_file_bare_name"),
            &Value::from(2),
            &Value::from("PICTIFY_API_KEY")
        )
    );
    assert_eq!(doc["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn other_lines_still_count_and_colon_form_is_read() {
    let dir = project(
        "colon",
        &format!("UNUSED\nNODE_ENV: development\nPICTIFY_API_KEY={TEST}\n"),
    );
    let (status, stdout, stderr) = run(&["check", "--env-file", ".env", "--json"], &dir);
    assert_eq!(status, 0, "{stdout}{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    // NODE_ENV came from the colon-form line: the environment is development.
    assert_eq!(doc["detection"]["variable"], "NODE_ENV");
    assert_eq!(doc["keys"][0]["verdict"], "allowed");
    let codes: Vec<_> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["line"].as_u64().unwrap(), w["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [(1, "env_file_bare_name"), (2, "env_file_colon_form")]
    );
    // A bare name other than the key variable does not claim the key is unset.
    assert!(!doc["warnings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not set"));
    assert!(
        stderr.contains("warning[env_file_colon_form]: env-file:.env: line 2"),
        "{stderr}"
    );

    let (_, stdout, _) = run(&["doctor"], &dir);
    assert!(
        stdout.contains("warning[env_file_bare_name]: .env: line 1: `UNUSED` has no '='")
            && stdout.contains("warning[env_file_colon_form]: .env: line 2"),
        "{stdout}"
    );
    let (_, stdout, _) = run(&["doctor", "--json"], &dir);
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    let names: Vec<_> = doc["env_file_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["UNUSED", "NODE_ENV"]);
}
