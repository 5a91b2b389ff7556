//! Environment detection and policy: `Detection`, `Policy`, `Warning`, `Allowed`,
//! `detect_environment`, `check_environment`, `check_mode`.
//!
//! Variables reach the core through [`Lookup`], an `EnvLookup` over a Python mapping or a
//! parsed `DotEnv` (read lazily, one name at a time, never written).

use std::cell::RefCell;

use pictify_keys::{Allowed, Detection, EnvLookup, Environment, Mode, Policy, Warning};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::error::to_pyerr;
use crate::key::{mode_from_name, PyApiKey};
use crate::shape::{Fields, PyRecord};

/// Where variables come from: any Python mapping (`os.environ`, a `dict`, a `DotEnv`) asked
/// for one name at a time through `.get(name)`.
pub(crate) struct Lookup<'py> {
    mapping: Bound<'py, PyAny>,
    /// The first Python error met while reading the mapping, raised by [`Lookup::finish`].
    error: RefCell<Option<PyErr>>,
}

impl<'py> Lookup<'py> {
    /// The lookup for `environ`, or for the host environment when it is `None`: `os.environ`,
    /// plus a configured Django `settings.DEBUG = True` reported as `DJANGO_DEBUG` (see
    /// `pictify_keys._host`; the core decides what the variable means).
    pub(crate) fn new(py: Python<'py>, environ: Option<Bound<'py, PyAny>>) -> PyResult<Self> {
        let mapping = match environ {
            Some(m) => m,
            None => py.import("pictify_keys._host")?.getattr("HOST_ENVIRON")?,
        };
        if !mapping.hasattr("get")? {
            return Err(PyTypeError::new_err("environ must be a mapping of variable names to strings (such as os.environ or a dict), a DotEnv, or None"));
        }
        Ok(Self {
            mapping,
            error: RefCell::new(None),
        })
    }

    /// Raises the first error met while reading the mapping, if any.
    pub(crate) fn finish(self) -> PyResult<()> {
        self.error.into_inner().map_or(Ok(()), Err)
    }
}

impl EnvLookup for Lookup<'_> {
    fn get(&self, name: &str) -> Option<String> {
        if self.error.borrow().is_some() {
            return None;
        }
        let value = self.mapping.call_method1("get", (name,)).and_then(|v| {
            v.extract::<Option<String>>().map_err(|_| {
                PyTypeError::new_err(format!("environment variable {name} must be a str"))
            })
        });
        value.unwrap_or_else(|e| {
            *self.error.borrow_mut() = Some(e);
            None
        })
    }
}

/// The detected deployment environment and the variable that decided it: `environment`
/// (`production`, `staging`, `development`, `test` or `unknown`), `variable` (the variable
/// that decided, or `None`) and `value` (its recognised, trimmed value, or `None`).
#[pyclass(name = "Detection", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyDetection {
    pub(crate) inner: Detection,
}

impl PyDetection {
    pub(crate) fn py(py: Python<'_>, inner: Detection) -> PyResult<Py<Self>> {
        Fields::of(py, &inner)?.into_py(Self { inner })
    }
}

/// The environment named `name`.
fn environment_from_name(name: &str) -> PyResult<Environment> {
    Environment::from_name(name).ok_or_else(|| {
        PyValueError::new_err(
            "environment must be one of production, staging, development, test, unknown",
        )
    })
}

#[pymethods]
impl PyDetection {
    /// An environment stated by the caller rather than detected.
    #[staticmethod]
    fn explicit(py: Python<'_>, environment: &str) -> PyResult<Py<Self>> {
        Self::py(py, Detection::explicit(environment_from_name(environment)?))
    }
}

/// What the environment check allows (`allow_live_outside_production`,
/// `allow_test_in_production`); strict unless relaxed explicitly.
#[pyclass(name = "Policy", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyPolicy {
    pub(crate) inner: Policy,
}

#[pymethods]
impl PyPolicy {
    #[new]
    #[pyo3(signature = (*, allow_live_outside_production = false, allow_test_in_production = false))]
    fn new(
        py: Python<'_>,
        allow_live_outside_production: bool,
        allow_test_in_production: bool,
    ) -> PyResult<Py<Self>> {
        let inner = Policy {
            allow_live_outside_production,
            allow_test_in_production,
        };
        Fields::of(py, &inner)?.into_py(Self { inner })
    }

