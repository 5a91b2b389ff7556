//! Python bindings of the pictify-keys core, imported as `pictify_keys._native`.
//!
//! This crate converts types and errors and holds no rule of its own: every decision is made
//! by the core. One file per core concept (`key`, `error`, `env`, `check`, `dotenv`, …); the
//! idiomatic Python layer (exception classes, logging filter, typing stubs) lives in
//! `packages/python`.

mod audit;
mod check;
mod dotenv;
mod env;
mod error;
mod http;
mod json;
mod key;
mod monitor;
mod redact;
mod ring;
mod shape;
mod source;
mod text;

/// The native module. Importing it reads nothing and prints nothing.
#[pyo3::pymodule]
mod _native {
    use pyo3::prelude::*;

    #[pymodule_export]
    use crate::audit::PyAuditEvent;
    #[pymodule_export]
    use crate::check::{check_keys, PyCheckReport, PyKeyCheck};
    #[pymodule_export]
    use crate::dotenv::PyDotEnv;
    #[pymodule_export]
    use crate::env::{check_environment, check_mode, detect_environment};
    #[pymodule_export]
    use crate::env::{PyAllowed, PyDetection, PyPolicy, PyWarning};
    #[pymodule_export]
    use crate::http::{PyApiResponse, PyClient, PyImage, PyImages};
    #[pymodule_export]
    use crate::key::PyApiKey;
    #[pymodule_export]
    use crate::monitor::{PyAlert, PyAlertUpdate, PyKeyUsage, PyMonitor, PyMonitorReport};
    #[pymodule_export]
    use crate::redact::{is_sensitive_field, redact, redact_bytes, redact_json, redact_triggers};
    #[pymodule_export]
    use crate::ring::{PyAttempt, PyDecision, PyKeyRing, PyKeyStats};
    #[pymodule_export]
    use crate::ring::{PyManualClock, PyRequestState, PyRingConfig};
    #[pymodule_export]
    use crate::source::{load_keys, PyLoadedKeys, PyShadowedKey, PySourcedKey};

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        m.add("BODY_MIN", pictify_keys::BODY_MIN)?;
        m.add("BODY_MAX", pictify_keys::BODY_MAX)?;
        m.add("KEY_VARIABLES", pictify_keys::KEY_VARIABLES.to_vec())
    }
}
