//! `DotEnv`: a parsed `.env` file, read into a map and never into the process environment.

use pictify_keys::{DotEnv, EnvLookup};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::error::to_pyerr;

/// The variables of one `.env` file. A read-only mapping; `repr()` shows names only.
#[pyclass(name = "DotEnv", module = "pictify_keys", frozen, mapping)]
pub(crate) struct PyDotEnv {
    pub(crate) inner: DotEnv,
}

#[pymethods]
impl PyDotEnv {
    /// Parses the text of a `.env` file; raises `KeySourceError` (`env_file_syntax`).
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        DotEnv::parse(text)
            .map(|inner| Self { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// The variable names, sorted.
    fn names(&self) -> Vec<&str> {
        self.inner.names().collect()
    }

    /// The variable names, sorted (so `dict(dotenv)` works).
    fn keys(&self) -> Vec<&str> {
        self.names()
    }

    /// The value of `name`, or `default`.
    #[pyo3(signature = (name, default = None))]
    fn get(&self, py: Python<'_>, name: &str, default: Option<Py<PyAny>>) -> Py<PyAny> {
        match self.inner.get(name) {
            Some(v) => PyString::new(py, &v).into_any().unbind(),
            None => default.unwrap_or_else(|| py.None()),
        }
    }

    fn __getitem__(&self, name: &str) -> PyResult<String> {
        self.inner
            .get(name)
            .ok_or_else(|| PyKeyError::new_err(name.to_owned()))
    }

    fn __contains__(&self, name: &str) -> bool {
        self.inner.get(name).is_some()
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __iter__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let names = pyo3::types::PyList::new(py, self.names())?;
        Ok(names.try_iter()?.into_any().unbind())
    }

    fn __repr__(&self) -> String {
        format!("DotEnv(names={:?})", self.names())
    }
}
