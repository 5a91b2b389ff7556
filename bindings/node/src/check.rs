//! The whole "is my key OK here?" check over the key variables; the report is the core's
//! shape (`CheckReport` in packages/shapes.d.ts).

use std::collections::HashMap;

use napi_derive::napi;

use crate::env::{Detection, Policy};

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
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<serde_json::Value> {
    let detection = detection.map(|d| d.to_core()).transpose()?;
    let report = pictify_keys::check_keys(
        &env.unwrap_or_default(),
        source_prefix.as_deref().unwrap_or("env"),
        detection,
        crate::env::core_policy(policy),
    );
    Ok(crate::to_js(&report))
}
