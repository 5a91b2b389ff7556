//! `check_keys`: the whole "is my key OK here?" check, as `pictify-keys check` runs it.

use pictify_keys::{CheckReport, KeyCheck, Verdict};
use pyo3::prelude::*;

use crate::env::{detection_arg, policy_arg, Lookup, PyDetection, PyPolicy};
use crate::error::exception;
use crate::key::mode_name;

/// One key variable and its verdict.
#[pyclass(name = "KeyCheck", module = "pictify_keys", frozen)]
pub(crate) struct PyKeyCheck {
    inner: KeyCheck,
}

#[pymethods]
impl PyKeyCheck {
    /// Where the key came from, e.g. `env:PICTIFY_API_KEY`.
    #[getter]
    fn origin(&self) -> &str {
        &self.inner.origin
    }

    /// The variable name.
    #[getter]
    fn variable(&self) -> &'static str {
        self.inner.variable
    }

    /// The fingerprint, when the key is well-formed.
    #[getter]
    fn fingerprint(&self) -> Option<&str> {
        self.inner.fingerprint.as_deref()
    }

    /// `"live"` or `"test"`, when the key is well-formed.
    #[getter]
    fn mode(&self) -> Option<&'static str> {
        self.inner.mode.map(mode_name)
    }

    /// `allowed`, `warning`, `refused` or `malformed`.
    #[getter]
    fn verdict(&self) -> &'static str {
        self.inner.verdict.as_str()
    }

    /// The code of the error or warning, if any.
    #[getter]
    fn code(&self) -> Option<&'static str> {
        self.inner.verdict.code()
    }

    /// The message of the error or warning, if any.
    #[getter]
    fn message(&self) -> Option<String> {
        self.inner.verdict.message()
    }

    /// The exception for a refused or malformed key (not raised), else `None`.
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let err: pictify_keys::Error = match &self.inner.verdict {
            Verdict::Refused(e) => e.clone().into(),
            Verdict::Malformed(e) => e.clone().into(),
            _ => return Ok(None),
        };
        exception(py, &err).map(Some)
    }

    fn __repr__(&self) -> String {
        format!(
            "KeyCheck(origin={:?}, fingerprint={}, verdict={:?}, code={})",
            self.inner.origin,
            self.fingerprint()
                .map_or_else(|| "None".to_owned(), |f| format!("{f:?}")),
            self.verdict(),
            self.code()
                .map_or_else(|| "None".to_owned(), |c| format!("{c:?}")),
        )
    }
}

/// The result of checking every key variable.
#[pyclass(name = "CheckReport", module = "pictify_keys", frozen)]
pub(crate) struct PyCheckReport {
    inner: CheckReport,
    #[pyo3(get)]
    detection: Py<PyDetection>,
    #[pyo3(get)]
    keys: Vec<Py<PyKeyCheck>>,
}

#[pymethods]
impl PyCheckReport {
    /// The overall error (not raised): `no_key`, else the first malformed key, else the first
    /// policy violation; `None` when every key is allowed.
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner.error().map(|e| exception(py, &e)).transpose()
    }

    /// Exit status for a command-line check: 0 all allowed, 1 a policy violation, 2 a
    /// malformed key or no key.
    #[getter]
    fn exit_status(&self) -> u8 {
        self.inner.exit_status()
    }

    fn __repr__(&self) -> String {
        format!(
            "CheckReport(environment={:?}, keys={}, exit_status={})",
            self.inner.detection.environment.as_str(),
            self.inner.keys.len(),
            self.inner.exit_status()
        )
    }
}

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD`)
/// found in `environ` (a mapping or `DotEnv`; `os.environ` when `None`).
#[pyfunction]
#[pyo3(signature = (environ = None, *, source = "env", environment = None, policy = None))]
pub(crate) fn check_keys(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
    source: &str,
    environment: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<PyCheckReport> {
    let environment = detection_arg(environment)?;
    let lookup = Lookup::new(py, environ)?;
    let report = pictify_keys::check_keys(&lookup, source, environment, policy_arg(policy));
    lookup.finish()?;
    let detection = Py::new(
        py,
        PyDetection {
            inner: report.detection.clone(),
        },
    )?;
    let keys = report
        .keys
        .iter()
        .map(|k| Py::new(py, PyKeyCheck { inner: k.clone() }))
        .collect::<PyResult<Vec<_>>>()?;
    Ok(PyCheckReport {
        inner: report,
        detection,
        keys,
    })
}
