//! The audit event of the Pictify docs, which never carries a secret.
//!
//! Serialised exactly as
//! `{"timestamp","action","keyId","endpoint","method","status","ip","userAgent"}`
//! (camelCase, in that order; `ip` and `userAgent` are `null` when unknown). The `keyId` is
//! a [`KeyRef`]: the key's ID when known, otherwise its fingerprint, and no constructor
//! accepts a secret there. Every other text field is passed through
//! [`redact`] on the way in, so a key in an endpoint
//! (`?api_key=…`) or a user agent is stored as its fingerprint.
//!
//! ```
//! use pictify_keys::{ApiKey, AuditEvent, KeyRef, Timestamp};
//!
//! let key = ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zra1b2")?;
//! let event = AuditEvent::new(
//!     Timestamp::from_unix_millis(1_764_254_954_000),
//!     "image.render",
//!     KeyRef::from_key(&key),
//!     "/v1/render?api_key=pk_live_FAKE3Wwd25rq4f5zra1b2",
//!     "POST",
//!     200,
//! )
//! .with_ip("203.0.113.7");
//! assert_eq!(
//!     event.to_json(),
//!     r#"{"timestamp":"2025-11-27T14:49:14.000Z","action":"image.render","keyId":"pk_live_****a1b2","endpoint":"/v1/render?api_key=pk_live_****a1b2","method":"POST","status":200,"ip":"203.0.113.7","userAgent":null}"#
//! );
//! # Ok::<(), pictify_keys::KeyError>(())
//! ```

use std::fmt::{self, Write as _};

use crate::key::ApiKey;
use crate::redact::redact;

/// Why a key ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuditError {
    /// The "key ID" is (or contains) an API key. Pass the key itself to
    /// [`KeyRef::from_key`] to record its fingerprint, or pass the key's ID from the dashboard.
    #[error("the key ID contains an API key: audit events store the key's ID or fingerprint, never the key; use KeyRef::from_key")]
    SecretInKeyId,
    /// The key ID is empty, longer than 128 characters, or has characters other than
    /// letters, digits and `_ - . :`. Use the ID shown in the Pictify dashboard.
    #[error("the key ID is not a valid ID: use 1 to 128 letters, digits, '_', '-', '.' or ':' as shown in the Pictify dashboard")]
    InvalidKeyId,
}

impl AuditError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SecretInKeyId => "secret_in_key_id",
            Self::InvalidKeyId => "invalid_key_id",
        }
    }
}

/// What the `keyId` of an audit event refers to a key by: its ID or its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyRef(String);

impl KeyRef {
    /// The fingerprint of `key` (`pk_live_****a1b2`).
    pub fn from_key(key: &ApiKey) -> Self {
        Self(key.fingerprint())
    }

    /// A key ID issued by Pictify (`key_01HV…`). Refuses anything that holds an API key.
    ///
    /// ```
    /// use pictify_keys::KeyRef;
    ///
    /// assert_eq!(KeyRef::from_id("key_01hv3k")?.as_str(), "key_01hv3k");
    /// let err = KeyRef::from_id("pk_live_FAKE3Wwd25rq4f5zra1b2").unwrap_err();
    /// assert_eq!(err.code(), "secret_in_key_id");
    /// # Ok::<(), pictify_keys::AuditError>(())
    /// ```
    pub fn from_id(id: &str) -> Result<Self, AuditError> {
        Self::check_id(id)?;
        Ok(Self(id.to_owned()))
    }

    /// The checks of [`from_id`](Self::from_id) without the copy (the usage monitor runs
    /// them on every line it reads).
    pub(crate) fn check_id(id: &str) -> Result<(), AuditError> {
        if crate::redact::Redactor::default().finds_secret(id) || ApiKey::parse(id).is_ok() {
            return Err(AuditError::SecretInKeyId);
        }
        let ok_len = (1..=128).contains(&id.len());
        let ok_chars = id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'));
        if !ok_len || !ok_chars {
            return Err(AuditError::InvalidKeyId);
        }
        Ok(())
    }

    /// The ID or fingerprint.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&ApiKey> for KeyRef {
    fn from(key: &ApiKey) -> Self {
        Self::from_key(key)
    }
}