    /// The default policy: live keys only in production, test keys never in production.
    #[staticmethod]
    fn strict(py: Python<'_>) -> PyResult<Py<Self>> {
        let inner = Policy::strict();
        Fields::of(py, &inner)?.into_py(Self { inner })
    }
}

/// A reason to warn although the key is allowed: `code` (`unknown_environment` or
/// `relaxed_policy`) and `message`, a one-line explanation.
#[pyclass(name = "Warning", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyWarning {
    inner: Warning,
}

#[pymethods]
impl PyWarning {
    fn __str__(&self) -> String {
        format!("[{}] {}", self.inner.code(), self.inner.message())
    }
}

/// A key allowed where it runs, possibly with a `warning`.
#[pyclass(name = "Allowed", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyAllowed;

/// The core's `Allowed` as a Python object.
pub(crate) fn allowed_to_py(py: Python<'_>, allowed: Allowed) -> PyResult<Py<PyAllowed>> {
    let warning = allowed
        .warning
        .map(|inner| Fields::of(py, &inner)?.into_py(PyWarning { inner }))
        .transpose()?;
    Fields::of(py, &allowed)?
        .with("warning", warning)?
        .into_py(PyAllowed)
}

/// An `environment` argument: a `Detection`, an environment name, or `None`.
pub(crate) fn detection_arg(environment: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Detection>> {
    let Some(environment) = environment else {
        return Ok(None);
    };
    if let Ok(d) = environment.cast::<PyDetection>() {
        return Ok(Some(d.get().inner.clone()));
    }
    if let Ok(name) = environment.extract::<String>() {
        return Ok(Some(Detection::explicit(environment_from_name(&name)?)));
    }
    Err(PyTypeError::new_err(
        "environment must be a Detection, an environment name such as \"production\", or None",
    ))
}

/// A `policy` argument: a `Policy`, or strict when `None`.
pub(crate) fn policy_arg(policy: Option<&Bound<'_, PyPolicy>>) -> Policy {
    policy.map_or_else(Policy::strict, |p| p.get().inner)
}

/// Detects the environment from `environ` (a mapping or `DotEnv`; `os.environ` when `None`).
#[pyfunction]
#[pyo3(signature = (environ = None))]
pub(crate) fn detect_environment(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
) -> PyResult<Py<PyDetection>> {
    PyDetection::py(py, detect(py, environ)?)
}

/// The core's detection from `environ` (a mapping or `DotEnv`; `os.environ` when `None`).
pub(crate) fn detect(py: Python<'_>, environ: Option<Bound<'_, PyAny>>) -> PyResult<Detection> {
    let lookup = Lookup::new(py, environ)?;
    let detection = pictify_keys::detect_environment(&lookup);
    lookup.finish()?;
    Ok(detection)
}

/// The detection for an `environment` argument, detecting from `environ` when it is `None`.
pub(crate) fn detection_or_detect(
    py: Python<'_>,
    environment: Option<&Bound<'_, PyAny>>,
    environ: Option<Bound<'_, PyAny>>,
) -> PyResult<Detection> {
    match detection_arg(environment)? {
        Some(d) => Ok(d),
        None => detect(py, environ),
    }
}

/// The core's `check_mode` with Python arguments (`check_environment` is it for the key's mode).
fn allowed(
    py: Python<'_>,
    mode: Mode,
    environment: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Py<PyAllowed>> {
    let detection = detection_or_detect(py, environment, None)?;
    let allowed = pictify_keys::check_mode(mode, &detection, policy_arg(policy))
        .map_err(|e| to_pyerr(py, e))?;
    allowed_to_py(py, allowed)
}

/// Checks that the key's mode fits the environment; raises `KeyEnvironmentError` if not.
#[pyfunction]
#[pyo3(signature = (key, environment = None, *, policy = None))]
pub(crate) fn check_environment(
    py: Python<'_>,
    key: &Bound<'_, PyApiKey>,
    environment: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Py<PyAllowed>> {
    allowed(py, key.get().inner.mode(), environment, policy)
}

/// `check_environment` for a mode alone (`"live"` or `"test"`).
#[pyfunction]
#[pyo3(signature = (mode, environment = None, *, policy = None))]
pub(crate) fn check_mode(
    py: Python<'_>,
    mode: &str,
    environment: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyPolicy>>,
) -> PyResult<Py<PyAllowed>> {
    allowed(py, mode_from_name(mode)?, environment, policy)
}
