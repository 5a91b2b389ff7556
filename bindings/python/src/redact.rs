//! `redact`, `redact_bytes`, `redact_json`: the core's redaction of keys and credential
//! tokens in text, bytes and JSON-like Python values.

use std::borrow::Cow;

use pictify_keys::redact::{Redactor, Style};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PySlice, PyString};

use crate::json::{from_json, to_json};

/// Texts longer than this are redacted with the GIL released (shorter ones cost less than
/// the release itself).
const DETACH_BYTES: usize = 64 * 1024;

fn redactor(style: &str) -> PyResult<Redactor> {
    Style::from_name(style).map(Redactor::new).ok_or_else(|| {
        PyValueError::new_err("style must be \"fingerprint\", \"redacted\" or \"mask\"")
    })
}

/// Texts longer than this many characters go through the core's stream redactor in pieces
/// of this size, so the working set stays in cache instead of holding several whole copies.
const CHUNK_CHARS: usize = 1 << 20;

/// Redacts keys and credential tokens in `text`; returns the same object when nothing
/// changes (for texts up to a million characters).
///
/// The text is encoded to UTF-8 (the limited API of CPython 3.9 cannot lend its buffer) and
/// scanned as bytes, which the core redacts exactly like the string.
#[pyfunction]
#[pyo3(signature = (text, *, style = "fingerprint"))]
pub(crate) fn redact<'py>(
    text: &Bound<'py, PyString>,
    style: &str,
) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    let r = redactor(style)?;
    let chars = text.len()?;
    let out = if chars > CHUNK_CHARS {
        // The core's stream redactor gives the same result whatever the chunking.
        let mut stream = r.stream();
        let mut out = Vec::with_capacity(chars + chars / 16);
        for start in (0..chars).step_by(CHUNK_CHARS) {
            let end = (start + CHUNK_CHARS).min(chars);
            let slice = PySlice::new(py, isize::try_from(start)?, isize::try_from(end)?, 1);
            let piece = text
                .as_any()
                .get_item(slice)?
                .cast_into::<PyString>()?
                .encode_utf8()?;
            let bytes = piece.as_bytes();
            py.detach(|| stream.push(bytes, &mut out));
        }
        stream.finish(&mut out);
        Some(out)
    } else {
        let utf8 = text.encode_utf8()?;
        let bytes = utf8.as_bytes();
        let changed = |bytes: &[u8]| match r.redact_bytes(bytes) {
            Cow::Borrowed(_) => None,
            Cow::Owned(o) => Some(o),
        };
        if bytes.len() > DETACH_BYTES {
            py.detach(|| changed(bytes))
        } else {
            changed(bytes)
        }
    };
    match out {
        None => Ok(text.clone()),
        Some(o) => {
            // Replacements are ASCII and edits fall next to ASCII bytes, so valid UTF-8 stays valid.
            let s = std::str::from_utf8(&o)
                .map_err(|_| PyValueError::new_err("redaction produced invalid UTF-8"))?;
            Ok(PyString::new(py, s))
        }
    }
}

/// Redacts bytes that need not be UTF-8 (invalid sequences pass through untouched).
#[pyfunction]
#[pyo3(signature = (data, *, style = "fingerprint"))]
pub(crate) fn redact_bytes<'py>(
    data: &Bound<'py, PyBytes>,
    style: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let py = data.py();
    let r = redactor(style)?;
    let bytes = data.as_bytes();
    let out = if bytes.len() > DETACH_BYTES {
        py.detach(|| r.redact_bytes(bytes).into_owned())
    } else {
        match r.redact_bytes(bytes) {
            Cow::Borrowed(_) => return Ok(data.clone()),
            Cow::Owned(o) => o,
        }
    };
    Ok(PyBytes::new(py, &out))
}

/// Redacts a JSON-like value (dicts, lists, strings, numbers): sensitive fields (`api_key`,
/// `Authorization`, `password`, …) whole, every other string scanned. Returns a new value.
#[pyfunction]
#[pyo3(signature = (value, *, style = "fingerprint"))]
pub(crate) fn redact_json<'py>(
    value: &Bound<'py, PyAny>,
    style: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let r = redactor(style)?;
    let mut json = to_json(value, 0)?;
    r.redact_json(&mut json);
    from_json(value.py(), json)
}