impl fmt::Display for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A point in time, written as RFC 3339 UTC with milliseconds (`2026-11-27T14:49:14.123Z`).
///
/// The core reads no clock on its own (it also runs on wasm32, where there is none):
/// callers pass the time in, or use [`Timestamp::now`] on native targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    unix_millis: i64,
}

impl Timestamp {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub fn from_unix_millis(unix_millis: i64) -> Self {
        Self { unix_millis }
    }

    /// The current system time.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn now() -> Self {
        Self::from_unix_millis(crate::world::unix_millis_now())
    }

    /// Milliseconds since the Unix epoch.
    pub fn unix_millis(self) -> i64 {
        self.unix_millis
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.unix_millis.div_euclid(1000);
        let millis = self.unix_millis.rem_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        )
    }
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian calendar).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The fields of an audit event other than the key, as a front end takes them
/// ([`AuditEvent::from_fields`]). With `serde` it deserializes from camelCase
/// (`{action, endpoint, method, status, timestampMs?, ip?, userAgent?}`); Kotlin and Swift get
/// it as a record (feature `uniffi`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditFields {
    /// What was done, e.g. `image.render`.
    pub action: String,
    /// The request path (redacted on the way in).
    pub endpoint: String,
    /// The HTTP method.
    pub method: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// When, in milliseconds since the Unix epoch (`None`: now).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub timestamp_ms: Option<i64>,
    /// The client IP, when known (redacted on the way in).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub ip: Option<String>,
    /// The client's user agent, when known (redacted on the way in).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub user_agent: Option<String>,
}

/// One audited request: who (which key), what, where, and the outcome.
///
/// Fields are private and every text field is redacted when set, so there is no way to
/// build an event that carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    timestamp: Timestamp,
    action: String,
    key_id: KeyRef,
    endpoint: String,
    method: String,
    status: u16,
    ip: Option<String>,
    user_agent: Option<String>,
}

impl AuditEvent {
    /// An event for a request made with the key `key_id` refers to. `action`, `endpoint`
    /// and `method` are redacted on the way in.
    pub fn new(
        timestamp: Timestamp,
        action: &str,
        key_id: KeyRef,
        endpoint: &str,
        method: &str,
        status: u16,
    ) -> Self {
        Self {
            timestamp,
            action: redact(action).into_owned(),
            key_id,
            endpoint: redact(endpoint).into_owned(),
            method: redact(method).into_owned(),
            status,
            ip: None,
            user_agent: None,
        }
    }

    /// Sets the client IP address (redacted on the way in, like every text field).
    pub fn with_ip(mut self, ip: &str) -> Self {
        self.ip = Some(redact(ip).into_owned());
        self
    }

    /// Sets the client's `User-Agent` (redacted on the way in).
    pub fn with_user_agent(mut self, user_agent: &str) -> Self {
        self.user_agent = Some(redact(user_agent).into_owned());
        self
    }

    /// An event from its [`AuditFields`]: a missing timestamp is now; every text field is
    /// redacted on the way in, as in [`AuditEvent::new`]. Not on wasm32, which has no system
    /// clock here (the WASM package reads the host's time and calls [`AuditEvent::new`]).
    ///
    /// ```
    /// use pictify_keys::{audit::AuditFields, AuditEvent, KeyRef};
    ///
    /// let fields = AuditFields {
    ///     action: "image.render".into(),
    ///     endpoint: "/v1/render".into(),
    ///     method: "POST".into(),
    ///     status: 200,
    ///     timestamp_ms: Some(1_764_254_954_000),
    ///     ip: None,
    ///     user_agent: Some("curl pk_live_FAKE3Wwd25rq4f5zra1b2".into()),
    /// };
    /// let event = AuditEvent::from_fields(KeyRef::from_id("key_123")?, &fields);
    /// assert_eq!(event.timestamp().to_string(), "2025-11-27T14:49:14.000Z");
    /// assert_eq!(event.user_agent(), Some("curl pk_live_****a1b2"));
    /// assert_eq!(event.ip(), None);
    /// # Ok::<(), pictify_keys::AuditError>(())
    /// ```
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_fields(key_id: KeyRef, fields: &AuditFields) -> Self {
        let timestamp = fields
            .timestamp_ms
            .map_or_else(Timestamp::now, Timestamp::from_unix_millis);
        let mut event = Self::new(
            timestamp,
            &fields.action,
            key_id,
            &fields.endpoint,
            &fields.method,
            fields.status,
        );
        if let Some(ip) = &fields.ip {
            event = event.with_ip(ip);
        }
        if let Some(ua) = &fields.user_agent {
            event = event.with_user_agent(ua);
        }
        event
    }

