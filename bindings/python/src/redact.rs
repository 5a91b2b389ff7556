//! `redact`, `redact_bytes`, `redact_json`: the core's redaction of keys and credential
//! tokens in text, bytes and JSON-like Python values.

use std::borrow::Cow;

use pictify_keys::redact::{Redactor, Style};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

use crate::error::to_pyerr;
use crate::json::to_json;

/// Texts longer than this are redacted with the GIL released (shorter ones cost less than
/// the release itself).
const DETACH_BYTES: usize = 64 * 1024;

fn redactor(style: &str) -> PyResult<Redactor> {
    Style::parse(style)
        .map(Redactor::new)
        .map_err(|e| Python::attach(|py| to_pyerr(py, e)))
}

/// The redaction of `bytes`, or `None` when nothing changes; inputs over [`DETACH_BYTES`] are
/// scanned without holding the GIL.
fn redacted(py: Python<'_>, r: Redactor, bytes: &[u8]) -> Option<Vec<u8>> {
    let changed = || match r.redact_bytes(bytes) {
        Cow::Borrowed(_) => None,
        Cow::Owned(o) => Some(o),
    };
    if bytes.len() > DETACH_BYTES {
        py.detach(changed)
    } else {
        changed()
    }
}

/// Redacts keys and credential tokens in `text`; returns the same object when nothing
/// changes.
///
/// The core scans the string's UTF-8, lent without a copy on CPython 3.10+ (see
/// [`crate::text`]). When something changes, the core's output bytes become the new `str`
/// (replacements are ASCII and edits fall next to ASCII bytes, so UTF-8 stays valid; CPython
/// checks it again while decoding).
#[pyfunction]
#[pyo3(signature = (text, *, style = "fingerprint"))]
pub(crate) fn redact<'py>(
    text: &Bound<'py, PyString>,
    style: &str,
) -> PyResult<Bound<'py, PyString>> {
    let py = text.py();
    let r = redactor(style)?;
    let utf8 = crate::text::utf8(text)?;
    match redacted(py, r, utf8.as_bytes()) {
        None => Ok(text.clone()),
        Some(o) => PyString::from_bytes(py, &o),
    }
}

/// Redacts bytes that need not be UTF-8 (invalid sequences pass through untouched); returns
/// the same object when nothing changes.
#[pyfunction]
#[pyo3(signature = (data, *, style = "fingerprint"))]
pub(crate) fn redact_bytes<'py>(
    data: &Bound<'py, PyBytes>,
    style: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let py = data.py();
    let r = redactor(style)?;
    Ok(match redacted(py, r, data.as_bytes()) {
        None => data.clone(),
        Some(o) => PyBytes::new(py, &o),
    })
}

/// The core's redaction triggers (`pk_`, `key`, `bearer`; ASCII case ignored): text holding
/// none of them is never changed, so the logging filter skips the call for such fields.
#[pyfunction]
#[pyo3(name = "_redact_triggers")]
pub(crate) fn redact_triggers() -> Vec<&'static str> {
    pictify_keys::redact::TRIGGERS.to_vec()
}

/// Whether `redact_json` replaces the value of a field with this name whole (the core's
/// rule), so the logging filter can ask once per field name.
#[pyfunction]
#[pyo3(name = "_is_sensitive_field")]
pub(crate) fn is_sensitive_field(name: &str) -> bool {
    pictify_keys::redact::is_sensitive_field(name)
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
    Ok(pythonize::pythonize(value.py(), &json)?)
}
