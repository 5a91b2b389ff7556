//! Result records: Python objects whose attributes are the core's serde shape.
//!
//! The core declares each result shape once, in camelCase, as every language shows it
//! (tests/vectors/shapes.json). A record class extends [`PyRecord`]: that shape with
//! snake_case names (`exitStatus` → `exit_status`) as read-only attributes, `repr()` and `==`. A field the core adds reaches Python without an edit here;
//! what a subclass defines itself (`error()`, an `ApiKey` handle) comes first.

use pyo3::exceptions::PyAttributeError;
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::pyclass::boolean_struct::True;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyString};
use pyo3::PyClass;
use serde::Serialize;

/// The base of the result classes: their fields, read-only, in the instance `__dict__` (so an
/// attribute read is a plain dict lookup).
#[pyclass(name = "Record", module = "pictify_keys", subclass, frozen, dict)]
pub(crate) struct PyRecord {
    /// Fields left out of `repr()`: payloads as large as the API made them (`body`).
    quiet: &'static [&'static str],
}

/// A record's fields while it is built; [`Fields::into_py`] makes the object.
pub(crate) struct Fields<'py> {
    dict: Bound<'py, PyDict>,
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

/// snake_case names by camelCase name, made once per name (`exitStatus` → `exit_status`).
static SNAKE: PyOnceLock<Py<PyDict>> = PyOnceLock::new();

/// `shape` serialized as a dict with snake_case names (one level: nested values keep theirs).
pub(crate) fn fields<'py>(py: Python<'py>, shape: &impl Serialize) -> PyResult<Bound<'py, PyDict>> {
    let camel = pythonize::pythonize(py, shape)?.cast_into::<PyDict>()?;
    let snake = SNAKE.get_or_init(py, || PyDict::new(py).unbind()).bind(py);
    let out = PyDict::new(py);
    for (name, value) in camel.iter() {
        let renamed = match snake.get_item(&name)? {
            Some(renamed) => renamed,
            None => {
                let renamed = PyString::new(py, &snake_case(&name.extract::<String>()?));
                snake.set_item(&name, &renamed)?;
                renamed.into_any()
            }
        };
        out.set_item(renamed, value)?;
    }
    Ok(out)
}

impl<'py> Fields<'py> {
    /// The fields of `shape`.
    pub(crate) fn of(py: Python<'py>, shape: &impl Serialize) -> PyResult<Self> {
        Ok(Self::from_dict(fields(py, shape)?))
    }

    /// Fields built by the caller.
    pub(crate) fn from_dict(dict: Bound<'py, PyDict>) -> Self {
        Self { dict, quiet: &[] }
    }

    /// Sets (or replaces) one field, e.g. a nested shape as a record object.
    pub(crate) fn with(self, name: &str, value: impl IntoPyObject<'py>) -> PyResult<Self> {
        self.dict.set_item(name, value)?;
        Ok(self)
    }

    /// Removes a field a subclass serves as a method (`error`).
    pub(crate) fn without(self, name: &str) -> PyResult<Self> {
        self.dict.del_item(name)?;
        Ok(self)
    }

    /// Leaves these fields out of `repr()`.
    pub(crate) fn quiet(self, quiet: &'static [&'static str]) -> Self {
        Self { quiet, ..self }
    }

    /// The record object of class `T` (a subclass holding `sub`) with these fields.
    pub(crate) fn into_py<T>(self, sub: T) -> PyResult<Py<T>>
    where
        T: PyClass<BaseType = PyRecord, Frozen = True>,
    {
        let py = self.dict.py();
        let record = PyRecord { quiet: self.quiet };
        let obj = Py::new(py, PyClassInitializer::from(record).add_subclass(sub))?;
        dict_of(obj.bind(py))?.update(self.dict.as_mapping())?;
        Ok(obj)
    }
}

/// The instance `__dict__` of a record.
fn dict_of<'py>(obj: &Bound<'py, impl PyClass>) -> PyResult<Bound<'py, PyDict>> {
    let obj = obj.as_any();
    Ok(obj
        .getattr(intern!(obj.py(), "__dict__"))?
        .cast_into::<PyDict>()?)
}

#[pymethods]
impl PyRecord {
    fn __setattr__(&self, name: &str, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        Err(PyAttributeError::new_err(format!("{name} is read-only")))
    }

    /// `KeyStats(fingerprint='pk_live_****a1b2', origin='env:PICTIFY_API_KEY', …)`.
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let quiet = slf.get().quiet;
        let parts = dict_of(slf)?
            .iter()
            .filter(|(name, _)| !quiet.iter().any(|q| name.eq(q).unwrap_or(false)))
            .map(|(name, value)| Ok(format!("{name}={}", value.repr()?)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("{}({})", slf.get_type().name()?, parts.join(", ")))
    }

    /// Records of the same class with equal fields are equal.
    fn __eq__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(other) = other.cast::<PyRecord>() else {
            return Ok(false);
        };
        Ok(slf.get_type().is(other.get_type()) && dict_of(slf)?.eq(dict_of(other)?)?)
    }
}
