//! `KeyRing`: the core's sans-IO rotation state machine, driven from Python (or by `Client`).

use std::sync::{Arc, Mutex};

use pictify_keys::ring::{
    Attempt, Clock, Decision, KeyRing, KeyStats, ManualClock, Outcome, RequestState, RingConfig,
};
use pictify_keys::source::{KeyList, SourcedKey};
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::{exception_or_none, to_pyerr};
use crate::key::PyApiKey;
use crate::shape::{Fields, PyRecord};
use crate::source::{PyLoadedKeys, PySourcedKey};

/// Tuning of the ring (`max_retries`, `cooldown_ms`, `base_delay_ms`, `max_delay_ms`,
/// `retry_after_cap_ms`, `jitter`); defaults are the core's.
#[pyclass(name = "RingConfig", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyRingConfig {
    pub(crate) inner: RingConfig,
}

#[pymethods]
impl PyRingConfig {
    #[new]
    #[pyo3(signature = (*, max_retries = None, cooldown_ms = None, base_delay_ms = None, max_delay_ms = None, retry_after_cap_ms = None, jitter = None))]
    fn new(
        py: Python<'_>,
        max_retries: Option<u32>,
        cooldown_ms: Option<u64>,
        base_delay_ms: Option<u64>,
        max_delay_ms: Option<u64>,
        retry_after_cap_ms: Option<u64>,
        jitter: Option<bool>,
    ) -> PyResult<Py<Self>> {
        let d = RingConfig::default();
        let inner = RingConfig {
            max_retries: max_retries.unwrap_or(d.max_retries),
            cooldown_ms: cooldown_ms.unwrap_or(d.cooldown_ms),
            base_delay_ms: base_delay_ms.unwrap_or(d.base_delay_ms),
            max_delay_ms: max_delay_ms.unwrap_or(d.max_delay_ms),
            retry_after_cap_ms: retry_after_cap_ms.unwrap_or(d.retry_after_cap_ms),
            jitter: jitter.unwrap_or(d.jitter),
        };
        Fields::of(py, &inner)?.into_py(Self { inner })
    }
}

/// A clock that moves only when told to (tests, replaying vectors).
#[pyclass(name = "ManualClock", module = "pictify_keys", frozen)]
pub(crate) struct PyManualClock {
    pub(crate) inner: Arc<ManualClock>,
}

#[pymethods]
impl PyManualClock {
    #[new]
    fn new(start_ms: u64) -> Self {
        Self {
            inner: Arc::new(ManualClock::new(start_ms)),
        }
    }

    fn advance_ms(&self, ms: u64) {
        self.inner.advance_ms(ms);
    }

    fn set_ms(&self, ms: u64) {
        self.inner.set_ms(ms);
    }

    #[getter]
    fn now_ms(&self) -> u64 {
        self.inner.now_ms()
    }
}

/// Usage of one key: `fingerprint`, `origin`, `requests`, `successes`, `unauthorized`,
/// `errors`, `last_used_ms`, `demoted_until_ms`.
#[pyclass(name = "KeyStats", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyKeyStats;

pub(crate) fn stats_to_py(py: Python<'_>, stats: Vec<KeyStats>) -> PyResult<Vec<Py<PyKeyStats>>> {
    stats
        .iter()
        .map(|s| Fields::of(py, s)?.into_py(PyKeyStats))
        .collect()
}

/// One logical request's progress through the ring.
#[pyclass(name = "RequestState", module = "pictify_keys", frozen)]
pub(crate) struct PyRequestState {
    inner: Mutex<RequestState>,
}

impl PyRequestState {
    fn lock(&self) -> PyResult<std::sync::MutexGuard<'_, RequestState>> {
        self.inner
            .lock()
            .map_err(|_| PyValueError::new_err("request state poisoned"))
    }
}

#[pymethods]
impl PyRequestState {
    /// Attempts made so far.
    #[getter]
    fn attempts(&self) -> u32 {
        self.inner.lock().map_or(0, |s| s.attempts())
    }
}

/// The key to use for one attempt: `key` (the `ApiKey` to send), `source` (where it came
/// from) and `number` (1-based within the request).
#[pyclass(name = "Attempt", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyAttempt {
    inner: Attempt,
}

/// What to do after an attempt: `action` is `done`, `try_next_key`, `retry` or `fail`;
/// `delay_ms` is set for `retry`, `code` (the error's) for `fail`.
#[pyclass(name = "Decision", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyDecision {
    inner: Decision,
}

#[pymethods]
impl PyDecision {
    /// The error to raise for `fail` (not raised), else `None`.
    fn error<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        exception_or_none(py, self.inner.error())
    }
}

