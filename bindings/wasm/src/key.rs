//! `ApiKey`: a parsed key held in Rust; JavaScript gets a handle (mirrors `core/src/key.rs`).
//!
//! `toString()` and `toJSON()` give the fingerprint, never the secret; `reveal()` is the one
//! way to read it.

use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};

/// A well-formed Pictify API key. The secret stays in WebAssembly memory (zeroed on drop);
/// only `reveal()` copies it out.
#[wasm_bindgen]
pub struct ApiKey {
    inner: pictify_keys::ApiKey,
}

impl ApiKey {
    /// Wraps a core key.
    pub fn from_core(inner: pictify_keys::ApiKey) -> Self {
        Self { inner }
    }

    /// The core key.
    pub fn core(&self) -> &pictify_keys::ApiKey {
        &self.inner
    }
}

#[wasm_bindgen]
impl ApiKey {
    /// Parses `value`; throws an `Error` with `.code` (`whitespace`, `placeholder`, …),
    /// `.position` and `.vendor` when it is not a well-formed key. `undefined` or `null`
    /// (an unset `env.PICTIFY_API_KEY`) throws `no_key`; any other non-string
    /// `invalid_argument` (the type is checked before anything enters WebAssembly memory).
    pub fn parse(
        #[wasm_bindgen(unchecked_param_type = "string | null | undefined")] value: JsValue,
    ) -> Result<ApiKey, JsValue> {
        let Some(text) = value.as_string() else {
            return Err(not_a_string(&value));
        };
        pictify_keys::ApiKey::parse(&text)
            .map(Self::from_core)
            .map_err(|e| core_error(&e.into()))
    }

    /// `"live"` or `"test"`.
    #[wasm_bindgen(getter)]
    pub fn mode(&self) -> String {
        self.inner.mode().as_str().to_owned()
    }

    /// `pk_live_****a1b2`: safe to log and show.
    #[wasm_bindgen(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The last four characters of the body.
    #[wasm_bindgen(getter)]
    pub fn last4(&self) -> String {
        self.inner.last4().to_owned()
    }

    /// The secret, for the `Authorization` header. Never log it.
    pub fn reveal(&self) -> String {
        // EXPOSE: the caller asked for the secret explicitly (to send it to the Pictify API).
        self.inner.expose_secret().to_owned()
    }

    /// Constant-time comparison with another key.
    pub fn equals(&self, other: &ApiKey) -> bool {
        self.inner == other.inner
    }

    /// The fingerprint.
    #[wasm_bindgen(js_name = toString)]
    pub fn to_js_string(&self) -> String {
        self.inner.fingerprint()
    }

    /// The fingerprint, so `JSON.stringify` never writes the secret.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> String {
        self.inner.fingerprint()
    }
}

/// The error for a value of another type than string: `no_key` for `undefined` / `null`,
/// else `invalid_argument` naming the type (never the value).
fn not_a_string(value: &JsValue) -> JsValue {
    if value.is_undefined() || value.is_null() {
        return core_error(&pictify_keys::Error::NoKey);
    }
    let kind = value.js_typeof().as_string().unwrap_or_default();
    invalid_argument(&format!(
        "ApiKey.parse takes the key as a string, not a {kind}"
    ))
}
