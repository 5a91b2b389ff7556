//! Result records: Python objects whose attributes are the core's serde shape.
//!
//! The core declares each result shape once, in camelCase, as every language shows it
//! (tests/vectors/shapes.json). A record class extends [`PyRecord`], which holds that shape
//! as a dict with snake_case names (`exitStatus` → `exit_status`) and serves it as read-only
//! attributes, `repr()` and `==`. A field the core adds reaches Python without an edit here;
//! what a subclass defines itself (`error()`, an `ApiKey` handle) comes first.

use pyo3::exceptions::PyAttributeError;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use pyo3::types::{PyDict, PyList};
use pyo3::PyClass;
use serde::Serialize;

/// The base of the result classes: their fields, read-only.
#[pyclass(name = "Record", module = "pictify_keys", subclass, frozen)]
pub(crate) struct PyRecord {
    fields: Py<PyDict>,
    /// Fields left out of `repr()`: payloads as large as the API made them (`body`).
    quiet: &'static [&'static str],
}

/// `apiCode` → `api_code`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `shape` serialized as a dict with snake_case names (one level: nested values keep theirs).
pub(crate) fn fields<'py>(py: Python<'py>, shape: &impl Serialize) -> PyResult<Bound<'py, PyDict>> {
    let camel = pythonize::pythonize(py, shape)?.cast_into::<PyDict>()?;
    let out = PyDict::new(py);
    for (name, value) in camel.iter() {
        out.set_item(snake_case(&name.extract::<String>()?), value)?;
    }
    Ok(out)
}

impl PyRecord {
    /// The record of `shape`.
    pub(crate) fn of(py: Python<'_>, shape: &impl Serialize) -> PyResult<Self> {
        Ok(Self::from_dict(fields(py, shape)?))
    }

    /// The record of fields built by the caller.
    pub(crate) fn from_dict(fields: Bound<'_, PyDict>) -> Self {
        Self {
            fields: fields.unbind(),
            quiet: &[],
        }
    }

    /// Sets (or replaces) one field, e.g. a nested shape as a record object.
    pub(crate) fn with<'py>(
        self,
        py: Python<'py>,
        name: &str,
        value: impl IntoPyObject<'py>,
    ) -> PyResult<Self> {
        self.fields.bind(py).set_item(name, value)?;
        Ok(self)
    }

    /// Removes a field a subclass serves as a method (`error`).
    pub(crate) fn without(self, py: Python<'_>, name: &str) -> PyResult<Self> {
        self.fields.bind(py).del_item(name)?;
        Ok(self)
    }

    /// Leaves these fields out of `repr()`.
    pub(crate) fn quiet(self, quiet: &'static [&'static str]) -> Self {
        Self { quiet, ..self }
    }

    /// The initializer of class `T` (a subclass holding `sub`) over these fields, for `#[new]`.
    pub(crate) fn init<T>(self, sub: T) -> PyClassInitializer<T>
    where
        T: PyClass<BaseType = PyRecord, Frozen = True>,
    {
        PyClassInitializer::from(self).add_subclass(sub)
    }

    /// The record object of class `T` (a subclass holding `sub`) over these fields.
    pub(crate) fn into_py<T>(self, py: Python<'_>, sub: T) -> PyResult<Py<T>>
    where
        T: PyClass<BaseType = PyRecord, Frozen = True>,
    {
        Py::new(py, self.init(sub))
    }
}

#[pymethods]
impl PyRecord {
    fn __getattr__(slf: &Bound<'_, Self>, name: &str) -> PyResult<Py<PyAny>> {
        match slf.get().fields.bind(slf.py()).get_item(name)? {
            Some(value) => Ok(value.unbind()),
            None => Err(PyAttributeError::new_err(format!(
                "'{}' object has no attribute '{name}'",
                slf.get_type().name()?
            ))),
        }
    }

    fn __setattr__(&self, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err(format!("{name} is read-only")))
    }

    fn __dir__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyList>> {
        let names = slf.get_type().dir()?;
        for name in slf.get().fields.bind(slf.py()).keys() {
            names.append(name)?;
        }
        Ok(names)
    }

    /// `KeyStats(fingerprint='pk_live_****a1b2', origin='env:PICTIFY_API_KEY', …)`.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let record = slf.get();
        let parts = record
            .fields
            .bind(slf.py())
            .iter()
            .filter(|(name, _)| !record.quiet.iter().any(|q| name.eq(q).unwrap_or(false)))
            .map(|(name, value)| Ok(format!("{name}={}", value.repr()?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("{}({})", slf.get_type().name()?, parts.join(", ")))
    }

    /// Records of the same class with equal fields are equal.
    fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<PyRecord>() else {
            return Ok(false);
        };
        let py = slf.py();
        Ok(slf.get_type().is(other.get_type())
            && slf.get().fields.bind(py).eq(other.get().fields.bind(py))?)
    }
}
