//! `ApiKey`: a handle to the core's key; the secret stays in Rust memory (zeroed on drop).
//!
//! The handle is a Node-API external that owns the core's key and frees it (zeroing the
//! secret) when JavaScript no longer references it. It carries a type tag, so a value that
//! is not one of these handles is refused instead of being read as one. The JavaScript class
//! `ApiKey` (packages/node/index.js) holds the handle in a private field; a napi-rs class
//! instance was measured at 2.4 µs per key, a raw external at 1.0 µs (docs/benchmarks.md).

use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, Unknown, ValidateNapiValue};
use napi::{sys, Either, ValueType};
use napi_derive::napi;

/// Marks externals holding a key made by this addon (random, fixed for this package).
/// Type-tagging externals needs Node 20 (or 19.9); package.json asks for Node >= 20. A
/// `static`, not a `const`: some Node releases kept the tag's address rather than its value.
static KEY_TAG: sys::napi_type_tag = sys::napi_type_tag {
    lower: 0x6b65_795f_7069_6374,
    upper: 0x9d41_c0b7_52e3_a816,
};

/// A new key handle on its way to JavaScript.
pub struct ApiKey {
    pub(crate) inner: pictify_keys::ApiKey,
}

/// Frees the key when the external is collected; the core zeroes the secret on drop.
#[allow(unsafe_code)]
unsafe extern "C" fn drop_key(
    _env: sys::napi_env,
    data: *mut std::ffi::c_void,
    _hint: *mut std::ffi::c_void,
) {
    // SAFETY: `data` is the `Box<pictify_keys::ApiKey>` leaked in `to_napi_value`, and the
    // engine calls this finalizer once.
    drop(unsafe { Box::from_raw(data.cast::<pictify_keys::ApiKey>()) });
}

fn failed(what: &str) -> napi::Error {
    napi::Error::new(
        napi::Status::GenericFailure,
        format!("could not {what} a key handle"),
    )
}

impl TypeName for ApiKey {
    fn type_name() -> &'static str {
        "ApiKey"
    }

    fn value_type() -> ValueType {
        ValueType::External
    }
}

impl ToNapiValue for ApiKey {
    #[allow(unsafe_code)]
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let data = Box::into_raw(Box::new(val.inner));
        let mut out = std::ptr::null_mut();
        // SAFETY: `data` is a live heap key whose ownership passes to the external; the
        // finalizer frees it. On failure nothing took it, so it is freed here.
        let status = unsafe {
            sys::napi_create_external(
                env,
                data.cast(),
                Some(drop_key),
                std::ptr::null_mut(),
                &mut out,
            )
        };
        if status != sys::Status::napi_ok {
            // SAFETY: the external was not created, so `data` is still ours.
            drop(unsafe { Box::from_raw(data) });
            return Err(failed("create"));
        }
        // SAFETY: `out` is the external just created; the tag is a static.
        if unsafe { sys::napi_type_tag_object(env, out, &KEY_TAG) } != sys::Status::napi_ok {
            return Err(failed("tag"));
        }
        Ok(out)
    }
}

/// A key handle passed in from JavaScript, borrowed for the duration of the call.
pub struct KeyArg(*const pictify_keys::ApiKey);

impl KeyArg {
    /// The core's key.
    #[allow(unsafe_code)]
    pub fn key(&self) -> &pictify_keys::ApiKey {
        // SAFETY: the pointer came from a tagged external of ours, which owns the key; the
        // external is an argument of the running call, so it is reachable and not finalized
        // before the call returns, and a `KeyArg` never outlives the call.
        unsafe { &*self.0 }
    }
}

impl TypeName for KeyArg {
    fn type_name() -> &'static str {
        "ApiKey"
    }

    fn value_type() -> ValueType {
        ValueType::External
    }
}

impl ValidateNapiValue for KeyArg {}

