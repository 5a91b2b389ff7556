//! Environment detection from a variable map and the key/environment policy.
//!
//! The shapes (`Environment`, `Detection`, `Policy`, `Warning`, `Allowed`) are the core's own
//! types, which derive UniFFI under the core's `uniffi` feature: no mirror, no conversion.

use std::collections::HashMap;
use std::sync::Arc;

use pictify_keys as core;
pub use pictify_keys::{Allowed, Detection, Environment, Policy, Warning};

use crate::error::PictifyError;
use crate::key::{ApiKey, Mode};

/// The parsed name of an environment (`production`, `staging`, `development`, `test`,
/// `unknown`), or null for any other text.
#[uniffi::export]
pub fn environment_from_name(name: String) -> Option<Environment> {
    core::Environment::from_name(&name)
}

/// The warning's stable code: `unknown_environment` or `relaxed_policy` (Kotlin and Swift
/// call it as `warning.code()`, an extension in the package).
#[uniffi::export]
pub fn warning_code(warning: Warning) -> String {
    warning.code().to_owned()
}

/// The warning's one-line explanation (`warning.message()` in Kotlin and Swift).
#[uniffi::export]
pub fn warning_message(warning: Warning) -> String {
    warning.message().to_owned()
}

/// Detects the deployment environment from a map of variables (the process environment,
/// a parsed `.env` file, a test fixture). Nothing else is read.
#[uniffi::export]
pub fn detect_environment(variables: HashMap<String, String>) -> Detection {
    core::detect_environment(&variables)
}

/// Checks that the key's mode fits the environment: a live key only in production, a test
/// key anywhere but production; an unknown environment is allowed with a warning. Throws an
/// `Environment` error (`live_key_in_development`, `test_key_in_production`) otherwise.
#[uniffi::export]
pub fn check_environment(
    key: Arc<ApiKey>,
    detection: Detection,
    policy: Policy,
) -> Result<Allowed, PictifyError> {
    Ok(core::check_environment(&key.inner, &detection, policy)?)
}

/// `check_environment` for a mode alone.
#[uniffi::export]
pub fn check_mode(
    mode: Mode,
    detection: Detection,
    policy: Policy,
) -> Result<Allowed, PictifyError> {
    Ok(core::check_mode(mode, &detection, policy)?)
}
