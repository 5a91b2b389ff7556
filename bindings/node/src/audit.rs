//! Audit events: `keyId` is a key ID or fingerprint, never a secret.

use napi_derive::napi;
use pictify_keys::{KeyRef, Timestamp};

use crate::error;
use crate::key::KeyArg;

/// The fields of an audit event other than the key.
#[napi(object)]
pub struct AuditFields {
    /// What was done, e.g. `image.render`.
    pub action: String,
    /// The request path (redacted on the way in).
    pub endpoint: String,
    /// The HTTP method.
    pub method: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// When, in milliseconds since the Unix epoch (default: now).
    pub timestamp_ms: Option<i64>,
    /// The client IP, when known.
    pub ip: Option<String>,
    /// The client's user agent, when known.
    pub user_agent: Option<String>,
}

/// One audited request in the documented JSON shape.
#[napi]
pub struct AuditEvent {
    inner: pictify_keys::AuditEvent,
}

fn build(key_id: KeyRef, f: AuditFields) -> AuditEvent {
    let ts = f
        .timestamp_ms
        .map_or_else(Timestamp::now, Timestamp::from_unix_millis);
    let mut e =
        pictify_keys::AuditEvent::new(ts, &f.action, key_id, &f.endpoint, &f.method, f.status);
    if let Some(ip) = f.ip {
        e = e.with_ip(&ip);
    }
    if let Some(ua) = f.user_agent {
        e = e.with_user_agent(&ua);
    }
    AuditEvent { inner: e }
}

/// An event for a request made with `key` (recorded by fingerprint); `AuditEvent.forKey`
/// in JavaScript.
#[napi(js_name = "auditEventForKey", skip_typescript)]
pub fn for_key(key: KeyArg, fields: AuditFields) -> AuditEvent {
    build(KeyRef::from_key(key.key()), fields)
}

/// An event for the key with dashboard ID `keyId` (`AuditEvent.forKeyId`); throws
/// `secret_in_key_id` when the ID holds a key, `invalid_key_id` when it is not an ID.
#[napi(js_name = "auditEventForKeyId", skip_typescript)]
pub fn for_key_id(key_id: String, fields: AuditFields) -> napi::Result<AuditEvent> {
    let key_ref = KeyRef::from_id(&key_id).map_err(|e| error::from_core(&e.into()))?;
    Ok(build(key_ref, fields))
}

#[napi]
impl AuditEvent {
    /// RFC 3339 UTC timestamp with milliseconds.
    #[napi(getter)]
    pub fn timestamp(&self) -> String {
        self.inner.timestamp().to_string()
    }
    /// What was done.
    #[napi(getter)]
    pub fn action(&self) -> String {
        self.inner.action().to_owned()
    }
    /// The key's ID or fingerprint.
    #[napi(getter)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().as_str().to_owned()
    }
    /// The request path (redacted).
    #[napi(getter)]
    pub fn endpoint(&self) -> String {
        self.inner.endpoint().to_owned()
    }
    /// The HTTP method.
    #[napi(getter)]
    pub fn method(&self) -> String {
        self.inner.method().to_owned()
    }
    /// The HTTP status.
    #[napi(getter)]
    pub fn status(&self) -> u16 {
        self.inner.status()
    }
    /// The client IP, when known.
    #[napi(getter)]
    pub fn ip(&self) -> Option<String> {
        self.inner.ip().map(str::to_owned)
    }
    /// The client's user agent (redacted), when known.
    #[napi(getter)]
    pub fn user_agent(&self) -> Option<String> {
        self.inner.user_agent().map(str::to_owned)
    }
    /// The event as one line of JSON in the documented shape.
    #[napi]
    pub fn to_json_line(&self) -> String {
        self.inner.to_json()
    }
}
