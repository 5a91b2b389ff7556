//! Redaction of text, byte streams and JSON values (mirrors `core/src/redact.rs`).

use std::borrow::Cow;

use pictify_keys::redact::{Redactor, StreamRedactor as CoreStream, Style};
use wasm_bindgen::prelude::*;

use crate::error::invalid_argument;

fn redactor(style: Option<String>) -> Result<Redactor, JsValue> {
    match style {
        None => Ok(Redactor::default()),
        Some(name) => Style::from_name(&name).map(Redactor::new).ok_or_else(|| {
            invalid_argument("style must be \"fingerprint\", \"redacted\" or \"mask\"")
        }),
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
