//! Redaction of keys in text, streams and JSON values.

use napi::bindgen_prelude::{Buffer, FromNapiValue, TypeName, ValidateNapiValue, ValueType};
use napi::{sys, Env, JsString};
use napi_derive::napi;
use pictify_keys::redact::{Redactor, Style};
use std::cell::RefCell;

use crate::error;

fn redactor(style: Option<String>) -> napi::Result<Redactor> {
    match style {
        None => Ok(Redactor::default()),
        Some(name) => Style::parse(&name)
            .map(Redactor::new)
            .map_err(|e| error::from_core(&e)),
    }
}

/// Buffers reused from call to call, so redacting does not allocate (and page-fault) fresh
/// memory each time: the text as bytes (read as Latin-1, or narrowed from UTF-16), the
/// UTF-16 code units of a wider text, and the redacted text in either form.
struct Scratch {
    text: Vec<u8>,
    units: Vec<u16>,
    out: Vec<u8>,
    out_units: Vec<u16>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { text: Vec::new(), units: Vec::new(), out: Vec::new(), out_units: Vec::new() })
    };
}

/// Scratch buffers larger than this many bytes are freed after the call instead of kept, so
/// the four buffers hold at most 128 MiB between calls (a 10 MB Latin-1 text keeps 20 MB).
const RETAIN_MAX_BYTES: usize = 32 << 20;

/// Takes a scratch buffer out of the thread's set (empty if another call holds it).
fn take<T>(pick: impl FnOnce(&mut Scratch) -> &mut Vec<T>) -> Vec<T> {
    SCRATCH.with(|s| std::mem::take(pick(&mut s.borrow_mut())))
}

/// Puts a scratch buffer back for the next call, unless it grew too large to keep.
fn give_back<T>(buf: Vec<T>, pick: impl FnOnce(&mut Scratch) -> &mut Vec<T>) {
    if buf.capacity().saturating_mul(std::mem::size_of::<T>()) <= RETAIN_MAX_BYTES {
        SCRATCH.with(|s| *pick(&mut s.borrow_mut()) = buf);
    }
}

/// Reads a JavaScript string into `buf` through `copy`, a call to one of the Node-API copy
/// functions (`napi_get_value_string_latin1` or `_utf16`) for that string, which takes a
/// buffer, its size in elements (room for a terminating NUL included) and a place for the
/// count copied. A null buffer asks for the length only.
#[allow(unsafe_code)]
fn read_string<T>(
    mut buf: Vec<T>,
    copy: impl Fn(*mut T, usize, &mut usize) -> sys::napi_status,
) -> napi::Result<Vec<T>> {
    let expected = || napi::Error::new(napi::Status::StringExpected, "expected a string");
    let mut len = 0;
    if copy(std::ptr::null_mut(), 0, &mut len) != sys::Status::napi_ok {
        return Err(expected());
    }
    buf.clear();
    buf.reserve(len + 1);
    let mut written = 0;
    if copy(buf.as_mut_ptr(), len + 1, &mut written) != sys::Status::napi_ok {
        return Err(expected());
    }
    // SAFETY: `buf` has room for `len + 1` elements; the engine wrote `written` characters
    // (at most `len`, then a NUL) into it, so the first `written` elements are initialised.
    unsafe { buf.set_len(written.min(len)) };
    Ok(buf)
}

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

#[allow(unsafe_code)]
impl FromNapiValue for Latin1Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        read_string(take(|s| &mut s.text), |ptr, size, written| {
            // SAFETY: `env` and `value` come from the engine for this call; `read_string`
            // passes a null buffer or one with room for `size` bytes.
            unsafe { sys::napi_get_value_string_latin1(env, value, ptr.cast(), size, written) }
        })
        .map(Self)
    }
}

/// A JavaScript string as its UTF-16 code units, read into the thread's scratch buffer.
pub struct Utf16Text(Vec<u16>);

impl TypeName for Utf16Text {
    fn type_name() -> &'static str {
        "String(utf16)"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Utf16Text {}

#[allow(unsafe_code)]
impl FromNapiValue for Utf16Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        read_string(take(|s| &mut s.units), |ptr, size, written| {
            // SAFETY: `env` and `value` come from the engine for this call; `read_string`
            // passes a null buffer or one with room for `size` code units.
            unsafe { sys::napi_get_value_string_utf16(env, value, ptr, size, written) }
        })
        .map(Self)
    }
}

