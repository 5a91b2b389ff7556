//! `AuditEvent`: an audit record that carries a key ID or fingerprint, never the secret
//! (mirrors `core/src/audit.rs`).

use pictify_keys::audit::KeyRef;
use pictify_keys::{input, Clock};
use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};
use crate::key::ApiKey;
use crate::{get, HostClock};

/// One audited request, in the documented JSON shape. Every text field is redacted on the
/// way in.
#[wasm_bindgen]
pub struct AuditEvent {
    inner: pictify_keys::AuditEvent,
}

fn text(options: &JsValue, name: &str) -> Result<String, JsValue> {
    get(options, name)
        .as_string()
        .ok_or_else(|| invalid_argument(&format!("AuditEvent needs a string `{name}`")))
}

#[wasm_bindgen]
impl AuditEvent {
    /// `new AuditEvent({ keyId, action, endpoint, method, status, timestamp?, ip?,
    /// userAgent? })`. `keyId` is a key ID issued by Pictify (a value holding a key is
    /// refused with `secret_in_key_id`); `timestamp` is milliseconds since the epoch or a
    /// `Date` (default now).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuditEventOptions")] options: JsValue,
    ) -> Result<AuditEvent, JsValue> {
        let id = text(&options, "keyId")?;
        let key_ref = KeyRef::from_id(&id).map_err(|e| core_error(&e.into()))?;
        Self::build(&options, key_ref)
    }

    /// An event for a request made with `key`: its fingerprint is recorded.
    #[wasm_bindgen(js_name = forKey)]
    pub fn for_key(
        key: &ApiKey,
        #[wasm_bindgen(unchecked_param_type = "AuditEventOptions")] options: JsValue,
    ) -> Result<AuditEvent, JsValue> {
        Self::build(&options, KeyRef::from_key(key.core()))
    }
}

impl AuditEvent {
    fn build(options: &JsValue, key_ref: KeyRef) -> Result<AuditEvent, JsValue> {
        if !options.is_object() {
            return Err(invalid_argument("AuditEvent needs an options object"));
        }
        let mut fields = crate::json(options)?;
        // A `Date` as its milliseconds (JSON would write it as text).
        if let Some(date) = get(options, "timestamp").dyn_ref::<js_sys::Date>() {
            let t = date.get_time();
            fields["timestamp"] = if t.is_finite() {
                t.into()
            } else {
                "invalid".into()
            };
        }
        let now = HostClock.now_ms() as i64;
        let inner = input::audit_event(key_ref, &fields, now).map_err(|e| core_error(&e))?;
        Ok(Self { inner })
    }
}

#[wasm_bindgen]
impl AuditEvent {
    /// The key ID or fingerprint recorded.
    #[wasm_bindgen(getter, js_name = keyId)]
    pub fn key_id(&self) -> String {
        self.inner.key_id().as_str().to_owned()
    }

    /// The event as JSON text, in the documented shape.
    #[wasm_bindgen(js_name = toJSONString)]
    pub fn to_json_string(&self) -> String {
        self.inner.to_json()
    }

    /// The event as a plain object (so `JSON.stringify(event)` writes the documented shape).
    #[wasm_bindgen(js_name = toJSON, unchecked_return_type = "Record<string, unknown>")]
    pub fn to_json(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.inner.to_json())
    }
}
