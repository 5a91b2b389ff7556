//! Environment detection and the key/environment policy.

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::{Environment, Mode};

use crate::error;
use crate::key::KeyArg;

/// A detection passed in (`Detection` in packages/shapes.d.ts, as `detectEnvironment`
/// returns it); `null` and absent fields are accepted.
#[napi(object, js_name = "DetectionInput")]
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

/// Detects the deployment environment from a map of variables (default `process.env`;
/// nothing else is read).
#[napi(js_name = "detectEnvironment", ts_return_type = "Detection")]
pub fn detect_environment(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
) -> serde_json::Value {
    crate::to_js(&pictify_keys::detect_environment(&env.unwrap_or_default()))
}

/// Checks that `key`'s mode fits `detection` (default: `detectEnvironment(process.env)`)
/// under `policy` (default strict); throws an `EnvironmentError`
/// (`live_key_in_development`, `test_key_in_production`) when it does not.
#[napi(js_name = "checkEnvironment", ts_return_type = "Allowed")]
pub fn check_environment(
    #[napi(ts_arg_type = "ApiKey")] key: KeyArg,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<serde_json::Value> {
    pictify_keys::check_environment(key.key(), &core_detection(detection)?, core_policy(policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| error::from_core(&e.into()))
}

/// [`check_environment`] for a mode alone (`"live"` or `"test"`).
#[napi(js_name = "checkMode", ts_return_type = "Allowed")]
pub fn check_mode(
    #[napi(ts_arg_type = "'live' | 'test'")] mode: String,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<serde_json::Value> {
    let mode = Mode::from_name(&mode).ok_or_else(|| {
        error::invalid_argument(format!("unknown mode '{mode}': use 'live' or 'test'"))
    })?;
    pictify_keys::check_mode(mode, &core_detection(detection)?, core_policy(policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| error::from_core(&e.into()))
}
