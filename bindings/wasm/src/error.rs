//! Core errors as JavaScript `Error` objects, built from the core's [`ErrorReport`].
//!
//! Every error thrown by this package is an `Error` named `PictifyKeyError` whose `message`
//! reads `[code] message`, with `.code` (the core's stable code), `.family` (`format`,
//! `environment`, `source`, `http`, `input`) and `.details` (the details the error carries,
//! camelCase, as in every language; each is also set on the error, e.g. `.position`,
//! `.origin`). No variant is matched here.

use js_sys::{Object, Reflect};
use pictify_keys::{DetailValue, Error, ErrorReport};
use wasm_bindgen::JsValue;

/// The `name` of every error thrown by this package.
pub const ERROR_NAME: &str = "PictifyKeyError";

fn set(target: &JsValue, name: &str, value: &JsValue) {
    // Setting a property on a fresh object cannot fail; ignore the impossible error.
    let _ = Reflect::set(target, &JsValue::from_str(name), value);
}

/// The JS `Error` showing a report.
fn from_report(report: &ErrorReport) -> JsValue {
    let err: JsValue = js_sys::Error::new(&report.message).into();
    set(&err, "name", &JsValue::from_str(ERROR_NAME));
    set(&err, "code", &JsValue::from_str(report.code));
    set(&err, "family", &JsValue::from_str(report.family.as_str()));
    let details: JsValue = Object::new().into();
    for (name, value) in report.details.fields() {
        let value = match value {
            DetailValue::Text(t) => JsValue::from_str(t),
            // Positions, lines, counts and statuses are far below 2^53.
            DetailValue::Number(n) => JsValue::from_f64(n as f64),
        };
        set(&details, name, &value);
        set(&err, name, &value);
    }
    set(&err, "details", &details);
    err
}

/// Any core error.
pub fn core_error(e: &Error) -> JsValue {
    from_report(&e.report())
}

/// A wrong argument from JavaScript: code `invalid_argument`, family `input`.
pub fn invalid_argument(reason: &str) -> JsValue {
    core_error(&Error::invalid_argument(reason))
}
