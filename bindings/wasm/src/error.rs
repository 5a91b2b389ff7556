//! Core errors as JavaScript `Error` objects with stable `.code` (mirrors `core/src/error.rs`).
//!
//! Every error thrown by this package is an `Error` whose `message` reads `[code] message`,
//! with `.code` (the core's stable code), `.family` (`format`, `environment`, `source`,
//! `http`) and, where the core has them, `.position`, `.vendor`, `.status` and `.source`.

use js_sys::Reflect;
use pictify_keys::{Error, ErrorFamily, HttpError, KeyError, PolicyError, SourceError};
use wasm_bindgen::JsValue;

/// The `name` of every error thrown by this package.
pub const ERROR_NAME: &str = "PictifyKeyError";

fn set(target: &JsValue, name: &str, value: &JsValue) {
    // Setting a property on a fresh Error object cannot fail; ignore the impossible error.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// A JS `Error` with `.code` and `.family`.
pub fn js_error(code: &str, family: &str, message: &str) -> JsValue {
    let err: JsValue = js_sys::Error::new(&format!("[{code}] {message}")).into();
    set(&err, "name", &JsValue::from_str(ERROR_NAME));
    set(&err, "code", &JsValue::from_str(code));
    set(&err, "family", &JsValue::from_str(family));
    err
}

/// A malformed key: `.code`, `.position` (1-based, or `null`) and `.vendor` (or `null`).
pub fn key_error(e: &KeyError) -> JsValue {
    let err = js_error(e.code(), ErrorFamily::Format.as_str(), &e.to_string());
    set(
        &err,
        "position",
        &e.position()
            .map_or(JsValue::NULL, |p| JsValue::from_f64(p as f64)),
    );
    set(
        &err,
        "vendor",
        &e.vendor().map_or(JsValue::NULL, JsValue::from_str),
    );
    err
}

/// A key refused by the environment policy.
pub fn policy_error(e: &PolicyError) -> JsValue {
    js_error(e.code(), ErrorFamily::Environment.as_str(), &e.to_string())
}

/// A failed API call: `.status` when there was an answer.
pub fn http_error(e: &HttpError) -> JsValue {
    let err = js_error(e.code(), ErrorFamily::Http.as_str(), &e.to_string());
    set(
        &err,
        "status",
        &e.status()
            .map_or(JsValue::NULL, |s| JsValue::from_f64(f64::from(s))),
    );
    err
}

/// Any core error.
pub fn core_error(e: &Error) -> JsValue {
    match e {
        Error::Key(k) => key_error(k),
        Error::Policy(p) => policy_error(p),
        Error::Http(h) => http_error(h),
        Error::Source(s) => source_error(s),
        other => js_error(other.code(), other.family().as_str(), &other.to_string()),
    }
}

/// A broken key source: `.source` names it; a malformed key keeps its position and vendor.
pub fn source_error(e: &SourceError) -> JsValue {
    let err = match e {
        SourceError::InvalidKey { error, .. } => {
            let err = key_error(error);
            // Keep the core's wording, which names the source.
            set(
                &err,
                "message",
                &JsValue::from_str(&format!("[{}] {e}", e.code())),
            );
            err
        }
        _ => js_error(
            e.code(),
            Error::Source(e.clone()).family().as_str(),
            &e.to_string(),
        ),
    };
    set(&err, "source", &JsValue::from_str(e.origin()));
    err
}

/// A wrong argument from JavaScript (not a core error): code `invalid_argument`.
pub fn invalid_argument(message: &str) -> JsValue {
    js_error("invalid_argument", "argument", message)
}
