//! The whole "is my key OK here?" check over the key variables; the report is the core's
//! shape (`CheckReport` in packages/shapes.d.ts).

use std::collections::HashMap;

use napi_derive::napi;
use serde_json::Value;

/// Checks `PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY` and `PICTIFY_API_KEY_OLD` in `env`
/// (default `process.env`). `sourcePrefix` (default `env`) names where the variables come
/// from (`env-file:.env` for a parsed file);
/// `detection` overrides environment detection when given.
#[napi(js_name = "checkKeys", ts_return_type = "CheckReport")]
pub fn check_keys(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
    source_prefix: Option<String>,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Value>,
    #[napi(ts_arg_type = "Policy | null")] policy: Option<Value>,
) -> napi::Result<serde_json::Value> {
    let report = pictify_keys::check_keys(
        &env.unwrap_or_default(),
        source_prefix.as_deref().unwrap_or("env"),
        crate::env::detection(detection)?,
        crate::env::policy(policy),
    );
    Ok(crate::to_js(&report))
}
