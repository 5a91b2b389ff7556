//! Audit events: `keyId` is a key ID or fingerprint, never a secret.

use std::sync::Arc;

use pictify_keys as core;
/// The fields of an event other than the key: the core's record.
pub use pictify_keys::audit::AuditFields;
use pictify_keys::KeyRef;

use crate::error::PictifyError;
use crate::key::ApiKey;

/// One audited request in the documented JSON shape. Every text field is redacted when the
/// event is built, so no event can carry a secret.
#[derive(uniffi::Object)]
#[uniffi::export(Display)]
pub struct AuditEvent {
    pub(crate) inner: core::AuditEvent,
}

impl std::fmt::Display for AuditEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.inner.to_json())
    }
}

#[uniffi::export]
impl AuditEvent {
    /// An event for a request made with `key`, recorded by its fingerprint.
    #[uniffi::constructor]
    pub fn for_key(key: Arc<ApiKey>, fields: AuditFields) -> Self {
        Self {
            inner: core::AuditEvent::from_fields(KeyRef::from_key(&key.inner), &fields),
        }
    }

    /// An event for the key with dashboard ID `key_id`. Throws `InvalidInput` with code
    /// `secret_in_key_id` when the ID holds a key, `invalid_key_id` when it is not an ID.
    #[uniffi::constructor]
    pub fn for_key_id(key_id: String, fields: AuditFields) -> Result<Self, PictifyError> {
        let inner = core::AuditEvent::from_fields(KeyRef::from_id(&key_id)?, &fields);
        Ok(Self { inner })
    }

    /// RFC 3339 UTC timestamp with milliseconds.
    pub fn timestamp(&self) -> String {
        self.inner.timestamp().to_string()
    }
    /// Milliseconds since the Unix epoch.
    pub fn timestamp_ms(&self) -> i64 {
        self.inner.timestamp().unix_millis()
    }
    /// What was done.
    pub fn action(&self) -> String {
        self.inner.action().to_owned()
    }
    /// The key's ID or fingerprint.
    pub fn key_id(&self) -> String {
        self.inner.key_id().as_str().to_owned()
    }
    /// The request path (redacted).
    pub fn endpoint(&self) -> String {
        self.inner.endpoint().to_owned()
    }
    /// The HTTP method.
    pub fn method(&self) -> String {
        self.inner.method().to_owned()
    }
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.inner.status()
    }
    /// The client IP, when known.
    pub fn ip(&self) -> Option<String> {
        self.inner.ip().map(str::to_owned)
    }
    /// The client's user agent (redacted), when known.
    pub fn user_agent(&self) -> Option<String> {
        self.inner.user_agent().map(str::to_owned)
    }
    /// The event as one line of JSON in the documented shape.
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }
}
