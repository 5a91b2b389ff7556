//! Redaction of keys in text, streams and JSON values.

use napi::bindgen_prelude::Buffer;
use napi_derive::napi;
use pictify_keys::redact::{Redactor, Style};
use std::borrow::Cow;

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

/// Redacts keys and credential tokens in `text`: a key becomes its fingerprint
/// (`pk_live_****a1b2`), other tokens `[REDACTED]`.
///
/// The native function returns `null` when nothing changed and the JavaScript layer then
/// hands back the caller's own string, saving a copy across the boundary.
#[napi(ts_return_type = "string")]
pub fn redact(
    text: String,
    #[napi(ts_arg_type = "'fingerprint' | 'redacted' | 'mask'")] style: Option<String>,
) -> napi::Result<Option<String>> {
    Ok(match redactor(style)?.redact(&text) {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    })
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
