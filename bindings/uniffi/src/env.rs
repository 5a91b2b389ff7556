//! Environment detection from a variable map and the key/environment policy.
//!
//! The shapes are the core's own types, declared to UniFFI here with `#[uniffi::remote]`
//! (the definitions below must match the core's field for field; the compiler checks it):
//! no mirror type and no conversion.

use std::collections::HashMap;
use std::sync::Arc;

use pictify_keys as core;
pub use pictify_keys::{Allowed, Detection, Environment, Policy, Warning};

use crate::error::PictifyError;
use crate::key::{ApiKey, Mode};

/// A deployment environment.
#[uniffi::remote(Enum)]
pub enum Environment {
    /// Serving real users.
    Production,
    /// Pre-production: staging, QA, preview deployments.
    Staging,
    /// A developer's machine.
    Development,
    /// Automated tests and CI.
    Test,
    /// No variable said where this runs.
    Unknown,
}

/// The parsed name of an environment (`production`, `staging`, `development`, `test`,
/// `unknown`), or null for any other text.
#[uniffi::export]
pub fn environment_from_name(name: String) -> Option<Environment> {
    core::Environment::from_name(&name)
}

/// The detected environment and the evidence for it.
#[uniffi::remote(Record)]
pub struct Detection {
    /// The environment.
    pub environment: Environment,
    /// The variable that decided it (null when unknown or stated explicitly).
    #[uniffi(default = None)]
    pub variable: Option<String>,
    /// That variable's value (only recognised values are recorded).
    #[uniffi(default = None)]
    pub value: Option<String>,
}

/// What the environment check allows. The default is strict; relaxing is always explicit.
#[uniffi::remote(Record)]
pub struct Policy {
    /// Allow a live key in development, test and staging. Off by default.
    #[uniffi(default = false)]
    pub allow_live_outside_production: bool,
    /// Allow a test key in production. Off by default.
    #[uniffi(default = false)]
    pub allow_test_in_production: bool,
}

/// A reason to warn although the key is allowed.
#[uniffi::remote(Enum)]
pub enum Warning {
    /// No variable said where this runs, so the policy could not be applied.
    UnknownEnvironment,
    /// The policy was relaxed by the caller and that relaxation let this key through.
    RelaxedPolicy,
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

/// A key allowed where it runs, possibly with a warning to show the user.
#[uniffi::remote(Record)]
pub struct Allowed {
    /// Why the check could not fully vouch for the key, if it could not.
    pub warning: Option<Warning>,
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
