//! Python bindings of the pictify-keys core, imported as `pictify_keys._native`.
//!
//! This crate converts types and errors and holds no rule of its own: every decision is made
//! by the core. One file per core concept (`key`, `error`, `env`, `check`, `dotenv`, …); the
//! idiomatic Python layer (exception classes, logging filter, typing stubs) lives in
//! `packages/python`.

use pyo3::prelude::*;

mod audit;
mod check;
mod dotenv;
mod env;
mod error;
mod http;
mod json;
mod key;
mod redact;
mod ring;
mod shape;
mod source;
mod text;

/// The native module. Importing it reads nothing and prints nothing.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("BODY_MIN", pictify_keys::BODY_MIN)?;
    m.add("BODY_MAX", pictify_keys::BODY_MAX)?;
    m.add("KEY_VARIABLES", pictify_keys::KEY_VARIABLES.to_vec())?;
    m.add_class::<key::PyApiKey>()?;
    m.add_class::<env::PyDetection>()?;
    m.add_class::<env::PyPolicy>()?;
    m.add_class::<env::PyWarning>()?;
    m.add_class::<env::PyAllowed>()?;
    m.add_function(wrap_pyfunction!(env::detect_environment, m)?)?;
    m.add_function(wrap_pyfunction!(env::check_environment, m)?)?;
    m.add_function(wrap_pyfunction!(env::check_mode, m)?)?;
    m.add_class::<check::PyKeyCheck>()?;
    m.add_class::<check::PyCheckReport>()?;
    m.add_function(wrap_pyfunction!(check::check_keys, m)?)?;
    m.add_class::<dotenv::PyDotEnv>()?;
    m.add_class::<source::PySourcedKey>()?;
    m.add_class::<source::PyShadowedKey>()?;
    m.add_class::<source::PyLoadedKeys>()?;
    m.add_function(wrap_pyfunction!(source::load_keys, m)?)?;
    m.add_class::<ring::PyRingConfig>()?;
    m.add_class::<ring::PyManualClock>()?;
    m.add_class::<ring::PyKeyStats>()?;
    m.add_class::<ring::PyRequestState>()?;
    m.add_class::<ring::PyAttempt>()?;
    m.add_class::<ring::PyDecision>()?;
    m.add_class::<ring::PyKeyRing>()?;
    m.add_function(wrap_pyfunction!(redact::redact, m)?)?;
    m.add_function(wrap_pyfunction!(redact::redact_bytes, m)?)?;
    m.add_function(wrap_pyfunction!(redact::redact_json, m)?)?;
    m.add_function(wrap_pyfunction!(redact::redact_triggers, m)?)?;
    m.add_function(wrap_pyfunction!(redact::is_sensitive_field, m)?)?;
    m.add_class::<audit::PyAuditEvent>()?;
    m.add_class::<http::PyClient>()?;
    m.add_class::<http::PyImages>()?;
    m.add_class::<http::PyImage>()?;
    m.add_class::<http::PyApiResponse>()?;
    Ok(())
}