/// Writes `src` with the core's edits (found in `scanned`, one byte per element of `src`)
/// into `out`; returns how many edits there were (`out` is left empty when none).
fn apply_edits<T: Copy>(
    redactor: Redactor,
    scanned: &[u8],
    src: &[T],
    out: &mut Vec<T>,
    from_ascii: impl Fn(u8) -> T,
) -> usize {
    out.clear();
    let mut done = 0;
    let n = redactor.for_each_edit(scanned, |start, end, with| {
        if out.capacity() < src.len() {
            out.reserve(src.len() + 64);
        }
        out.extend_from_slice(&src[done..start]);
        // Replacements are ASCII: a prefix as written, `*`, body characters, `[REDACTED]`.
        out.extend(with.bytes().map(&from_ascii));
        done = end;
    });
    if n > 0 {
        out.extend_from_slice(&src[done..]);
    }
    n
}

/// Redacts keys and credential tokens in `text`: a key becomes its fingerprint
/// (`pk_live_****a1b2`), other tokens `[REDACTED]`.
///
/// The text is never transcoded to UTF-8. The JavaScript layer sends a text whose code units
/// are all below `0x100` to a Latin-1 reader (one byte per character, exact) and any other
/// text to this UTF-16 reader; the caller's own string comes back when nothing changed.
#[napi(ts_return_type = "string")]
pub fn redact<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] text: Utf16Text,
    #[napi(ts_arg_type = "'fingerprint' | 'redacted' | 'mask'")] style: Option<String>,
) -> napi::Result<Option<JsString<'env>>> {
    let units = text.0;
    let result = redactor(style).and_then(|redactor| {
        // One byte per code unit for the scanner: ASCII as it is, every other unit
        // (surrogate halves included) as 0x80. Every match is ASCII and the scanner treats
        // all bytes at or above 0x80 alike, so these are the edits of the text, at its UTF-16
        // indices (core property test `narrowed_text_gets_the_same_edits`).
        let mut narrowed = take(|s| &mut s.text);
        narrowed.clear();
        narrowed.extend(units.iter().map(|&u| if u < 0x80 { u as u8 } else { 0x80 }));
        let mut out = take(|s| &mut s.out_units);
        let n = apply_edits(redactor, &narrowed, &units, &mut out, u16::from);
        let result = if n == 0 {
            Ok(None)
        } else {
            env.create_string_utf16(&out).map(Some)
        };
        give_back(narrowed, |s| &mut s.text);
        give_back(out, |s| &mut s.out_units);
        result
    });
    give_back(units, |s| &mut s.units);
    result
}

/// [`redact`] for a text the JavaScript layer has checked holds no code unit above `0xFF`
/// (`/[^\0-\xff]/` does not match; V8 answers that without scanning a one-byte string).
/// Such a text is read as one byte per character, an exact copy, and scanned as it is:
/// every match is ASCII and the scanner treats every byte at or above `0x80` alike. The
/// redacted text goes back as Latin-1, so V8 stores it as a one-byte string again.
#[napi(js_name = "redactLatin1", skip_typescript)]
pub fn redact_latin1<'env>(
    env: &'env Env,
    text: Latin1Text,
    style: Option<String>,
) -> napi::Result<Option<JsString<'env>>> {
    let text = text.0;
    let result = redactor(style).and_then(|redactor| {
        let mut out = take(|s| &mut s.out);
        let n = apply_edits(redactor, &text, &text, &mut out, |b| b);
        let result = if n == 0 {
            Ok(None)
        } else {
            env.create_string_latin1(&out).map(Some)
        };
        give_back(out, |s| &mut s.out);
        result
    });
    give_back(text, |s| &mut s.text);
    result
}

/// Whether `text` holds anything redaction would change; read as UTF-16 code units and
/// narrowed exactly as [`redact`] does, without building the redacted text.
#[napi(js_name = "containsSecret")]
pub fn contains_secret(#[napi(ts_arg_type = "string")] text: Utf16Text) -> bool {
    let units = text.0;
    let mut narrowed = take(|s| &mut s.text);
    narrowed.clear();
    narrowed.extend(units.iter().map(|&u| if u < 0x80 { u as u8 } else { 0x80 }));
    let n = Redactor::default().for_each_edit(&narrowed, |_, _, _| {});
    give_back(narrowed, |s| &mut s.text);
    give_back(units, |s| &mut s.units);
    n > 0
}

/// [`contains_secret`] for a text with no code unit above `0xFF` (see [`redact_latin1`]).
#[napi(js_name = "containsSecretLatin1", skip_typescript)]
pub fn contains_secret_latin1(text: Latin1Text) -> bool {
    let text = text.0;
    let n = Redactor::default().for_each_edit(&text, |_, _, _| {});
    give_back(text, |s| &mut s.text);
    n > 0
}

/// The core's redaction triggers (`pk_`, `key`, `bearer`; ASCII case ignored): a text holding
/// none of them is never changed, so the JavaScript layer returns it without calling in.
#[napi(js_name = "redactTriggers", skip_typescript)]
pub fn redact_triggers() -> Vec<&'static str> {
    pictify_keys::redact::TRIGGERS.to_vec()
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
