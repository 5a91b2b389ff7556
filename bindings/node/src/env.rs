//! Environment detection and the key/environment policy.

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::{Environment, Mode};

use crate::error;
use crate::key::KeyArg;

/// The detected deployment environment and the variable that decided it.
#[napi(object)]
#[derive(Clone)]
pub struct Detection {
    /// `production`, `staging`, `development`, `test` or `unknown`.
    #[napi(ts_type = "EnvironmentName")]
    pub environment: String,
    /// The variable that decided (`null` when unknown).
    pub variable: Option<String>,
    /// That variable's (trimmed) value.
    pub value: Option<String>,
}

impl From<pictify_keys::Detection> for Detection {
    fn from(d: pictify_keys::Detection) -> Self {
        Self {
            environment: d.environment.as_str().to_owned(),
            variable: d.variable,
            value: d.value,
        }
    }
}

impl Detection {
    /// Back to the core type; an unknown environment name is an `invalid_argument` error.
    pub(crate) fn to_core(&self) -> napi::Result<pictify_keys::Detection> {
        let environment = Environment::from_name(&self.environment).ok_or_else(|| {
            error::invalid_argument(format!(
                "unknown environment '{}': use production, staging, development, test or unknown",
                self.environment
            ))
        })?;
        Ok(pictify_keys::Detection {
            environment,
            variable: self.variable.clone(),
            value: self.value.clone(),
        })
    }
}

/// The JavaScript layer always passes a detection; `unknown` when absent.
fn core_detection(d: Option<Detection>) -> napi::Result<pictify_keys::Detection> {
    d.map_or_else(|| Ok(pictify_keys::Detection::unknown()), |d| d.to_core())
}

/// Relaxations of the strict default policy; both off unless set.
#[napi(object)]
#[derive(Clone, Default)]
pub struct Policy {
    /// Allow a live key in development, test and staging.
    pub allow_live_outside_production: Option<bool>,
    /// Allow a test key in production.
    pub allow_test_in_production: Option<bool>,
}

/// The core policy for an optional JavaScript policy object (strict when absent).
pub(crate) fn core_policy(p: Option<Policy>) -> pictify_keys::Policy {
    let p = p.unwrap_or_default();
    pictify_keys::Policy {
        allow_live_outside_production: p.allow_live_outside_production.unwrap_or(false),
        allow_test_in_production: p.allow_test_in_production.unwrap_or(false),
    }
}

/// A reason to warn although the key is allowed.
#[napi(object)]
pub struct Warning {
    /// `unknown_environment` or `relaxed_policy`.
    #[napi(ts_type = "'unknown_environment' | 'relaxed_policy'")]
    pub code: String,
    /// A one-line explanation.
    pub message: String,
}

impl From<pictify_keys::Warning> for Warning {
    fn from(w: pictify_keys::Warning) -> Self {
        Self {
            code: w.code().to_owned(),
            message: w.message().to_owned(),
        }
    }
}

/// A key allowed where it runs, possibly with a warning.
#[napi(object)]
pub struct Allowed {
    /// Why the check could not fully vouch for the key, if it could not.
    pub warning: Option<Warning>,
}

impl From<pictify_keys::Allowed> for Allowed {
    fn from(a: pictify_keys::Allowed) -> Self {
        Self {
            warning: a.warning.map(Warning::from),
        }
    }
}

/// Detects the deployment environment from a map of variables (default `process.env`;
/// nothing else is read).
#[napi(js_name = "detectEnvironment")]
pub fn detect_environment(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
) -> Detection {
    pictify_keys::detect_environment(&env.unwrap_or_default()).into()
}

/// Checks that `key`'s mode fits `detection` (default: `detectEnvironment(process.env)`)
/// under `policy` (default strict); throws an `EnvironmentError`
/// (`live_key_in_development`, `test_key_in_production`) when it does not.
#[napi(js_name = "checkEnvironment")]
pub fn check_environment(
    #[napi(ts_arg_type = "ApiKey")] key: KeyArg,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<Allowed> {
    pictify_keys::check_environment(key.key(), &core_detection(detection)?, core_policy(policy))
        .map(Allowed::from)
        .map_err(|e| error::from_core(&e.into()))
}

/// [`check_environment`] for a mode alone (`"live"` or `"test"`).
#[napi(js_name = "checkMode")]
pub fn check_mode(
    #[napi(ts_arg_type = "'live' | 'test'")] mode: String,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<Allowed> {
    let mode = match mode.as_str() {
        "live" => Mode::Live,
        "test" => Mode::Test,
        other => {
            return Err(error::invalid_argument(format!(
                "unknown mode '{other}': use 'live' or 'test'"
            )))
        }
    };
    pictify_keys::check_mode(mode, &core_detection(detection)?, core_policy(policy))
        .map(Allowed::from)
        .map_err(|e| error::from_core(&e.into()))
}
