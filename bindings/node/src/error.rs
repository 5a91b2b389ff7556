//! Core errors to JavaScript errors.
//!
//! A core error crosses the boundary as a napi error whose message is a small JSON payload
//! (`code`, `family`, `message`, plus `position` / `vendor` / `status` / `origin` when the
//! core has them). The JavaScript loader turns it into the matching `Error` subclass
//! (`KeyFormatError`, `EnvironmentError`, `SourceError`, `HttpError`), so `.code` is always
//! the core's stable code. Messages come from the core and never contain a secret.

use pictify_keys::{AuditError, Error, KeyError, PolicyError, SourceError};
use serde_json::{json, Map, Value};

/// Marks a payload so the loader never mistakes another error for one of ours.
pub const MARKER: &str = "\u{1}pictify:";

/// Builds the napi error carrying `payload`.
fn payload_error(payload: Map<String, Value>) -> napi::Error {
    napi::Error::new(
        napi::Status::GenericFailure,
        format!("{MARKER}{}", Value::Object(payload)),
    )
}

fn base(code: &str, family: &str, message: String) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert("code".into(), json!(code));
    m.insert("family".into(), json!(family));
    m.insert("message".into(), json!(message));
    m
}

/// Converts any core error.
pub fn from_core(e: &Error) -> napi::Error {
    let mut m = base(e.code(), e.family().as_str(), e.to_string());
    let key = match e {
        Error::Key(k) => Some(k),
        Error::Source(SourceError::InvalidKey { error, .. }) => Some(error),
        _ => None,
    };
    if let Some(k) = key {
        m.insert("position".into(), json!(k.position()));
        m.insert("vendor".into(), json!(k.vendor()));
    }
    if let Error::Source(s) = e {
        m.insert("origin".into(), json!(s.origin()));
    }
    if let Error::Http(h) = e {
        m.insert("status".into(), json!(h.status()));
    }
    payload_error(m)
}

/// Converts a key format error.
pub fn from_key(e: KeyError) -> napi::Error {
    from_core(&Error::Key(e))
}

/// Converts an environment policy error.
pub fn from_policy(e: PolicyError) -> napi::Error {
    from_core(&Error::Policy(e))
}

/// Converts an audit error (an invalid key ID); its family is `audit`.
pub fn from_audit(e: &AuditError) -> napi::Error {
    payload_error(base(e.code(), "audit", e.to_string()))
}

/// An invalid argument the core has no error for (e.g. an unknown style or environment name).
pub fn invalid_argument(message: impl Into<String>) -> napi::Error {
    payload_error(base("invalid_argument", "argument", message.into()))
}
