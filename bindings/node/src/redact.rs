//! Redaction of keys in text, streams and JSON values.

use napi::bindgen_prelude::{
    Buffer, FromNapiValue, ToNapiValue, TypeName, Utf16String, ValidateNapiValue, ValueType,
};
use napi::{sys, Env, JsString};
use napi_derive::napi;
use pictify_keys::redact::{Redactor, Style};
use std::cell::RefCell;

use crate::error;

fn redactor(style: Option<String>) -> napi::Result<Redactor> {
    match style {
        None => Ok(Redactor::default()),
        Some(name) => Style::from_name(&name).map(Redactor::new).ok_or_else(|| {
            error::invalid_argument(format!(
                "unknown redaction style '{name}': use fingerprint, redacted or mask"
            ))
        }),
    }
}

/// Narrows the code units of a JavaScript string to one byte each for the core's scanner:
/// ASCII as it is, every other unit (surrogate halves included) as `0x80`. Every match is
/// ASCII and the scanner treats every byte at or above `0x80` alike, so the edits found in
/// the narrowed bytes are the edits of the text, at its UTF-16 indices (core property test
/// `narrowed_text_gets_the_same_edits`). Also returns whether every unit is below `0x100`,
/// i.e. whether the text is exactly representable in Latin-1.
fn narrow(units: &[u16]) -> (Vec<u8>, bool) {
    let mut all = 0u16;
    let bytes = units
        .iter()
        .map(|&u| {
            all |= u;
            if u < 0x80 {
                u as u8
            } else {
                0x80
            }
        })
        .collect();
    (bytes, all < 0x100)
}

/// A redacted text on its way to JavaScript: Latin-1 when every code unit fits in a byte
/// (V8 then stores it as a one-byte string with a single copy), UTF-16 otherwise.
pub enum Text {
    /// Every code unit below `0x100`, one byte each.
    Latin1(Vec<u8>),
    /// Code units as they are.
    Utf16(Vec<u16>),
}

impl ToNapiValue for Text {
    #[allow(unsafe_code)]
    unsafe fn to_napi_value(env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        let mut out = std::ptr::null_mut();
        // SAFETY: the pointer and length describe a live buffer owned by `val`, which the
        // engine copies before returning; `out` is a valid place for the result.
        let status = unsafe {
            match &val {
                Text::Latin1(b) => sys::napi_create_string_latin1(
                    env,
                    b.as_ptr().cast(),
                    b.len() as isize,
                    &mut out,
                ),
                Text::Utf16(u) => {
                    sys::napi_create_string_utf16(env, u.as_ptr(), u.len() as isize, &mut out)
                }
            }
        };
        if status == sys::Status::napi_ok {
            Ok(out)
        } else {
            Err(napi::Error::new(
                napi::Status::GenericFailure,
                "could not create the redacted string",
            ))
        }
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

/// Applies the core's edits to `units`, writing each unit as `T` (a byte when Latin-1).
fn splice<T: Copy>(
    redactor: Redactor,
    narrowed: &[u8],
    units: &[u16],
    unit: impl Fn(u16) -> T,
    ascii: impl Fn(u8) -> T,
) -> Option<Vec<T>> {
    let mut out: Vec<T> = Vec::new();
    let mut done = 0;
    let n = redactor.for_each_edit(narrowed, |start, end, with| {
        if out.capacity() == 0 {
            out.reserve(units.len() + 16);
        }
        out.extend(units[done..start].iter().map(|&u| unit(u)));
        // Replacements are ASCII: a prefix as written, `*`, the last body characters.
        out.extend(with.bytes().map(&ascii));
        done = end;
    });
    if n == 0 {
        return None;
    }
    out.extend(units[done..].iter().map(|&u| unit(u)));
    Some(out)
}

/// Redacts keys and credential tokens in `text`: a key becomes its fingerprint
/// (`pk_live_****a1b2`), other tokens `[REDACTED]`.
///
/// The string is read as UTF-16 code units (no UTF-8 transcoding; lone surrogates are kept),
/// and the caller's own string comes back when nothing changed.
#[napi(ts_return_type = "string")]
pub fn redact(
    text: Utf16String,
    #[napi(ts_arg_type = "'fingerprint' | 'redacted' | 'mask'")] style: Option<String>,
) -> napi::Result<Option<Text>> {
    let redactor = redactor(style)?;
    let (narrowed, latin1) = narrow(&text);
    Ok(if latin1 {
        // Every unit is below 0x100: the byte is the unit, exactly.
        splice(redactor, &narrowed, &text, |u| u as u8, |b| b).map(Text::Latin1)
    } else {
        splice(redactor, &narrowed, &text, |u| u, u16::from).map(Text::Utf16)
    })
}

/// Buffers reused from call to call, so redacting does not allocate (and page-fault) fresh
/// memory each time: the text read from JavaScript and the redacted text.
struct Scratch {
    text: Vec<u8>,
    out: Vec<u8>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { text: Vec::new(), out: Vec::new() })
    };
}

