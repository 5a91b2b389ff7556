//! `ApiKey`: a handle to the core's key; the secret stays in Rust memory (zeroed on drop).

use napi::Either;
use napi_derive::napi;

/// A well-formed Pictify API key. `toString()`, `util.inspect` and `JSON.stringify` show the
/// fingerprint only; `reveal()` returns the secret.
#[napi]
pub struct ApiKey {
    pub(crate) inner: pictify_keys::ApiKey,
}

/// Why a value is not a key, as plain data: the core's stable code, its family (`format`),
/// its message (never the secret), and the position or vendor when the core has them.
#[napi(object, object_from_js = false)]
pub struct KeyProblem {
    /// The core's stable code (`whitespace`, `placeholder`, `foreign_key`, …).
    pub code: &'static str,
    /// The error family, `format`.
    pub family: &'static str,
    /// What is wrong, never containing the secret.
    pub message: String,
    /// Character position of the problem, when there is one.
    pub position: Option<u32>,
    /// The vendor whose key this looks like, for `foreign_key`.
    pub vendor: Option<&'static str>,
}

/// Parses and validates a key exactly as given (no trimming). The JavaScript layer exposes
/// this as `ApiKey.parse` and throws a `KeyFormatError` whose `.code` names the problem
/// (`whitespace`, `placeholder`, `foreign_key`, …).
///
/// A malformed key comes back as a [`KeyProblem`] value rather than a thrown native error:
/// throwing across Node-API builds an `Error` with a stack and a payload to decode, which
/// cost tens of microseconds per call.
#[napi(js_name = "parseApiKey", skip_typescript)]
pub fn parse_api_key(value: String) -> Either<ApiKey, KeyProblem> {
    match pictify_keys::ApiKey::parse(&value) {
        Ok(inner) => Either::A(ApiKey { inner }),
        Err(e) => {
            let position = e.position().and_then(|p| u32::try_from(p).ok());
            let vendor = e.vendor();
            let error = pictify_keys::Error::Key(e);
            Either::B(KeyProblem {
                code: error.code(),
                family: error.family().as_str(),
                message: error.to_string(),
                position,
                vendor,
            })
        }
    }
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
