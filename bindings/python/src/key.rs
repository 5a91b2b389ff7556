//! `ApiKey`: a handle to the core's key; the secret stays in Rust memory (zeroed on drop)
//! and leaves it only through `reveal()`.

use pictify_keys::{ApiKey, Mode};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyString, PyTuple};

use crate::error::to_pyerr;

/// A well-formed Pictify API key. `str()` and `repr()` show the fingerprint only.
///
/// Equality is the core's constant-time comparison.
#[pyclass(name = "ApiKey", module = "pictify_keys", frozen, eq)]
#[derive(PartialEq)]
pub(crate) struct PyApiKey {
    pub(crate) inner: ApiKey,
}

/// The mode named `"live"` or `"test"`.
pub(crate) fn mode_from_name(name: &str) -> PyResult<Mode> {
    Mode::from_name(name).ok_or_else(|| PyValueError::new_err("mode must be \"live\" or \"test\""))
}

impl PyApiKey {
    /// A new Python handle to `inner`.
    pub(crate) fn py(py: Python<'_>, inner: ApiKey) -> PyResult<Py<Self>> {
        Py::new(py, Self { inner })
    }
}

#[pymethods]
impl PyApiKey {
    /// Parses and validates a key exactly as given (no trimming). Raises `KeyFormatError`
    /// for a malformed key, `KeySourceError` (`no_key`) for `None` (an unset variable read
    /// with `os.environ.get`), and `PictifyKeyError` (`invalid_argument`) for a non-str.
    #[staticmethod]
    fn parse(value: &Bound<'_, PyAny>) -> PyResult<Self> {
        let py = value.py();
        if value.is_none() {
            return Err(to_pyerr(py, pictify_keys::Error::NoKey));
        }
        let value = value.cast::<PyString>().map_err(|_| {
            let type_name = value
                .get_type()
                .name()
                .map_or_else(|_| "object".to_owned(), |n| n.to_string());
            // The type only: the value itself may be a key in another form (bytes).
            to_pyerr(
                py,
                pictify_keys::Error::invalid_argument(format!(
                    "ApiKey.parse takes the key as a str, not {type_name}"
                )),
            )
        })?;
        // The str's own UTF-8 on CPython 3.10+ (no copy; see `crate::text`).
        let utf8 = crate::text::utf8(value)?;
        ApiKey::parse(utf8.as_str()?)
            .map(|inner| Self { inner })
            .map_err(|e| to_pyerr(value.py(), e))
    }

    /// `"live"` or `"test"`.
    #[getter]
    fn mode(&self) -> &'static str {
        self.inner.mode().as_str()
    }

    /// `pk_live_****a1b2`.
    #[getter]
    fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The last four body characters.
    #[getter]
    fn last4(&self) -> &str {
        self.inner.last4()
    }

    /// The full secret, for an `Authorization` header and nowhere else.
    fn reveal(&self) -> &str {
        // EXPOSE: the Python caller asked for the secret explicitly with `reveal()`.
        self.inner.expose_secret()
    }

    fn __str__(&self) -> String {
        self.inner.fingerprint()
    }

    fn __repr__(&self) -> String {
        format!("ApiKey({})", self.inner.fingerprint())
    }

    /// Equal keys have equal fingerprints, so the fingerprint is a valid hash.
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.inner.fingerprint().hash(&mut h);
        h.finish()
    }

    /// Pickling would write the secret into the pickle: refused (`__reduce_ex__`, which
    /// pickle and copy call, defers to this).
    fn __reduce__(&self) -> PyResult<Bound<'_, PyTuple>> {
        Err(PyTypeError::new_err(
            "ApiKey cannot be pickled: a pickle would carry the secret; pass the key's source (e.g. the variable name) instead and parse it where it is used",
        ))
    }

    /// Keys are immutable, so a copy is the same key.
    fn __copy__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __deepcopy__(slf: Py<Self>, _memo: &Bound<'_, PyAny>) -> Py<Self> {
        slf
    }
}
