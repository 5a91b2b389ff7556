//! `Monitor`: the core's in-process usage monitor ([`LiveMonitor`]) for Python, fed with
//! `AuditEvent`s, audit-log lines or dicts, or straight from a `Client`'s own traffic.
//! Alert updates are handed out by `poll()` or to an `on_alert` callback, always in the
//! calling thread with the GIL held.

use std::path::PathBuf;
use std::sync::Mutex;

use pictify_keys::monitor::{AlertUpdate, LiveMonitor, Report};
use pictify_keys::Error;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyFloat, PyInt, PyString};

use crate::audit::PyAuditEvent;
use crate::error::to_pyerr;
use crate::json::to_json;
use crate::shape::{Fields, PyRecord};

/// One alert: `id` (shared by its start, updates and end), `kind` (`auth_failure_burst`, …),
/// `severity`, `key_id`, `open`, `start`/`end` (UTC, RFC 3339), `windows`, `observed`,
/// `expected`, `detail`, `events`, `top_ips`/`top_networks`/`top_user_agents`/
/// `top_endpoints` (`[value, count]` pairs), `evidence` (`{source, line}` dicts), `action`
/// (what to do) and `locations`.
#[pyclass(name = "Alert", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyAlert;

/// An alert's lifecycle step: `phase` (`start`, `update` or `end`) and `alert` (an `Alert`).
#[pyclass(name = "AlertUpdate", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyAlertUpdate;

/// Usage of one key: `key_id`, `name`, `requests`, `status_2xx` … `status_5xx`,
/// `auth_failures`, `rate_limited`, `errors`, `error_rate`, `first_seen`, `last_seen`,
/// `distinct_ips`, `distinct_networks`, top lists, `endpoints`, `hour_of_week`, `timeline`,
/// `learning`, `configured`.
#[pyclass(name = "KeyUsage", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyKeyUsage;

/// The monitor's report: `lines`, `events`, `window_minutes`, `issues` (dicts: `code`,
/// `message`, `count`, `lines`), `keys` (`KeyUsage`) and `alerts` (`Alert`).
#[pyclass(name = "MonitorReport", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyMonitorReport;

fn alert_update_to_py(py: Python<'_>, u: &AlertUpdate) -> PyResult<Py<PyAlertUpdate>> {
    let alert = Fields::of(py, &u.alert)?.into_py(PyAlert)?;
    Fields::of(py, u)?
        .with("alert", alert)?
        .into_py(PyAlertUpdate)
}

fn report_to_py(py: Python<'_>, r: &Report) -> PyResult<Py<PyMonitorReport>> {
    let keys = r
        .keys
        .iter()
        .map(|k| {
            Fields::of(py, k)?
                .quiet(&["hour_of_week", "timeline"])
                .into_py(PyKeyUsage)
        })
        .collect::<PyResult<Vec<_>>>()?;
    let alerts = r
        .alerts
        .iter()
        .map(|a| Fields::of(py, a)?.into_py(PyAlert))
        .collect::<PyResult<Vec<_>>>()?;
    Fields::of(py, r)?
        .with("keys", keys)?
        .with("alerts", alerts)?
        .into_py(PyMonitorReport)
}

/// The usage monitor in process: per-key usage and the detectors of `pictify-keys audit`
/// (401/403 and 429 bursts, spikes, networks, business hours, …) over events handed over
/// as they happen.
#[pyclass(name = "Monitor", module = "pictify_keys", frozen)]
pub(crate) struct PyMonitor {
    pub(crate) inner: LiveMonitor,
    on_alert: Option<Py<PyAny>>,
    /// Updates taken from the core but not handed out yet: what a raising callback left.
    pending: Mutex<Vec<AlertUpdate>>,
}

impl PyMonitor {
    fn pending(&self) -> std::sync::MutexGuard<'_, Vec<AlertUpdate>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Hands new alert updates to `on_alert`, if set, in order. If the callback raises, the
    /// updates not delivered yet are kept for the next delivery (or `poll()`) and the
    /// exception propagates.
    pub(crate) fn deliver(&self, py: Python<'_>) -> PyResult<()> {
        let Some(callback) = &self.on_alert else {
            return Ok(());
        };
        let mut queue = std::mem::take(&mut *self.pending());
        queue.extend(self.inner.poll());
        let mut updates = queue.into_iter();
        while let Some(update) = updates.next() {
            let result = alert_update_to_py(py, &update)
                .and_then(|obj| callback.bind(py).call1((obj,)).map(drop));
            if let Err(e) = result {
                let mut pending = self.pending();
                let later = std::mem::take(&mut *pending);
                pending.extend(updates);
                pending.extend(later);
                return Err(e);
            }
        }
        Ok(())
    }
}

