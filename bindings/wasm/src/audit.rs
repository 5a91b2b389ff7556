//! `AuditEvent`: an audit record that carries a key ID or fingerprint, never the secret
//! (mirrors `core/src/audit.rs`).

use js_sys::Reflect;
use pictify_keys::audit::{KeyRef, Timestamp};
use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};
use crate::key::ApiKey;

/// One audited request, in the documented JSON shape. Every text field is redacted on the
/// way in.
#[wasm_bindgen]
pub struct AuditEvent {
    inner: pictify_keys::AuditEvent,
}

fn field(options: &JsValue, name: &str) -> JsValue {
    Reflect::get(options, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn text(options: &JsValue, name: &str) -> Result<String, JsValue> {
    field(options, name)
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
        let options = options.clone();
        let ts = field(&options, "timestamp");
        let millis = if let Some(date) = ts.dyn_ref::<js_sys::Date>() {
            date.get_time()
        } else {
            ts.as_f64().unwrap_or_else(js_sys::Date::now)
        };
        if !millis.is_finite() {
            return Err(invalid_argument("AuditEvent timestamp is not a valid time"));
        }
        let status = field(&options, "status").as_f64().unwrap_or(0.0);
        if !(0.0..=999.0).contains(&status) || status.fract() != 0.0 {
            return Err(invalid_argument(
                "AuditEvent status must be an HTTP status code",
            ));
        }
        let mut inner = pictify_keys::AuditEvent::new(
            Timestamp::from_unix_millis(millis as i64),
            &text(&options, "action")?,
            key_ref,
            &text(&options, "endpoint")?,
            &text(&options, "method")?,
            status as u16,
        );
        if let Some(ip) = field(&options, "ip").as_string() {
            inner = inner.with_ip(&ip);
        }
        if let Some(ua) = field(&options, "userAgent").as_string() {
            inner = inner.with_user_agent(&ua);
        }
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