    /// When it happened.
    pub fn timestamp(&self) -> Timestamp {
        self.timestamp
    }
    /// What was done, e.g. `image.render`.
    pub fn action(&self) -> &str {
        &self.action
    }
    /// The key's ID or fingerprint.
    pub fn key_id(&self) -> &KeyRef {
        &self.key_id
    }
    /// The request path (redacted).
    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }
    /// The HTTP method.
    pub fn method(&self) -> &str {
        &self.method
    }
    /// The HTTP status of the response.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The client IP, when known.
    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }
    /// The client's user agent (redacted), when known.
    pub fn user_agent(&self) -> Option<&str> {
        self.user_agent.as_deref()
    }

    /// The event as one line of JSON in the documented shape, without needing serde.
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"timestamp\":");
        push_json_str(&mut out, &self.timestamp.to_string());
        out.push_str(",\"action\":");
        push_json_str(&mut out, &self.action);
        out.push_str(",\"keyId\":");
        push_json_str(&mut out, self.key_id.as_str());
        out.push_str(",\"endpoint\":");
        push_json_str(&mut out, &self.endpoint);
        out.push_str(",\"method\":");
        push_json_str(&mut out, &self.method);
        let _ = write!(out, ",\"status\":{}", self.status);
        for (name, value) in [("ip", &self.ip), ("userAgent", &self.user_agent)] {
            let _ = write!(out, ",\"{name}\":");
            match value {
                Some(v) => push_json_str(&mut out, v),
                None => out.push_str("null"),
            }
        }
        out.push('}');
        out
    }
}

/// Appends `s` as a JSON string literal.
fn push_json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(feature = "serde")]
impl serde::Serialize for AuditEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("AuditEvent", 8)?;
        s.serialize_field("timestamp", &self.timestamp.to_string())?;
        s.serialize_field("action", &self.action)?;
        s.serialize_field("keyId", self.key_id.as_str())?;
        s.serialize_field("endpoint", &self.endpoint)?;
        s.serialize_field("method", &self.method)?;
        s.serialize_field("status", &self.status)?;
        s.serialize_field("ip", &self.ip)?;
        s.serialize_field("userAgent", &self.user_agent)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(
            Timestamp::from_unix_millis(0).to_string(),
            "1970-01-01T00:00:00.000Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(951_782_400_123).to_string(),
            "2000-02-29T00:00:00.123Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(-1).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
        assert_eq!(
            Timestamp::from_unix_millis(1_798_761_599_000).to_string(),
            "2026-12-31T23:59:59.000Z"
        );
    }

    #[test]
    fn key_ids_refuse_secrets() {
        for bad in [
            "pk_live_FAKE3Wwd25rq4f5zra1b2",
            "id=pk_test_FAKE3Wwd25rq4f5zra1b2",
            "PK_LIVE_FAKE3WWD25RQ4F5ZRA1B2",
        ] {
            assert_eq!(
                KeyRef::from_id(bad),
                Err(AuditError::SecretInKeyId),
                "{bad}"
            );
        }
        assert_eq!(KeyRef::from_id(""), Err(AuditError::InvalidKeyId));
        assert_eq!(
            KeyRef::from_id("key with spaces"),
            Err(AuditError::InvalidKeyId)
        );
    }

    #[test]
    fn fields_are_redacted_on_the_way_in() {
        let e = AuditEvent::new(
            Timestamp::from_unix_millis(0),
            "render",
            KeyRef::from_id("key_1").unwrap(),
            "/v1?key=abc",
            "GET",
            401,
        )
        .with_user_agent("curl pk_test_FAKE3Wwd25rq4f5zra1b2\"");
        assert_eq!(e.endpoint(), "/v1?key=[REDACTED]");
        assert_eq!(
            e.to_json(),
            r#"{"timestamp":"1970-01-01T00:00:00.000Z","action":"render","keyId":"key_1","endpoint":"/v1?key=[REDACTED]","method":"GET","status":401,"ip":null,"userAgent":"curl pk_test_****a1b2\""}"#
        );
    }
}
