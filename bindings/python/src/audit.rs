//! `AuditEvent`: the documented audit record, which never carries a secret.

use pictify_keys::audit::{AuditEvent, KeyRef, Timestamp};
use pyo3::prelude::*;

use crate::error::to_pyerr;
use crate::key::PyApiKey;
use crate::shape::{Fields, PyRecord};

/// One audited request, with the documented fields as attributes in snake_case (`timestamp`,
/// `action`, `key_id`, `endpoint`, `method`, `status`, `ip`, `user_agent`): `key_id` is the
/// key's ID or fingerprint; text fields are redacted.
#[pyclass(name = "AuditEvent", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyAuditEvent {
    pub(crate) inner: AuditEvent,
}

#[pymethods]
impl PyAuditEvent {
    /// `key` is an `ApiKey` (recorded as its fingerprint) or a key ID from the dashboard;
    /// `timestamp_ms` is milliseconds since the Unix epoch (now when `None`).
    #[new]
    #[pyo3(signature = (*, action, key, endpoint, method, status, timestamp_ms = None, ip = None, user_agent = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        action: &str,
        key: &Bound<'_, PyAny>,
        endpoint: &str,
        method: &str,
        status: u16,
        timestamp_ms: Option<i64>,
        ip: Option<&str>,
        user_agent: Option<&str>,
    ) -> PyResult<Py<Self>> {
        let key_ref = match key.cast::<PyApiKey>() {
            Ok(k) => KeyRef::from_key(&k.get().inner),
            Err(_) => {
                let id: String = key.extract()?;
                KeyRef::from_id(&id).map_err(|e| to_pyerr(py, e))?
            }
        };
        let timestamp = timestamp_ms.map_or_else(Timestamp::now, Timestamp::from_unix_millis);
        let mut event = AuditEvent::new(timestamp, action, key_ref, endpoint, method, status);
        if let Some(ip) = ip {
            event = event.with_ip(ip);
        }
        if let Some(ua) = user_agent {
            event = event.with_user_agent(ua);
        }
        Fields::of(py, &event)?.into_py(Self { inner: event })
    }

    /// The event as one line of JSON in the documented shape.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The event as a dict in the documented shape (camelCase keys, in order).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        Ok(pythonize::pythonize(py, &self.inner)?)
    }

    /// Milliseconds since the Unix epoch.
    #[getter]
    fn timestamp_ms(&self) -> i64 {
        self.inner.timestamp().unix_millis()
    }
}
