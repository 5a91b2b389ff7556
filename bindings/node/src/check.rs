//! The whole "is my key OK here?" check over the key variables; the report is the core's
//! shape (`CheckReport` in packages/shapes.d.ts). A secret reference is resolved with the
//! settings in `env` (`checkKeys` blocks while it fetches, `checkKeysAsync` does not).

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::{CheckReport, Detection, Policy};
use serde_json::Value;

/// The arguments of one check, read on the JavaScript thread.
struct CheckKeysTask {
    env: HashMap<String, String>,
    source_prefix: String,
    detection: Option<Detection>,
    policy: Policy,
}

impl CheckKeysTask {
    fn new(
        env: Option<HashMap<String, String>>,
        source_prefix: Option<String>,
        detection: Option<Value>,
        policy: Option<Value>,
    ) -> napi::Result<Self> {
        Ok(Self {
            env: env.unwrap_or_default(),
            source_prefix: source_prefix.unwrap_or_else(|| "env".to_owned()),
            detection: crate::env::detection(detection)?,
            policy: crate::env::policy(policy),
        })
    }

    fn run(&self) -> CheckReport {
        let resolver = crate::source::resolver(&self.env);
        pictify_keys::check_keys_with(
            &self.env,
            &self.source_prefix,
            self.detection.clone(),
            self.policy,
            Some(&resolver),
        )
    }
}

/// Checks `PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY` and `PICTIFY_API_KEY_OLD` in `env`
/// (default `process.env`). `sourcePrefix` (default `env`) names where the variables come
/// from (`env-file:.env` for a parsed file);
/// `detection` overrides environment detection when given. A secret reference is fetched
/// with the settings in `env` (`VAULT_ADDR`, `AWS_REGION`, …), blocking until it answers.
#[napi(js_name = "checkKeys", ts_return_type = "CheckReport")]
pub fn check_keys(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
    source_prefix: Option<String>,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Value>,
    #[napi(ts_arg_type = "Policy | null")] policy: Option<Value>,
) -> napi::Result<serde_json::Value> {
    let task = CheckKeysTask::new(env, source_prefix, detection, policy)?;
    Ok(crate::to_js(&task.run()))
}

/// `checkKeys` as a Promise: secret references are fetched on a worker thread, never
/// blocking the event loop.
#[napi(js_name = "checkKeysAsync", ts_return_type = "Promise<CheckReport>")]
pub async fn check_keys_async(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
    source_prefix: Option<String>,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Value>,
    #[napi(ts_arg_type = "Policy | null")] policy: Option<Value>,
) -> napi::Result<Value> {
    let task = CheckKeysTask::new(env, source_prefix, detection, policy)?;
    let report = napi::bindgen_prelude::spawn_blocking(move || task.run())
        .await
        .map_err(|_| {
            crate::error::from_core(&pictify_keys::Error::invalid_argument(
                "checkKeysAsync was cancelled",
            ))
        })?;
    Ok(crate::to_js(&report))
}
