//! Core errors to JavaScript errors, built from the core's [`ErrorReport`].
//!
//! A core error crosses the boundary as a napi error whose message is the report as JSON
//! (`{code, family, message: "[code] message", details}`) behind a marker. The JavaScript
//! loader turns it into the matching `Error` subclass (`KeyFormatError`, `EnvironmentError`,
//! `SourceError`, `HttpError`, `InputError`) with `.code`, `.family` and `.details`. No
//! variant is matched here; messages come from the core and never contain a secret.

use pictify_keys::{Error, ErrorReport};

/// Marks a payload so the loader never mistakes another error for one of ours.
pub const MARKER: &str = "\u{1}pictify:";

/// The report as JSON (serializing these plain fields cannot fail).
pub fn report_json(report: &ErrorReport) -> String {
    serde_json::to_string(report).unwrap_or_default()
}

/// Converts any core error.
pub fn from_core(e: &Error) -> napi::Error {
    let report = e.report();
    napi::Error::new(
        napi::Status::GenericFailure,
        format!("{MARKER}{}", report_json(&report)),
    )
}

/// An invalid argument (`invalid_argument`, family `input`), e.g. an unknown style name.
pub fn invalid_argument(reason: impl Into<String>) -> napi::Error {
    from_core(&Error::invalid_argument(reason))
}
