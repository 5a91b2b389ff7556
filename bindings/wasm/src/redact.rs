//! Redaction of text, byte streams and JSON values (mirrors `core/src/redact.rs`).

use std::borrow::Cow;
use std::cell::RefCell;

use pictify_keys::redact::{Redactor, StreamRedactor as CoreStream, Style};
use wasm_bindgen::prelude::*;

use crate::error::{core_error, invalid_argument};

fn redactor(style: Option<String>) -> Result<Redactor, JsValue> {
    match style {
        None => Ok(Redactor::default()),
        Some(name) => Style::parse(&name)
            .map(Redactor::new)
            .map_err(|e| core_error(&e)),
    }
}

/// Replaces every Pictify key (also URL-encoded, JSON-escaped, in `Authorization: Bearer`
/// headers and `api_key=` query strings) and other credential tokens in `text`.
/// `style`: `"fingerprint"` (default, `pk_live_****a1b2`), `"redacted"` or `"mask"`.
///
/// Text with nothing to redact is handed back as the caller's own string, not copied back out
/// of WASM memory (on a 10 MB log without a key that copy cost more than the scan).
#[wasm_bindgen(unchecked_return_type = "string")]
pub fn redact(
    #[wasm_bindgen(unchecked_param_type = "string")] text: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RedactStyle | undefined")] style: Option<String>,
) -> Result<JsValue, JsValue> {
    let redactor = redactor(style)?;
    let Some(owned) = text.as_string() else {
        return Err(invalid_argument("text must be a string"));
    };
    Ok(match redactor.redact(&owned) {
        Cow::Borrowed(_) => text,
        Cow::Owned(out) => JsValue::from_str(&out),
    })
}

/// Buffers in WASM memory reused by the JavaScript `redact` wrapper (packages/wasm/redact.js):
/// the text is written into `input` with `TextEncoder.encodeInto`, the redacted text (only when
/// something changed) is read out of `output` with `TextDecoder`. Both only grow, so a caller
/// redacting lines of similar size allocates nothing after the first call.
#[derive(Default)]
struct Buffers {
    input: Vec<u8>,
    output: Vec<u8>,
}

thread_local! {
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

/// (Internal, for the package's `redact` wrapper.) Grows the input buffer to at least `len`
/// bytes, keeping what it holds, and returns its address in WASM memory.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__redactInput", skip_typescript)]
pub fn redact_input(len: usize) -> usize {
    BUFFERS.with_borrow_mut(|b| {
        if b.input.len() < len {
            b.input.resize(len, 0);
        }
        b.input.as_ptr() as usize
    })
}

/// (Internal.) Redacts the first `len` bytes of the input buffer (UTF-8 written there by
/// `encodeInto`). Returns -1 when nothing changed, else the length of the redacted text, which
/// is then at the address `__redactOutput()` returns. An unknown `style` throws the same error
/// as `redact`; a `len` beyond the buffer throws INVALID_ARGUMENT.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__redactBuffered", skip_typescript)]
pub fn redact_buffered(len: usize, style: Option<String>) -> Result<f64, JsValue> {
    let redactor = redactor(style)?;
    BUFFERS.with_borrow_mut(|b| {
        let Buffers { input, output } = b;
        let Some(text) = input.get(..len) else {
            return Err(invalid_argument("len is beyond the input buffer"));
        };
        output.clear();
        let mut done = 0;
        let edits = redactor.for_each_edit(text, |start, end, with| {
            output.extend_from_slice(&text[done..start]);
            output.extend_from_slice(with.as_bytes());
            done = end;
        });
        if edits == 0 {
            return Ok(-1.0);
        }
        output.extend_from_slice(&text[done..]);
        Ok(output.len() as f64)
    })
}

/// (Internal.) The address in WASM memory of the text the last `__redactBuffered` wrote.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__redactOutput", skip_typescript)]
pub fn redact_output() -> usize {
    BUFFERS.with_borrow(|b| b.output.as_ptr() as usize)
}

/// (Internal.) The module's memory, for the wrapper's views into the buffers above.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__memory", skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// (Internal.) The core's redaction triggers (`pk_`, `key`, `bearer`; ASCII case ignored): a
/// text holding none of them is never changed by `redact`, so the wrapper returns such a text
/// without calling in.
#[doc(hidden)]
#[wasm_bindgen(js_name = "__redactTriggers", skip_typescript)]
pub fn redact_triggers() -> Vec<String> {
    pictify_keys::redact::TRIGGERS
        .iter()
        .map(|t| (*t).to_owned())
        .collect()
}

/// Redacts a JSON-compatible value: sensitive fields (`apiKey`, `password`, `authorization`…)
/// whole, every other string scanned. Returns a new value; the argument is not changed.
#[wasm_bindgen(js_name = redactJson, unchecked_return_type = "unknown")]
pub fn redact_json(
    #[wasm_bindgen(unchecked_param_type = "unknown")] value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RedactStyle | undefined")] style: Option<String>,
) -> Result<JsValue, JsValue> {
    let redactor = redactor(style)?;
    if value.is_undefined() {
        return Ok(value);
    }
    let text = js_sys::JSON::stringify(&value)
        .map_err(|_| invalid_argument("value cannot be converted to JSON"))?
        .as_string()
        .unwrap_or_default();
    let mut parsed: serde_json::Value = serde_json::from_str(&text)
        .map_err(|_| invalid_argument("value cannot be converted to JSON"))?;
    redactor.redact_json(&mut parsed);
    js_sys::JSON::parse(&parsed.to_string())
}

/// A streaming redactor: the same result as `redact` on the whole text, however the input is
/// chunked. Feed bytes (UTF-8) with `push`, then call `finish`.
#[wasm_bindgen]
pub struct StreamRedactor {
    inner: CoreStream,
}

#[wasm_bindgen]
impl StreamRedactor {
    /// A stream redactor in `style` (default `"fingerprint"`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RedactStyle | undefined")] style: Option<String>,
    ) -> Result<StreamRedactor, JsValue> {
        Ok(Self {
            inner: redactor(style)?.stream(),
        })
    }

    /// Redacts `chunk`; returns the output that is final so far (a possible key at the end
    /// is held back until the next chunk or `finish`).
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.len());
        self.inner.push(chunk, &mut out);
        out
    }

    /// Ends the stream and returns the rest.
    pub fn finish(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        self.inner.finish(&mut out);
        out
    }
}