/// Scratch buffers larger than this are freed after the call instead of kept.
const RETAIN_MAX: usize = 32 << 20;

/// A JavaScript string of Latin-1 characters (no code unit above `0xFF`), one byte each,
/// read into the thread's scratch buffer.
pub struct Latin1Text(Vec<u8>);

impl TypeName for Latin1Text {
    fn type_name() -> &'static str {
        "String(latin1)"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Latin1Text {}

impl FromNapiValue for Latin1Text {
    #[allow(unsafe_code)]
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        let mut buf = SCRATCH.with(|s| std::mem::take(&mut s.borrow_mut().text));
        let mut len = 0;
        // SAFETY: a null buffer asks for the length only; `len` is a valid place for it.
        let status = unsafe {
            sys::napi_get_value_string_latin1(env, value, std::ptr::null_mut(), 0, &mut len)
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::new(
                napi::Status::StringExpected,
                "expected a string",
            ));
        }
        buf.clear();
        buf.reserve(len + 1);
        let mut written = 0;
        // SAFETY: `buf` has room for `len + 1` bytes (the engine writes the characters and a
        // NUL); `written` receives how many characters were copied, at most `len`.
        let status = unsafe {
            let status = sys::napi_get_value_string_latin1(
                env,
                value,
                buf.as_mut_ptr().cast(),
                len + 1,
                &mut written,
            );
            if status == sys::Status::napi_ok {
                buf.set_len(written.min(len));
            }
            status
        };
        if status != sys::Status::napi_ok {
            return Err(napi::Error::new(
                napi::Status::StringExpected,
                "expected a string",
            ));
        }
        Ok(Self(buf))
    }
}

/// [`redact`] for a text the JavaScript layer has checked holds no code unit above `0xFF`
/// (`/[^\0-\xff]/` does not match; V8 answers that without scanning a one-byte string).
/// Such a text is read as one byte per character, an exact copy, and scanned as it is:
/// every match is ASCII and the scanner treats every byte at or above `0x80` alike. The
/// redacted text goes back as Latin-1, so V8 stores it as a one-byte string again.
#[napi(js_name = "redactLatin1", skip_typescript)]
pub fn redact_latin1(
    env: &Env,
    text: Latin1Text,
    style: Option<String>,
) -> napi::Result<Option<JsString<'_>>> {
    let redactor = redactor(style)?;
    let text = text.0;
    let mut out = SCRATCH.with(|s| std::mem::take(&mut s.borrow_mut().out));
    out.clear();
    let mut done = 0;
    let n = redactor.for_each_edit(&text, |start, end, with| {
        if done == 0 {
            out.reserve(text.len() + 16);
        }
        out.extend_from_slice(&text[done..start]);
        out.extend_from_slice(with.as_bytes());
        done = end;
    });
    let result = if n == 0 {
        Ok(None)
    } else {
        out.extend_from_slice(&text[done..]);
        env.create_string_latin1(&out).map(Some)
    };
    SCRATCH.with(|s| {
        let mut s = s.borrow_mut();
        if text.capacity() <= RETAIN_MAX {
            s.text = text;
        }
        if out.capacity() <= RETAIN_MAX {
            s.out = out;
        }
    });
    result
}

/// Whether `text` holds anything redaction would change.
#[napi(js_name = "containsSecret")]
pub fn contains_secret(text: String) -> bool {
    Redactor::default().finds_secret(&text)
}

/// Redacts a JSON-compatible value: sensitive fields whole, every other string scanned.
#[napi(js_name = "redactJson")]
pub fn redact_json(
    mut value: serde_json::Value,
    #[napi(ts_arg_type = "'fingerprint' | 'redacted' | 'mask'")] style: Option<String>,
) -> napi::Result<serde_json::Value> {
    redactor(style)?.redact_json(&mut value);
    Ok(value)
}

/// A streaming redactor: the output is the same whatever the chunking.
#[napi]
pub struct StreamRedactor {
    inner: pictify_keys::StreamRedactor,
}

#[napi]
impl StreamRedactor {
    /// A stream writing keys in `style` (default `fingerprint`).
    #[napi(constructor)]
    pub fn new(
        #[napi(ts_arg_type = "'fingerprint' | 'redacted' | 'mask'")] style: Option<String>,
    ) -> napi::Result<Self> {
        Ok(Self {
            inner: redactor(style)?.stream(),
        })
    }

    /// Redacts what can be decided of `chunk` and returns it; holds back a possible key prefix.
    #[napi]
    pub fn push(&mut self, chunk: Buffer) -> Buffer {
        let mut out = Vec::with_capacity(chunk.len());
        self.inner.push(&chunk, &mut out);
        out.into()
    }

    /// Returns everything still held back; the stream can be reused afterwards.
    #[napi]
    pub fn finish(&mut self) -> Buffer {
        let mut out = Vec::new();
        self.inner.finish(&mut out);
        out.into()
    }
}
