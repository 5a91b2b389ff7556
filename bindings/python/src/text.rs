//! A `str`'s UTF-8 for the core, without a copy where the running CPython allows it.
//!
//! The wheel is built for the limited API of CPython 3.9 (abi3), where the only way to read a
//! `str` is `PyUnicode_AsUTF8String`: a fresh `bytes` copy (10 MB of log, 10 MB copied).
//! From 3.10 on, `PyUnicode_AsUTF8AndSize` is part of the limited API too and lends the
//! string's own buffer: for an ASCII `str` that is its data, with no copy at all. The wheel
//! checks the running version once and uses it from 3.10 on; on 3.9 it encodes.
//!
//! For a non-ASCII `str`, `PyUnicode_AsUTF8AndSize` caches a UTF-8 copy inside the string for
//! the string's lifetime. For large texts that would double the caller's memory, so a large
//! non-ASCII text is encoded into a temporary `bytes` instead.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};

/// Non-ASCII texts longer than this many characters are encoded into a temporary `bytes`
/// rather than getting a UTF-8 copy cached inside the caller's string.
const CACHE_CHARS_MAX: usize = 64 * 1024;

/// The UTF-8 bytes of a `str`: lent by the string itself or encoded into a `bytes` copy.
pub(crate) enum Utf8<'a, 'py> {
    /// The string's own UTF-8 buffer (valid while the string lives; strings are immutable).
    Lent(&'a [u8]),
    /// A `bytes` copy made by `PyUnicode_AsUTF8String`.
    Encoded(Bound<'py, PyBytes>),
}

impl Utf8<'_, '_> {
    /// The UTF-8 bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Lent(bytes) => bytes,
            Self::Encoded(bytes) => bytes.as_bytes(),
        }
    }

    /// The UTF-8 as `&str` (CPython produced it, so it is valid UTF-8; checked anyway).
    pub(crate) fn as_str(&self) -> PyResult<&str> {
        std::str::from_utf8(self.as_bytes())
            .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))
    }
}

/// Whether `PyUnicode_AsUTF8AndSize` may be called: always where pyo3 declares it (builds
/// for 3.10+ or for the full API, e.g. PyPy), and in the abi3-py39 wheel only when the running
/// CPython is 3.10 or later, where the function is in the limited API.
#[cfg(any(Py_3_10, not(Py_LIMITED_API)))]
fn can_lend(_py: Python<'_>) -> bool {
    true
}

#[cfg(not(any(Py_3_10, not(Py_LIMITED_API))))]
fn can_lend(py: Python<'_>) -> bool {
    static LEND: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *LEND.get_or_init(|| cfg!(not(windows)) && py.version_info() >= (3, 10))
}

/// The UTF-8 of `text`, lent without a copy from CPython 3.10 on (see the module docs).
///
/// A string that cannot be encoded (a lone surrogate) raises `UnicodeEncodeError`, as
/// `str.encode()` does.
pub(crate) fn utf8<'a, 'py>(text: &'a Bound<'py, PyString>) -> PyResult<Utf8<'a, 'py>> {
    let py = text.py();
    if can_lend(py) {
        // `isascii` is O(1) on a `str`; a subclass could override it, so large instances of
        // subclasses are encoded instead.
        let cached_copy_is_small = text.len()? <= CACHE_CHARS_MAX
            || (text.is_exact_instance_of::<PyString>()
                && text.call_method0(intern!(py, "isascii"))?.is_truthy()?);
        if cached_copy_is_small {
            return lend(text).map(Utf8::Lent);
        }
    }
    text.encode_utf8().map(Utf8::Encoded)
}

/// The string's own UTF-8 through pyo3, where pyo3 declares `PyUnicode_AsUTF8AndSize`.
#[cfg(any(Py_3_10, not(Py_LIMITED_API)))]
fn lend<'a>(text: &'a Bound<'_, PyString>) -> PyResult<&'a [u8]> {
    text.to_str().map(str::as_bytes)
}

/// `PyUnicode_AsUTF8AndSize` declared here, as pyo3 does not for limited-API builds below
/// 3.10; only called on CPython >= 3.10 (see [`can_lend`]).
///
/// Not on Windows: there an abi3 module imports its symbols from `python3.dll`, whose 3.9
/// version lacks this function, so declaring it would stop the wheel loading on 3.9.
#[cfg(all(Py_LIMITED_API, not(Py_3_10), not(windows)))]
#[allow(unsafe_code)]
fn lend<'a>(text: &'a Bound<'_, PyString>) -> PyResult<&'a [u8]> {
    extern "C" {
        fn PyUnicode_AsUTF8AndSize(
            unicode: *mut pyo3::ffi::PyObject,
            size: *mut pyo3::ffi::Py_ssize_t,
        ) -> *const std::os::raw::c_char;
    }
    let mut size: pyo3::ffi::Py_ssize_t = 0;
    // SAFETY: `text` is a live `str` and we hold the GIL (the `Bound`). Only called on
    // CPython >= 3.10, where the function is in the limited API. It returns a pointer to
    // UTF-8 owned by the string object (or NULL with an exception set); the string is
    // immutable and `text` keeps it alive for the returned lifetime `'a`.
    let data = unsafe { PyUnicode_AsUTF8AndSize(text.as_ptr(), &mut size) };
    if data.is_null() {
        return Err(PyErr::fetch(text.py()));
    }
    let len = usize::try_from(size)?;
    // SAFETY: CPython guarantees `size` bytes at `data`, alive as long as the string (above).
    Ok(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
}

#[cfg(all(Py_LIMITED_API, not(Py_3_10), windows))]
fn lend<'a>(_text: &'a Bound<'_, PyString>) -> PyResult<&'a [u8]> {
    Err(pyo3::exceptions::PyRuntimeError::new_err(
        "lending a str's UTF-8 is not used on Windows",
    ))
}
