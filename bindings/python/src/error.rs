//! Core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`pictify_keys._errors`: `PictifyKeyError`, a
//! `ValueError`, with one subclass per [`ErrorFamily`]); this file picks the class by the
//! core's family and passes the core's code, message and details. The module is imported on
//! the first error only, so importing `pictify_keys` stays free of work.

use pictify_keys::{Error, HttpError, PolicyError, SourceError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyType};

/// `pictify_keys._errors._BY_FAMILY`, looked up once.
static CLASSES: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

fn class_for<'py>(py: Python<'py>, family: &str) -> PyResult<Bound<'py, PyType>> {
    let classes = CLASSES.get_or_try_init(py, || -> PyResult<Py<PyDict>> {
        let module = py.import("pictify_keys._errors")?;
        Ok(module
            .getattr("_BY_FAMILY")?
            .cast_into::<PyDict>()?
            .unbind())
    })?;
    let class = classes.bind(py).get_item(family)?.ok_or_else(|| {
        pyo3::exceptions::PyRuntimeError::new_err(format!("no exception class for family {family}"))
    })?;
    Ok(class.cast_into::<PyType>()?)
}

/// The exception instance for a core error (not raised): `.code`, `.family`, the message and
/// the variant's details (`position`, `vendor`, `environment`, `origin`, `status`, …).
pub(crate) fn exception<'py>(py: Python<'py>, err: &Error) -> PyResult<Bound<'py, PyAny>> {
    let class = class_for(py, err.family().as_str())?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("code", err.code())?;
    match err {
        Error::Key(e) => {
            kwargs.set_item("position", e.position())?;
            kwargs.set_item("vendor", e.vendor())?;
        }
        Error::Policy(e) => {
            let (PolicyError::LiveKeyInDevelopment {
                environment,
                variable,
                value,
            }
            | PolicyError::TestKeyInProduction {
                environment,
                variable,
                value,
            }) = e
            else {
                return class.call((err.to_string(),), Some(&kwargs));
            };
            kwargs.set_item("environment", environment.as_str())?;
            kwargs.set_item("variable", variable)?;
            kwargs.set_item("value", value)?;
        }
        Error::DotEnv(e) => {
            kwargs.set_item("line", e.line)?;
            kwargs.set_item("column", e.column)?;
        }
        Error::Source(e) => {
            kwargs.set_item("origin", e.origin())?;
            match e {
                SourceError::InvalidKey { error, .. } => {
                    kwargs.set_item("position", error.position())?;
                    kwargs.set_item("vendor", error.vendor())?;
                }
                SourceError::DotEnv { error, .. } => {
                    kwargs.set_item("line", error.line)?;
                    kwargs.set_item("column", error.column)?;
                }
                _ => {}
            }
        }
        Error::Http(e) => {
            kwargs.set_item("status", e.status())?;
            if let HttpError::Unauthorized { tried } = e {
                kwargs.set_item("tried", tried)?;
            }
        }
        _ => {}
    }
    class.call((err.to_string(),), Some(&kwargs))
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
    let build = || -> PyResult<PyErr> {
        let class = py
            .import("pictify_keys._errors")?
            .getattr("PictifyKeyError")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", code)?;
        Ok(PyErr::from_value(class.call((message,), Some(&kwargs))?))
    };
    build().unwrap_or_else(|e| e)
}
