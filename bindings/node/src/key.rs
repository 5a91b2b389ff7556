//! `ApiKey`: a handle to the core's key; the secret stays in Rust memory (zeroed on drop).

use napi_derive::napi;

use crate::error;

/// A well-formed Pictify API key. `toString()`, `util.inspect` and `JSON.stringify` show the
/// fingerprint only; `reveal()` returns the secret.
#[napi]
pub struct ApiKey {
    pub(crate) inner: pictify_keys::ApiKey,
}

/// Parses and validates a key exactly as given (no trimming). The JavaScript layer exposes
/// this as `ApiKey.parse` (a native static cannot be wrapped to convert its errors) and
/// throws a `KeyFormatError` whose `.code` names the problem (`whitespace`, `placeholder`,
/// `foreign_key`, …).
#[napi(js_name = "parseApiKey", skip_typescript)]
pub fn parse_api_key(value: String) -> napi::Result<ApiKey> {
    pictify_keys::ApiKey::parse(&value)
        .map(|inner| ApiKey { inner })
        .map_err(error::from_key)
}

#[napi]
impl ApiKey {
    /// `"live"` or `"test"`.
    #[napi(getter, ts_return_type = "'live' | 'test'")]
    pub fn mode(&self) -> &'static str {
        self.inner.mode().as_str()
    }

    /// The fingerprint shown to people, e.g. `pk_live_****a1b2`.
    #[napi(getter)]
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The full secret, for an `Authorization` header and nowhere else.
    #[napi]
    pub fn reveal(&self) -> String {
        // EXPOSE: the caller asked for the secret explicitly through `reveal()`.
        self.inner.expose_secret().to_owned()
    }

    /// Constant-time comparison of two keys.
    #[napi]
    pub fn equals(&self, other: &ApiKey) -> bool {
        self.inner == other.inner
    }

    /// The fingerprint.
    #[napi(js_name = "toString")]
    pub fn to_js_string(&self) -> String {
        self.inner.fingerprint()
    }

    /// The fingerprint, so `JSON.stringify` never writes the secret.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> String {
        self.inner.fingerprint()
    }
}
