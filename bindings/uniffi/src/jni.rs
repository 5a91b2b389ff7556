//! JNI entry points for the Kotlin package's hot calls: `redact`, `containsSecret` and
//! `ApiKey.parse`, exported from the same native library as the UniFFI scaffolding.
//!
//! UniFFI's Kotlin goes through JNA, which costs several microseconds per call (a
//! call-status structure and a buffer per string, marshalled by reflection); these three
//! calls are made per log line, so they get a direct JNI method each on the Kotlin object
//! `io.pictify.keys.JniHotCalls`. Everything else stays on UniFFI.
//!
//! Text crosses as the UTF-8 bytes Kotlin's `String.toByteArray()` gives (standard UTF-8, so a
//! character outside the BMP is one 4-byte sequence, not the surrogate pair JNI's modified
//! UTF-8 would give). A redaction that changes nothing returns `null`, and Kotlin hands back
//! the caller's own `String`. A parsed key is returned as the same handle UniFFI's `lower`
//! gives, so Kotlin wraps it in the generated `ApiKey` and frees it through UniFFI as usual.
//!
//! No decision is made here: each function calls the core and translates. A panic or a JNI
//! failure never crosses into the JVM: `with_env` catches the panic, and [`ThrowInternal`]
//! turns it into the generated `io.pictify.keys.InternalException`, as UniFFI does.

use std::borrow::Cow;
use std::sync::Arc;

use ::jni::errors::ErrorPolicy;
use ::jni::objects::{JByteArray, JClass, JString};
use ::jni::sys::{jboolean, jint, jlong};
use ::jni::{jni_mangle, jni_str, Env, EnvUnowned};
use pictify_keys::redact::{Redactor, Style};
use zeroize::Zeroizing;

use crate::error::PictifyError;
use crate::key::ApiKey;

/// The style a Kotlin `RedactionStyle` is sent as: 0 fingerprint (also for `null`), 1
/// redacted, 2 mask (`JniHotCalls.styleCode` in Kotlin).
fn style_of(code: jint) -> Style {
    match code {
        1 => Style::Redacted,
        2 => Style::Mask,
        _ => Style::Fingerprint,
    }
}

/// Redacts the UTF-8 bytes of a text; `null` when nothing changes, else the new bytes.
#[allow(unsafe_code)] // `#[export_name]` from `jni_mangle`: the JVM finds the method by name.
#[jni_mangle("io.pictify.keys.JniHotCalls")]
pub fn redact<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    text: JByteArray<'local>,
    style: jint,
) -> JByteArray<'local> {
    unowned
        .with_env(|env| -> Result<_, ::jni::errors::Error> {
            let bytes = env.convert_byte_array(&text)?;
            match Redactor::new(style_of(style)).redact_bytes(&bytes) {
                Cow::Borrowed(_) => Ok(JByteArray::default()),
                Cow::Owned(out) => env.byte_array_from_slice(&out),
            }
        })
        .resolve::<ThrowInternal>()
}

/// Whether redaction would change the text (the core's `Redactor::finds_secret`: at least
/// one replacement), without building the redacted text.
#[allow(unsafe_code)] // `#[export_name]` from `jni_mangle`: the JVM finds the method by name.
#[jni_mangle("io.pictify.keys.JniHotCalls")]
pub fn contains_secret<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    text: JByteArray<'local>,
) -> jboolean {
    unowned
        .with_env(|env| -> Result<_, ::jni::errors::Error> {
            let bytes = env.convert_byte_array(&text)?;
            Ok(Redactor::default().for_each_edit(&bytes, |_, _, _| {}) > 0)
        })
        .resolve::<ThrowInternal>()
}

/// The core's literal triggers (`redact::TRIGGERS`, lower case) joined by U+001F: a text that
/// holds none of them in any ASCII case has nothing to redact, so Kotlin returns it without
/// calling in.
#[allow(unsafe_code)] // `#[export_name]` from `jni_mangle`: the JVM finds the method by name.
#[jni_mangle("io.pictify.keys.JniHotCalls")]
pub fn core_triggers<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
) -> JString<'local> {
    unowned
        .with_env(|env| -> Result<_, ::jni::errors::Error> {
            JString::new(env, pictify_keys::redact::TRIGGERS.join("\u{1f}"))
        })
        .resolve::<ThrowInternal>()
}

