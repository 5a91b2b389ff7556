//! Audit events: `keyId` is a key ID or fingerprint, never a secret. An event crosses as
//! its one line of JSON in the documented shape (`AuditEventJson` in packages/shapes.d.ts);
//! the JavaScript class `AuditEvent` (packages/node/index.js) holds that line and its fields.

use napi_derive::napi;
use pictify_keys::{input, KeyRef, Timestamp};
use serde_json::Value;

use crate::error;
use crate::key::KeyArg;

/// The event's line of JSON, from its `AuditFields` (default time: now).
fn build(key_id: KeyRef, fields: &Value) -> napi::Result<String> {
    let now = Timestamp::now().unix_millis();
    let event = input::audit_event(key_id, fields, now).map_err(|e| error::from_core(&e))?;
    Ok(event.to_json())
}

/// An event for a request made with `key` (recorded by fingerprint); `AuditEvent.forKey`
/// in JavaScript.
#[napi(js_name = "auditEventForKey", skip_typescript)]
pub fn for_key(key: KeyArg, fields: Value) -> napi::Result<String> {
    build(KeyRef::from_key(key.key()), &fields)
}

/// An event for the key with dashboard ID `keyId` (`AuditEvent.forKeyId`); throws
/// `secret_in_key_id` when the ID holds a key, `invalid_key_id` when it is not an ID.
#[napi(js_name = "auditEventForKeyId", skip_typescript)]
pub fn for_key_id(key_id: String, fields: Value) -> napi::Result<String> {
    let key_ref = KeyRef::from_id(&key_id).map_err(|e| error::from_core(&e.into()))?;
    build(key_ref, &fields)
}
