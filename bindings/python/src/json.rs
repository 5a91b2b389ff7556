//! Python values as JSON (`serde_json::Value`), for `redact_json` and the client. The way
//! back is `pythonize`. Kept by hand rather than `pythonize::depythonize`: nesting is capped
//! (a deep value would overflow the stack), and bytes, sets, NaN and non-str dict keys are
//! refused instead of converted.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// A Python value as JSON: dict (str keys), list, tuple, str, int, float, bool, None.
pub(crate) fn to_json(value: &Bound<'_, PyAny>, depth: usize) -> PyResult<Value> {
    if depth > 256 {
        return Err(PyValueError::new_err("value nested too deeply to redact"));
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Value::String(s.to_cow()?.into_owned()));
    }
    if value.is_instance_of::<PyInt>() {
        let n = value.extract::<i64>().map(Number::from);
        let n = n.or_else(|_| value.extract::<u64>().map(Number::from));
        return n
            .map(Value::Number)
            .map_err(|_| PyValueError::new_err("integer out of the JSON range"));
    }
    if let Ok(f) = value.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| PyValueError::new_err("NaN and infinity are not JSON"));
    }
    if let Ok(d) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in d.iter() {
            let k = k
                .cast::<PyString>()
                .map_err(|_| PyTypeError::new_err("JSON values: dict keys must be str"))?;
            map.insert(k.to_cow()?.into_owned(), to_json(&v, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        let items = value
            .try_iter()?
            .map(|v| to_json(&v?, depth + 1))
            .collect::<PyResult<Vec<_>>>()?;
        return Ok(Value::Array(items));
    }
    Err(PyTypeError::new_err(format!(
        "{} is not a JSON value (dict, list, tuple, str, int, float, bool or None)",
        value.get_type().name()?
    )))
}
