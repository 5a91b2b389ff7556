//! Core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`pictify_keys._errors`: `PictifyKeyError`, a
//! `ValueError`, with one subclass per [`ErrorFamily`]); this file picks the class by the
//! core's family and passes the core's code, message and details. The module is imported on
//! the first error only, so importing `pictify_keys` stays free of work.

use pictify_keys::{Error, HttpError, PolicyError, SourceError};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// `pictify_keys._errors._BY_FAMILY` as (family, class) pairs, looked up once.
static CLASSES: PyOnceLock<Vec<(String, Py<PyType>)>> = PyOnceLock::new();

fn class_for<'py>(py: Python<'py>, family: &'static str) -> PyResult<Bound<'py, PyType>> {
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<Vec<(String, Py<PyType>)>> {
        let module = py.import("pictify_keys._errors")?;
        let by_family = module.getattr("_BY_FAMILY")?.cast_into::<PyDict>()?;
        by_family
            .iter()
            .map(|(name, class)| Ok((name.extract()?, class.cast_into::<PyType>()?.unbind())))
            .collect()
    })?;
    classes
        .iter()
        .find(|(name, _)| name == family)
        .map(|(_, class)| class.bind(py).clone())
        .ok_or_else(|| {
            pyo3::exceptions::PyRuntimeError::new_err(format!(
                "no exception class for family {family}"
            ))
        })
}

/// The exception instance for a core error (not raised): `.code`, `.message`, the
/// `"[code] message"` text and the variant's details (`position`, `vendor`, `environment`,
/// `origin`, `status`, …) as attributes.
///
/// Built the way `PictifyKeyError.__init__` would build it, without running Python code:
/// `ValueError.__new__(cls, text)` and the attributes written into the instance's `__dict__`
/// (`ApiKey.parse` of a malformed key: about 1.3 µs of CPU instead of 3 µs through the
/// Python `__init__`, measured by `just py bench`).
/// Details the core does not give fall back to the class attributes (`None`).
pub(crate) fn exception<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let class = class_for(py, err.family().as_str())?;
    let details = PyDict::new(py);
    match err {
        Error::Key(e) => {
            details.set_item(intern!(py, "position"), e.position())?;
            details.set_item(intern!(py, "vendor"), e.vendor())?;
        }
        Error::Policy(
            PolicyError::LiveKeyInDevelopment {
                environment,
                variable,
                value,
            }
            | PolicyError::TestKeyInProduction {
                environment,
                variable,
                value,
            },
        ) => {
            details.set_item(intern!(py, "environment"), environment.as_str())?;
            details.set_item(intern!(py, "variable"), variable)?;
            details.set_item(intern!(py, "value"), value)?;
        }
        Error::DotEnv(e) => {
            details.set_item(intern!(py, "line"), e.line)?;
            details.set_item(intern!(py, "column"), e.column)?;
        }
        Error::Source(e) => {
            details.set_item(intern!(py, "origin"), e.origin())?;
            match e {
                SourceError::InvalidKey { error, .. } => {
                    details.set_item(intern!(py, "position"), error.position())?;
                    details.set_item(intern!(py, "vendor"), error.vendor())?;
                }
                SourceError::DotEnv { error, .. } => {
                    details.set_item(intern!(py, "line"), error.line)?;
                    details.set_item(intern!(py, "column"), error.column)?;
                }
                _ => {}
            }
        }
        Error::Http(e) => {
            details.set_item(intern!(py, "status"), e.status())?;
            if let HttpError::Unauthorized { tried, .. } = e {
                details.set_item(intern!(py, "tried"), tried)?;
            }
        }
        _ => {}
    }
    build(&class, err.code(), &err.to_string(), &details)
}

/// `ValueError.__new__`, looked up once.
static NEW: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// An instance of `class` (a `PictifyKeyError` subclass) with the attributes its `__init__`
/// sets: `args == ("[code] message",)`, `.code`, `.message`, `._details` (for pickling) and
/// every detail.
fn build<'py>(
    class: &Bound<'py, PyType>,
    code: &str,
    message: &str,
    details: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    let py = class.py();
    let new = NEW.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .get_type::<pyo3::exceptions::PyValueError>()
            .getattr("__new__")?
            .unbind())
    })?;
    let instance = new.bind(py).call1((class, format!("[{code}] {message}")))?;
    let attributes = instance
        .getattr(intern!(py, "__dict__"))?
        .cast_into::<PyDict>()?;
    attributes.update(details.as_mapping())?;
    attributes.set_item(intern!(py, "code"), code)?;
    attributes.set_item(intern!(py, "message"), message)?;
    attributes.set_item(intern!(py, "_details"), details)?;
    Ok(instance)
}

/// A core error as a `PyErr` to raise.
pub(crate) fn to_pyerr(py: Python<'_>, err: impl Into<Error>) -> PyErr {
    match exception(py, &err.into()) {
        Ok(instance) => PyErr::from_value(instance),
        // The exception module itself failed to import or build: raise that failure.
        Err(e) => e,
    }
}

/// A `PictifyKeyError` with a code for errors outside the core's `Error` (no family).
pub(crate) fn plain_exception(py: Python<'_>, code: &str, message: &str) -> PyErr {
    let make = || -> PyResult<PyErr> {
        let class = py
            .import("pictify_keys._errors")?
            .getattr("PictifyKeyError")?
            .cast_into::<PyType>()?;
        Ok(PyErr::from_value(build(
            &class,
            code,
            message,
            &PyDict::new(py),
        )?))
    };
    make().unwrap_or_else(|e| e)
}
