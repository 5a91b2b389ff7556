//! `check_keys`: the whole "is my key OK here?" check, as `pictify-keys check` runs it.

use pictify_keys::{CheckReport, KeyCheck};
use pyo3::prelude::*;

use crate::env::{detection_or_detect, policy_arg, PyDetection, PyPolicy};
use crate::error::exception_or_none;
use crate::shape::{Fields, PyRecord};
use crate::source::{resolver, snapshot};

/// One key variable and its verdict: `origin` (e.g. `env:PICTIFY_API_KEY`), `variable`,
/// `fingerprint` and `mode` (when the key is well-formed), `verdict` (`allowed`, `warning`,
/// `refused` or `malformed`), and the `code` and `message` of the error or warning, if any.
#[pyclass(name = "KeyCheck", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyKeyCheck {
    inner: KeyCheck,
}

#[pymethods]
impl PyKeyCheck {
    /// The exception for a refused or malformed key (not raised), else `None`.
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        exception_or_none(py, self.inner.verdict.error())
    }
}

/// The result of checking every key variable: `detection`, `keys` (one `KeyCheck` each) and
/// `exit_status` for a command-line check (0 all allowed, 1 a policy violation, 2 a malformed
/// key or no key).
#[pyclass(name = "CheckReport", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyCheckReport {
    inner: CheckReport,
}

#[pymethods]
impl PyCheckReport {
    /// The overall error (not raised): `no_key`, else the first malformed key, else the first
    /// policy violation; `None` when every key is allowed.
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        exception_or_none(py, self.inner.error())
    }
}

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD`)
/// found in `environ` (a mapping or `DotEnv`; `os.environ` when `None`). A secret reference
/// (`vault://secret/pictify#api_key`) is resolved with the settings found in `environ`
/// (`VAULT_ADDR`, `AWS_REGION`, …), the GIL released while it is fetched.
#[pyfunction]
#[pyo3(signature = (environ = None, *, source = "env", environment = None, policy = None))]
pub(crate) fn check_keys(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
    source: &str,
    environment: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Py<PyCheckReport>> {
    let detection = detection_or_detect(py, environment, environ.clone())?;
    let env = snapshot(py, environ)?;
    let policy = policy_arg(policy);
    let report = py.detach(|| {
        let resolver = resolver(&env);
        pictify_keys::check_keys_with(&env, source, Some(detection), policy, Some(&resolver))
    });
    let keys = report
        .keys
        .iter()
        .map(|k| Fields::of(py, k)?.into_py(PyKeyCheck { inner: k.clone() }))
        .collect::<PyResult<Vec<_>>>()?;
    Fields::of(py, &report)?
        .without("error")?
        .with("detection", PyDetection::py(py, report.detection.clone())?)?
        .with("keys", keys)?
        .into_py(PyCheckReport { inner: report })
}