/// The key in `value` (UTF-8 bytes), zeroed when dropped.
fn key_text(
    env: &Env<'_>,
    value: &JByteArray<'_>,
) -> Result<Zeroizing<String>, ::jni::errors::Error> {
    let bytes = Zeroizing::new(env.convert_byte_array(value)?);
    // Kotlin's encoder always gives valid UTF-8; anything else is still parsed (and refused
    // by the core), never a panic.
    Ok(Zeroizing::new(String::from_utf8_lossy(&bytes).into_owned()))
}

/// Parses a key: the UniFFI handle of the new `ApiKey`, or 0 when the core refuses it
/// (Kotlin then asks [`key_error`] for the error).
#[allow(unsafe_code)] // `#[export_name]` from `jni_mangle`: the JVM finds the method by name.
#[jni_mangle("io.pictify.keys.JniHotCalls")]
pub fn parse_key<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
) -> jlong {
    unowned
        .with_env(|env| -> Result<_, ::jni::errors::Error> {
            let text = key_text(env, &value)?;
            Ok(match pictify_keys::ApiKey::parse(&text) {
                Ok(key) => {
                    let handle =
                        <Arc<ApiKey> as uniffi::Lower<crate::UniFfiTag>>::lower(ApiKey::wrap(key));
                    // A Rust handle is a pointer: never 0, and the same bits as Kotlin's Long.
                    handle.as_raw() as jlong
                }
                Err(_) => 0,
            })
        })
        .resolve::<ThrowInternal>()
}

/// The error `ApiKey.parse` raises for `value`, as fields separated by U+001F: family
/// (`format`, …), code, message, then the `position`, `vendor` and `origin` details (empty
/// when absent). `null` if the key is valid. The message never holds the key.
#[allow(unsafe_code)] // `#[export_name]` from `jni_mangle`: the JVM finds the method by name.
#[jni_mangle("io.pictify.keys.JniHotCalls")]
pub fn key_error<'local>(
    mut unowned: EnvUnowned<'local>,
    _class: JClass<'local>,
    value: JByteArray<'local>,
) -> JString<'local> {
    unowned
        .with_env(|env| -> Result<_, ::jni::errors::Error> {
            let text = key_text(env, &value)?;
            let Err(e) = pictify_keys::ApiKey::parse(&text) else {
                return Ok(JString::default());
            };
            let (family, code, details, detail) = match PictifyError::from(e) {
                PictifyError::Format {
                    code,
                    details,
                    detail,
                } => ("format", code, details, detail),
                PictifyError::Environment {
                    code,
                    details,
                    detail,
                } => ("environment", code, details, detail),
                PictifyError::Source {
                    code,
                    details,
                    detail,
                } => ("source", code, details, detail),
                PictifyError::Http {
                    code,
                    details,
                    detail,
                } => ("http", code, details, detail),
                PictifyError::Input {
                    code,
                    details,
                    detail,
                } => ("input", code, details, detail),
            };
            let fields = [
                family.to_owned(),
                code,
                detail,
                details.position.map(|p| p.to_string()).unwrap_or_default(),
                details.vendor.unwrap_or_default(),
                details.origin.unwrap_or_default(),
            ];
            JString::new(env, fields.join("\u{1f}"))
        })
        .resolve::<ThrowInternal>()
}

/// The error policy of these methods: a panic or a JNI failure becomes the generated
/// `io.pictify.keys.InternalException` (what UniFFI raises for a Rust panic), unless a Java
/// exception is already pending; the method then returns `null`/0/false.
struct ThrowInternal;

impl<T: Default> ErrorPolicy<T, ::jni::errors::Error> for ThrowInternal {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        err: ::jni::errors::Error,
    ) -> ::jni::errors::Result<T> {
        throw_internal(env, &format!("JNI call failed: {err}"));
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _captures: &mut (),
        payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> ::jni::errors::Result<T> {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        // The payload's own drop could panic; it is plain data here, leaking is harmless.
        std::mem::forget(payload);
        throw_internal(env, &format!("Rust panic: {text}"));
        Ok(T::default())
    }
}

/// Throws `InternalException(message)` unless an exception is already pending.
fn throw_internal(env: &mut Env<'_>, message: &str) {
    if env.exception_check() {
        return;
    }
    let message = ::jni::strings::JNIString::new(message);
    // If even this fails, a Java exception (OutOfMemoryError, NoClassDefFoundError) is pending
    // and propagates instead.
    let _ = env.throw_new(jni_str!("io/pictify/keys/InternalException"), message);
}
