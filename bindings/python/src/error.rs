//! Core errors as Python exceptions, built from the core's [`ErrorReport`].
//!
//! The exception classes are defined in Python (`pictify_keys._errors`: `PictifyKeyError`, a
//! `ValueError`, with one subclass per family); this file picks the class by the report's
//! family and passes its code, message and details. No variant is matched here: a detail the
//! core adds reaches Python without an edit. The module is imported on the first error only,
//! so importing `pictify_keys` stays free of work.

use pictify_keys::{Error, ErrorReport};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::shape::snake_case;

/// `pictify_keys._errors._BY_FAMILY` (family → class), looked up once.
static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn class_for<'py>(py: Python<'py>, family: &'static str) -> PyResult<Bound<'py, PyAny>> {
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let module = py.import("pictify_keys._errors")?;
        Ok(module
            .getattr("_BY_FAMILY")?
            .cast_into::<PyDict>()?
            .unbind())
    })?;
    classes.bind(py).get_item(family)?.ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("no exception class for family {family}"))
    })
}

/// `ValueError.__new__`, looked up once.
static NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The exception instance for a core error (not raised): `str(e) == "[code] message"`,
/// `.code`, `.family`, `.message` (without the prefix), `.details` (a dict of the details the
/// error carries, camelCase as in every language) and each detail as a snake_case attribute
/// (`e.position`, `e.api_code`); details the error lacks fall back to the class attributes
/// (`None`).
///
/// Built the way `PictifyKeyError.__init__` would build it, without running Python code:
/// `ValueError.__new__(cls, text)` and the attributes written into the instance's `__dict__`
/// (`ApiKey.parse` of a malformed key: about 1.3 µs of CPU instead of 3 µs through the
/// Python `__init__`, measured by `just py bench`).
pub(crate) fn exception<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let report: ErrorReport = err.report();
    let class = class_for(py, report.family.as_str())?;
    let details = pythonize::pythonize(py, &report.details)?.cast_into::<PyDict>()?;
    let new = NEW.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .get_type::<pyo3::exceptions::PyValueError>()
            .getattr("__new__")?
            .unbind())
    })?;
    let instance = new.bind(py).call1((&class, &report.message))?;
    let attributes = instance
        .getattr(intern!(py, "__dict__"))?
        .cast_into::<PyDict>()?;
    for (name, value) in details.iter() {
        let name: String = name.extract()?;
        attributes.set_item(snake_case(&name), value)?;
    }
    attributes.set_item(intern!(py, "code"), report.code)?;
    attributes.set_item(intern!(py, "message"), report.text())?;
    attributes.set_item(intern!(py, "details"), details)?;
    Ok(instance)
}

/// The exception for an optional error (not raised): what `error()` methods return.
pub(crate) fn exception_or_none(
    py: Python<'_>,
    err: Option<Error>,
) -> PyResult<Option<Bound<'_, PyAny>>> {
    err.map(|e| exception(py, &e)).transpose()
}

/// A core error as a `PyErr` to raise.
pub(crate) fn to_pyerr(py: Python<'_>, err: impl Into<Error>) -> PyErr {
    match exception(py, &err.into()) {
        Ok(instance) => PyErr::from_value(instance),
        // The exception module itself failed to import or build: raise that failure.
        Err(e) => e,
    }
}