impl FromNapiValue for KeyArg {
    #[allow(unsafe_code)]
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let not_a_key = || napi::Error::new(napi::Status::InvalidArg, "expected an ApiKey");
        let mut kind = sys::ValueType::napi_undefined;
        // SAFETY: `value` is a live argument; `kind` is a valid place for its type.
        let status = unsafe { sys::napi_typeof(env, value, &mut kind) };
        if status != sys::Status::napi_ok || kind != sys::ValueType::napi_external {
            return Err(not_a_key());
        }
        let mut tagged = false;
        // SAFETY: `value` is a live external; `tagged` is a valid place for the answer.
        let status = unsafe { sys::napi_check_object_type_tag(env, value, &KEY_TAG, &mut tagged) };
        if status != sys::Status::napi_ok || !tagged {
            return Err(not_a_key());
        }
        let mut data = std::ptr::null_mut();
        // SAFETY: `value` carries our tag, so it is an external created in `to_napi_value`.
        let status = unsafe { sys::napi_get_value_external(env, value, &mut data) };
        if status != sys::Status::napi_ok || data.is_null() {
            return Err(not_a_key());
        }
        Ok(Self(data.cast()))
    }
}

/// Why a value is not a key, as plain data: the core's stable code and its error report as
/// JSON (`{code, family, message, details}`; never the secret).
#[napi(object, object_from_js = false)]
pub struct KeyProblem {
    /// The core's stable code (`whitespace`, `placeholder`, `foreign_key`, …).
    pub code: &'static str,
    /// The core's error report as JSON.
    pub report: String,
}

/// Parses and validates a key exactly as given (no trimming). The JavaScript layer exposes
/// this as `ApiKey.parse` and throws a `KeyFormatError` whose `.code` names the problem
/// (`whitespace`, `placeholder`, `foreign_key`, …).
///
/// A malformed key comes back as a [`KeyProblem`] value rather than a thrown native error:
/// throwing across Node-API builds an `Error` with a stack and a payload to decode, which
/// cost tens of microseconds per call.
///
/// A value that is not a string is a problem too, never a conversion error: `undefined` or
/// `null` (an unset `process.env.PICTIFY_API_KEY`) is the core's `no_key`, anything else
/// `invalid_argument` naming its type (never its value).
#[napi(js_name = "parseApiKey", skip_typescript)]
pub fn parse_api_key(value: Either<String, Unknown<'_>>) -> Either<ApiKey, KeyProblem> {
    let value = match value {
        Either::A(text) => text,
        Either::B(other) => return Either::B(not_a_string(other.get_type().ok())),
    };
    match pictify_keys::ApiKey::parse(&value) {
        Ok(inner) => Either::A(ApiKey { inner }),
        Err(e) => {
            let report = pictify_keys::Error::Key(e).report();
            Either::B(KeyProblem {
                code: report.code,
                report: crate::error::report_json(&report),
            })
        }
    }
}

/// The problem for a value of another type than string: `no_key` for `undefined`/`null`
/// (an unset variable), `invalid_argument` for anything else.
fn not_a_string(kind: Option<ValueType>) -> KeyProblem {
    let error = match kind {
        Some(ValueType::Undefined | ValueType::Null) => pictify_keys::Error::NoKey,
        other => {
            let kind = match other {
                Some(ValueType::Boolean) => "boolean",
                Some(ValueType::Number) => "number",
                Some(ValueType::BigInt) => "bigint",
                Some(ValueType::Symbol) => "symbol",
                Some(ValueType::Function) => "function",
                _ => "object",
            };
            pictify_keys::Error::invalid_argument(format!(
                "ApiKey.parse takes the key as a string, not a {kind}"
            ))
        }
    };
    let report = error.report();
    KeyProblem {
        code: report.code,
        report: crate::error::report_json(&report),
    }
}

/// `"live"` or `"test"` (`ApiKey#mode`).
#[napi(js_name = "keyMode", skip_typescript)]
pub fn key_mode(key: KeyArg) -> &'static str {
    key.key().mode().as_str()
}

/// The fingerprint shown to people, e.g. `pk_live_****a1b2` (`ApiKey#fingerprint`,
/// `toString()`, `toJSON()`, `util.inspect`).
#[napi(js_name = "keyFingerprint", skip_typescript)]
pub fn key_fingerprint(key: KeyArg) -> String {
    key.key().fingerprint()
}

/// The full secret, for an `Authorization` header and nowhere else (`ApiKey#reveal()`).
#[napi(js_name = "keyReveal", skip_typescript)]
pub fn key_reveal(key: KeyArg) -> String {
    // EXPOSE: the caller asked for the secret explicitly through `reveal()`.
    key.key().expose_secret().to_owned()
}

/// Constant-time comparison of two keys (`ApiKey#equals`).
#[napi(js_name = "keyEquals", skip_typescript)]
pub fn key_equals(a: KeyArg, b: KeyArg) -> bool {
    a.key() == b.key()
}
