//! The whole "is my key OK here?" check over the key variables; the report is the core's
//! shape (`CheckReport` in packages/shapes.d.ts). A secret reference is resolved with the
//! settings in `env` (`checkKeys` blocks while it fetches, `checkKeysAsync` does not).

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::CheckReport;
use serde_json::Value;

/// The check these arguments ask for, to run here or on a worker thread.
fn checker(
    env: Option<HashMap<String, String>>,
    source_prefix: Option<String>,
    detection: Option<Value>,
    policy: Option<Value>,
) -> napi::Result<impl FnOnce() -> CheckReport + Send + 'static> {
    let env = env.unwrap_or_default();
    let prefix = source_prefix.unwrap_or_else(|| "env".to_owned());
    let (detection, policy) = (
        crate::env::detection(detection)?,
        crate::env::policy(policy),
    );
    Ok(move || {
        let resolver = pictify_keys::secrets::CachingResolver::native_for(&env);
        pictify_keys::check_keys_with(&env, &prefix, detection, policy, Some(&resolver))
    })
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
    Ok(crate::to_js(&checker(
        env,
        source_prefix,
        detection,
        policy,
    )?()))
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
    let check = checker(env, source_prefix, detection, policy)?;
    Ok(crate::to_js(&crate::source::off_thread(check).await?))
}