/// The keys for a ring: all `ApiKey` (provenance `explicit:<index>`), all `SourcedKey`, or a
/// `LoadedKeys`.
pub(crate) fn sourced_keys(keys: &Bound<'_, PyAny>) -> PyResult<Vec<SourcedKey>> {
    if let Ok(loaded) = keys.cast::<PyLoadedKeys>() {
        return sourced_keys(&loaded.getattr("keys")?);
    }
    let items: Vec<Bound<'_, PyAny>> = keys.try_iter()?.collect::<PyResult<_>>()?;
    if items.iter().all(|k| k.is_instance_of::<PyApiKey>()) {
        let parsed = items
            .iter()
            .map(|k| k.cast::<PyApiKey>().map(|k| k.get().inner.clone()))
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(KeyList::new(parsed).into_keys());
    }
    items
        .iter()
        .map(|k| {
            k.cast::<PySourcedKey>()
                .map(|k| k.get().inner.clone())
                .map_err(|_| {
                    PyTypeError::new_err(
                        "keys must be all ApiKey or all SourcedKey (from load_keys)",
                    )
                })
        })
        .collect()
}

/// The ordered keys, their demotions and usage counts; thread-safe.
#[pyclass(name = "KeyRing", module = "pictify_keys", frozen)]
pub(crate) struct PyKeyRing {
    inner: KeyRing,
}

#[pymethods]
impl PyKeyRing {
    #[new]
    #[pyo3(signature = (keys, *, config = None, clock = None))]
    fn new(
        py: Python<'_>,
        keys: &Bound<'_, PyAny>,
        config: Option<&Bound<'_, PyRingConfig>>,
        clock: Option<&Bound<'_, PyManualClock>>,
    ) -> PyResult<Self> {
        let keys = sourced_keys(keys)?;
        let config = config.map_or_else(RingConfig::default, |c| c.get().inner);
        let ring = match clock {
            Some(c) => KeyRing::with_clock(keys, config, c.get().inner.clone()),
            None => KeyRing::new(keys, config),
        };
        ring.map(|inner| Self { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// Starts a logical request.
    fn begin_request(&self) -> PyRequestState {
        PyRequestState {
            inner: Mutex::new(self.inner.begin_request()),
        }
    }

    /// The key for the next attempt; raises `PictifyHTTPError` (`unauthorized`) when every
    /// key was tried.
    fn attempt(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyRequestState>,
    ) -> PyResult<Py<PyAttempt>> {
        let mut state = request.get().lock()?;
        let inner = self
            .inner
            .next_attempt(&mut state)
            .map_err(|e| to_pyerr(py, e))?;
        let fields = PyDict::new(py);
        fields.set_item("key", PyApiKey::py(py, inner.key().clone())?)?;
        fields.set_item("source", inner.origin())?;
        fields.set_item("number", inner.number())?;
        Fields::from_dict(fields).into_py(PyAttempt { inner })
    }

    /// Records an outcome: an HTTP `status` (with its `Retry-After` header, if any) or an
    /// `error` of `"timeout"` or `"connection"`; returns the decision.
    #[pyo3(signature = (request, attempt, status = None, *, retry_after = None, error = None))]
    fn on_outcome(
        &self,
        py: Python<'_>,
        request: &Bound<'_, PyRequestState>,
        attempt: &Bound<'_, PyAttempt>,
        status: Option<u16>,
        retry_after: Option<&str>,
        error: Option<&str>,
    ) -> PyResult<Py<PyDecision>> {
        let outcome = match (status, error.map(Outcome::from_name)) {
            (Some(status), None) => Outcome::Response {
                status,
                retry_after,
            },
            (None, Some(Some(outcome))) => outcome,
            _ => {
                return Err(PyValueError::new_err(
                    "give either status or error=\"timeout\" / \"connection\"",
                ))
            }
        };
        let mut state = request.get().lock()?;
        let decision = self
            .inner
            .on_outcome(&mut state, &attempt.get().inner, outcome);
        let code = decision.error().map(|e| e.code());
        Fields::of(py, &decision)?
            .without("error")?
            .with("code", code)?
            .into_py(PyDecision { inner: decision })
    }

    /// Usage of every key, in priority order.
    fn stats(&self, py: Python<'_>) -> PyResult<Vec<Py<PyKeyStats>>> {
        stats_to_py(py, self.inner.stats())
    }

    /// Fingerprints of the keys in priority order.
    fn fingerprints(&self) -> Vec<String> {
        self.inner.fingerprints()
    }

    fn __len__(&self) -> usize {
        self.inner.fingerprints().len()
    }

    fn __repr__(&self) -> String {
        format!("KeyRing({})", self.inner.fingerprints().join(", "))
    }
}