/// Seconds since the Unix epoch from a number or an aware `datetime`.
fn unix_secs(now: &Bound<'_, PyAny>) -> PyResult<i64> {
    let py = now.py();
    let secs: f64 = if now.is_instance_of::<PyFloat>() || now.is_instance_of::<PyInt>() {
        now.extract()?
    } else if now.hasattr("tzinfo")? && now.hasattr("timestamp")? {
        if now.getattr("tzinfo")?.is_none() {
            return Err(to_pyerr(
                py,
                Error::invalid_argument(
                    "now must be a datetime with a time zone (tzinfo), seconds since the epoch, or None",
                ),
            ));
        }
        now.call_method0("timestamp")?.extract()?
    } else {
        return Err(to_pyerr(
            py,
            Error::invalid_argument("now must be a datetime, seconds since the epoch, or None"),
        ));
    };
    if !secs.is_finite() || secs.abs() > 1e15 {
        return Err(to_pyerr(
            py,
            Error::invalid_argument("now must be a finite number of seconds since the epoch"),
        ));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(secs.floor() as i64)
}

#[pymethods]
impl PyMonitor {
    /// `config`: the monitor's TOML as text (`str`), a path to it (`pathlib.Path` or any
    /// `os.PathLike`), or `None` for the defaults. A key anywhere in it raises
    /// `PictifyInputError` `config_contains_secret`; a malformed file `config_invalid`.
    /// `on_alert` is called with each `AlertUpdate` after `feed`, `advance` and client
    /// requests, in the calling thread.
    #[new]
    #[pyo3(signature = (config = None, *, on_alert = None))]
    fn new(
        py: Python<'_>,
        config: Option<&Bound<'_, PyAny>>,
        on_alert: Option<Py<PyAny>>,
    ) -> PyResult<Self> {
        let text = match config {
            None => None,
            Some(c) if c.is_instance_of::<PyString>() => Some(c.extract::<String>()?),
            Some(c) => {
                let path: PathBuf = c.extract()?;
                Some(std::fs::read_to_string(path)?)
            }
        };
        let inner = match text {
            None => LiveMonitor::new(pictify_keys::monitor::Config::default()),
            Some(t) => LiveMonitor::from_toml(&t).map_err(|e| to_pyerr(py, e))?,
        };
        if let Some(cb) = &on_alert {
            if !cb.bind(py).is_callable() {
                return Err(to_pyerr(
                    py,
                    Error::invalid_argument("on_alert must be callable"),
                ));
            }
        }
        Ok(Self {
            inner,
            on_alert,
            pending: Mutex::new(Vec::new()),
        })
    }

    /// Feeds one event: an `AuditEvent`, a dict in the audit-log shape (`timestamp` as RFC
    /// 3339 text, `keyId`, `status`, optional `endpoint`, `method`, `ip`, `userAgent`) or one
    /// JSON line of an audit log (`str` or `bytes`). A line or dict the log reader refuses is
    /// counted under its issue code in the report (never echoed), as `pictify-keys audit`
    /// does.
    fn feed(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<()> {
        if let Ok(e) = event.cast::<PyAuditEvent>() {
            self.inner.feed(&e.get().inner);
        } else if let Ok(s) = event.cast::<PyString>() {
            self.inner.feed_line(s.to_cow()?.as_bytes());
        } else if let Ok(b) = event.cast::<PyBytes>() {
            self.inner.feed_line(b.as_bytes());
        } else if event.is_instance_of::<PyDict>() {
            let line = serde_json::to_vec(&to_json(event, 0)?).map_err(|_| {
                to_pyerr(
                    py,
                    Error::invalid_argument("the event cannot be written as JSON"),
                )
            })?;
            self.inner.feed_line(&line);
        } else {
            return Err(to_pyerr(
                py,
                Error::invalid_argument("event must be an AuditEvent, a dict, or a JSON line"),
            ));
        }
        self.deliver(py)
    }

    /// Closes the windows that ended before `now` (a number of seconds since the epoch, an
    /// aware `datetime`, or `None` for the current time) minus the re-order grace: call it
    /// from a timer so a quiet app still sees its alerts start and end.
    #[pyo3(signature = (now = None))]
    fn advance(&self, py: Python<'_>, now: Option<&Bound<'_, PyAny>>) -> PyResult<()> {
        let secs = match now {
            None => pictify_keys::world::unix_millis_now().div_euclid(1000),
            Some(n) => unix_secs(n)?,
        };
        self.inner.advance_to(secs);
        self.deliver(py)
    }

    /// Alert updates (start, update, end) since the last poll, in order. With `on_alert`
    /// set they go to the callback instead, and this returns only what a raising callback
    /// left undelivered.
    fn poll(&self, py: Python<'_>) -> PyResult<Vec<Py<PyAlertUpdate>>> {
        let mut updates = std::mem::take(&mut *self.pending());
        updates.extend(self.inner.poll());
        updates.iter().map(|u| alert_update_to_py(py, u)).collect()
    }

    /// The report so far (usage per key, alerts of the windows closed so far), without
    /// ending the stream.
    fn report(&self, py: Python<'_>) -> PyResult<Py<PyMonitorReport>> {
        report_to_py(py, &self.inner.snapshot())
    }

    /// Ends the stream so far: judges every window up to the newest event's (as
    /// `pictify-keys audit` does at the end of a file), hands the resulting alert updates to
    /// `on_alert`, and returns the report.
    fn finish(&self, py: Python<'_>) -> PyResult<Py<PyMonitorReport>> {
        let report = self.inner.finish();
        self.deliver(py)?;
        report_to_py(py, &report)
    }

    fn __repr__(&self) -> String {
        let r = self.inner.snapshot();
        format!(
            "Monitor(events={}, keys={}, alerts={})",
            r.events,
            r.keys.len(),
            r.alerts.len()
        )
    }
}
