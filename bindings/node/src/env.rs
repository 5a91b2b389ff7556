//! Environment detection and the key/environment policy.

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::{input, Mode};
use serde_json::Value;

use crate::error;
use crate::key::KeyArg;

/// A detection argument (`Detection | EnvironmentName`; `null` or absent: none given).
pub(crate) fn detection(d: Option<Value>) -> napi::Result<Option<pictify_keys::Detection>> {
    input::detection(&d.unwrap_or_default()).map_err(|e| error::from_core(&e))
}

/// The JavaScript layer always passes a detection; `unknown` when absent.
fn core_detection(d: Option<Value>) -> napi::Result<pictify_keys::Detection> {
    Ok(detection(d)?.unwrap_or_else(pictify_keys::Detection::unknown))
}

/// A policy argument (`Policy`; strict when absent).
pub(crate) fn policy(p: Option<Value>) -> pictify_keys::Policy {
    input::policy(&p.unwrap_or_default())
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
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Value>,
    #[napi(ts_arg_type = "Policy | null")] policy: Option<Value>,
) -> napi::Result<serde_json::Value> {
    pictify_keys::check_environment(key.key(), &core_detection(detection)?, self::policy(policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| error::from_core(&e.into()))
}

/// [`check_environment`] for a mode alone (`"live"` or `"test"`).
#[napi(js_name = "checkMode", ts_return_type = "Allowed")]
pub fn check_mode(
    #[napi(ts_arg_type = "'live' | 'test'")] mode: String,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Value>,
    #[napi(ts_arg_type = "Policy | null")] policy: Option<Value>,
) -> napi::Result<serde_json::Value> {
    let mode = Mode::from_name(&mode).ok_or_else(|| {
        error::invalid_argument(format!("unknown mode '{mode}': use 'live' or 'test'"))
    })?;
    pictify_keys::check_mode(mode, &core_detection(detection)?, self::policy(policy))
        .map(|a| crate::to_js(&a))
        .map_err(|e| error::from_core(&e.into()))
}
