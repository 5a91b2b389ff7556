//! Structured redaction of JSON values (feature `json`).
//!
//! Path-based redactors only look at field names and miss keys inside free-text values;
//! this one does both: the value of a sensitive field is replaced whole, and every other
//! string (and every object key) is scanned like text.

use serde_json::Value;

use super::Redactor;

/// Field names whose values are replaced whole, compared case-insensitively with `-` and
/// `_` ignored (`api_key`, `apiKey`, `X-Api-Key`, `Authorization`, …).
const SENSITIVE: &[&str] = &[
    "apikey",
    "xapikey",
    "authorization",
    "secret",
    "token",
    "password",
];

/// Name endings that are sensitive too: `client_secret`, `access_token`, `db_password`,
/// `pictify_api_key`.
const SENSITIVE_SUFFIXES: &[&str] = &["apikey", "secret", "token", "password"];

/// Whether the value of a field with this name is replaced whole.
///
/// ```
/// use pictify_keys::redact::is_sensitive_field;
///
/// assert!(is_sensitive_field("X-Api-Key"));
/// assert!(is_sensitive_field("access_token"));
/// assert!(!is_sensitive_field("endpoint"));
/// ```
pub fn is_sensitive_field(name: &str) -> bool {
    let folded: String = name
        .chars()
        .filter(|c| !matches!(c, '-' | '_'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    SENSITIVE.contains(&folded.as_str()) || SENSITIVE_SUFFIXES.iter().any(|s| folded.ends_with(s))
}

/// Redacts a JSON value in place with the default style.
///
/// ```
/// use serde_json::json;
///
/// let mut v = json!({
///     "apiKey": "pk_live_FAKE3Wwd25rq4f5zra1b2",
///     "password": "hunter22",
///     "message": "retrying with pk_test_FAKE3Wwd25rq4f5zra1b2",
///     "count": 3
/// });
/// pictify_keys::redact::redact_json(&mut v);
/// assert_eq!(v, json!({
///     "apiKey": "pk_live_****a1b2",
///     "password": "[REDACTED]",
///     "message": "retrying with pk_test_****a1b2",
///     "count": 3
/// }));
/// ```
pub fn redact_json(value: &mut Value) {
    Redactor::default().redact_json(value);
}

impl Redactor {
    /// Redacts a JSON value in place: sensitive fields whole, every other string scanned.
    ///
    /// A sensitive field keeps `null` and booleans (they carry no secret); a string becomes
    /// the key's fingerprint when it is a key (also after `Bearer `), otherwise `[REDACTED]`;
    /// numbers, arrays and objects become `"[REDACTED]"`. Text that is already redacted is
    /// left as it is, so redacting twice changes nothing.
    pub fn redact_json(self, value: &mut Value) {
        match value {
            Value::String(s) => {
                if let std::borrow::Cow::Owned(r) = self.redact(s) {
                    *s = r;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact_json(v)),
            Value::Object(map) => {
                let needs_rename = map.keys().any(|k| self.finds_secret(k));
                if needs_rename {
                    let old = std::mem::take(map);
                    for (k, v) in old {
                        map.insert(self.redact(&k).into_owned(), v);
                    }
                }
                for (k, v) in map.iter_mut() {
                    if is_sensitive_field(k) {
                        self.redact_sensitive(v);
                    } else {
                        self.redact_json(v);
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn redact_sensitive(self, value: &mut Value) {
        match value {
            Value::Null | Value::Bool(_) => {}
            Value::String(s) => *s = self.redact_whole(s),
            _ => *value = Value::String("[REDACTED]".to_owned()),
        }
    }

    /// A sensitive string: `Bearer ` (any case) is kept, the rest is one token.
    fn redact_whole(self, s: &str) -> String {
        let (scheme, token) = match s.get(..7) {
            Some(head) if head.eq_ignore_ascii_case("bearer ") => s.split_at(7),
            _ => ("", s),
        };
        match super::engine::whole_token(self.style(), token.as_bytes()) {
            Some(replacement) => format!("{scheme}{replacement}"),
            None => s.to_owned(),
        }
    }
}
