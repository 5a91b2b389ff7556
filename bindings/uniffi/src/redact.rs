//! Redaction of keys in text, byte streams and JSON, by the core's redactor.

use std::sync::Mutex;

use pictify_keys::redact::Redactor;
/// The core's `Style`, named `RedactionStyle` in Kotlin and Swift.
pub use pictify_keys::redact::Style as RedactionStyle;

use crate::error::{invalid_json, PictifyError};

fn redactor(style: Option<RedactionStyle>) -> Redactor {
    Redactor::new(style.unwrap_or_default())
}

/// Redacts keys and credential tokens in `text`: a key becomes its fingerprint
/// (`pk_live_****a1b2`), other tokens (`Bearer …`, `api_key=…`) `[REDACTED]`.
#[uniffi::export(default(style = None))]
pub fn redact(text: String, style: Option<RedactionStyle>) -> String {
    match redactor(style).redact(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(s) => s,
    }
}

/// Whether `text` holds anything redaction would change.
#[uniffi::export]
pub fn contains_secret(text: String) -> bool {
    Redactor::default().finds_secret(&text)
}

/// Redacts a JSON document: values of sensitive fields (`apiKey`, `authorization`,
/// `password`, …) whole, every other string scanned like text. Returns compact JSON. Throws
/// `Input` with code `invalid_json` (and the line and column) when `json` is not JSON.
#[uniffi::export(default(style = None))]
pub fn redact_json(json: String, style: Option<RedactionStyle>) -> Result<String, PictifyError> {
    let mut value: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| invalid_json("the text", &e))?;
    redactor(style).redact_json(&mut value);
    Ok(value.to_string())
}

/// A streaming redactor: the output is the same whatever the chunking, so a key split
/// across two writes is still caught.
#[derive(uniffi::Object)]
pub struct StreamRedactor {
    inner: Mutex<pictify_keys::redact::StreamRedactor>,
}

#[uniffi::export]
impl StreamRedactor {
    /// A stream writing keys in `style` (default fingerprint).
    #[uniffi::constructor(default(style = None))]
    pub fn new(style: Option<RedactionStyle>) -> Self {
        Self {
            inner: Mutex::new(redactor(style).stream()),
        }
    }

    /// Redacts what can be decided of `chunk` and returns it; holds back a possible key.
    pub fn push(&self, chunk: Vec<u8>) -> Vec<u8> {
        let mut out = Vec::with_capacity(chunk.len());
        // A poisoned lock only means another call panicked mid-push; the state is still usable.
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.push(&chunk, &mut out);
        out
    }

    /// Returns everything still held back; the stream can be reused afterwards.
    pub fn finish(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut inner = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        inner.finish(&mut out);
        out
    }
}
