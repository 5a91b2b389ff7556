//! Environment detection from a variable map and the key/environment policy.

use std::collections::HashMap;
use std::sync::Arc;

use pictify_keys as core;

use crate::error::PictifyError;
use crate::key::{ApiKey, Mode};

/// A deployment environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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

impl From<core::Environment> for Environment {
    fn from(e: core::Environment) -> Self {
        match e {
            core::Environment::Production => Self::Production,
            core::Environment::Staging => Self::Staging,
            core::Environment::Development => Self::Development,
            core::Environment::Test => Self::Test,
            core::Environment::Unknown => Self::Unknown,
        }
    }
}

impl From<Environment> for core::Environment {
    fn from(e: Environment) -> Self {
        match e {
            Environment::Production => Self::Production,
            Environment::Staging => Self::Staging,
            Environment::Development => Self::Development,
            Environment::Test => Self::Test,
            Environment::Unknown => Self::Unknown,
        }
    }
}

/// The parsed name of an environment (`production`, `staging`, `development`, `test`,
/// `unknown`), or null for any other text.
#[uniffi::export]
pub fn environment_from_name(name: String) -> Option<Environment> {
    core::Environment::from_name(&name).map(Into::into)
}

/// The detected environment and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
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

impl From<core::Detection> for Detection {
    fn from(d: core::Detection) -> Self {
        Self {
            environment: d.environment.into(),
            variable: d.variable,
            value: d.value,
        }
    }
}

impl From<Detection> for core::Detection {
    fn from(d: Detection) -> Self {
        Self {
            environment: d.environment.into(),
            variable: d.variable,
            value: d.value,
        }
    }
}

/// What the environment check allows. The default is strict; relaxing is always explicit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, uniffi::Record)]
pub struct Policy {
    /// Allow a live key in development, test and staging. Off by default.
    #[uniffi(default = false)]
    pub allow_live_outside_production: bool,
    /// Allow a test key in production. Off by default.
    #[uniffi(default = false)]
    pub allow_test_in_production: bool,
}

impl From<Policy> for core::Policy {
    fn from(p: Policy) -> Self {
        Self {
            allow_live_outside_production: p.allow_live_outside_production,
            allow_test_in_production: p.allow_test_in_production,
        }
    }
}

/// A reason to warn although the key is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Warning {
    /// No variable said where this runs, so the policy could not be applied.
    UnknownEnvironment,
    /// The policy was relaxed by the caller and that relaxation let this key through.
    RelaxedPolicy,
}

impl From<core::Warning> for Warning {
    fn from(w: core::Warning) -> Self {
        match w {
            core::Warning::UnknownEnvironment => Self::UnknownEnvironment,
            core::Warning::RelaxedPolicy => Self::RelaxedPolicy,
        }
    }
}

impl From<Warning> for core::Warning {
    fn from(w: Warning) -> Self {
        match w {
            Warning::UnknownEnvironment => Self::UnknownEnvironment,
            Warning::RelaxedPolicy => Self::RelaxedPolicy,
        }
    }
}

#[uniffi::export]
impl Warning {
    /// The stable code: `unknown_environment` or `relaxed_policy`.
    pub fn code(&self) -> String {
        core::Warning::from(*self).code().to_owned()
    }

    /// A one-line explanation.
    pub fn message(&self) -> String {
        core::Warning::from(*self).message().to_owned()
    }
}

/// A key allowed where it runs, possibly with a warning to show the user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Allowed {
    /// Why the check could not fully vouch for the key, if it could not.
    pub warning: Option<Warning>,
}

impl From<core::Allowed> for Allowed {
    fn from(a: core::Allowed) -> Self {
        Self {
            warning: a.warning.map(Into::into),
        }
    }
}

/// Detects the deployment environment from a map of variables (the process environment,
/// a parsed `.env` file, a test fixture). Nothing else is read.
#[uniffi::export]
pub fn detect_environment(variables: HashMap<String, String>) -> Detection {
    core::detect_environment(&variables).into()
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
    Ok(core::check_environment(&key.inner, &detection.into(), policy.into())?.into())
}

/// `check_environment` for a mode alone.
#[uniffi::export]
pub fn check_mode(
    mode: Mode,
    detection: Detection,
    policy: Policy,
) -> Result<Allowed, PictifyError> {
    Ok(core::check_mode(mode.into(), &detection.into(), policy.into())?.into())
}
