//! The whole "is my key OK here?" check over the key variables.

use std::collections::HashMap;

use napi_derive::napi;

use crate::env::{Detection, Policy};

/// The verdict for one key variable.
#[napi(object)]
pub struct KeyCheck {
    /// Where the key came from, e.g. `env:PICTIFY_API_KEY`.
    pub source: String,
    /// The variable name.
    pub variable: String,
    /// The fingerprint, when the key is well-formed.
    pub fingerprint: Option<String>,
    /// The mode, when the key is well-formed.
    #[napi(ts_type = "'live' | 'test' | null")]
    pub mode: Option<String>,
    /// `allowed`, `warning`, `refused` or `malformed`.
    #[napi(ts_type = "'allowed' | 'warning' | 'refused' | 'malformed'")]
    pub verdict: String,
    /// The stable code of the error or warning, if any.
    pub code: Option<String>,
    /// Its message, if any.
    pub message: Option<String>,
}

/// The overall problem of a report.
#[napi(object)]
pub struct CheckProblem {
    /// The stable code (`no_key`, a key format code or a policy code).
    pub code: String,
    /// `format`, `environment` or `source`.
    pub family: String,
    /// The message.
    pub message: String,
}

/// The result of checking every key variable.
#[napi(object)]
pub struct CheckReport {
    /// The environment the keys were checked against.
    pub detection: Detection,
    /// One entry per key variable that is set, in priority order.
    pub keys: Vec<KeyCheck>,
    /// The overall error, if any.
    pub error: Option<CheckProblem>,
    /// 0 all allowed, 1 a policy violation, 2 a malformed key or no key.
    pub exit_status: i32,
}

/// Checks `PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY` and `PICTIFY_API_KEY_OLD` in `env`
/// (default `process.env`). `sourcePrefix` (default `env`) names where the variables come
/// from (`env-file:.env` for a parsed file);
/// `detection` overrides environment detection when given.
#[napi(js_name = "checkKeys")]
pub fn check_keys(
    #[napi(ts_arg_type = "Record<string, string | undefined>")] env: Option<
        HashMap<String, String>,
    >,
    source_prefix: Option<String>,
    #[napi(ts_arg_type = "Detection | EnvironmentName")] detection: Option<Detection>,
    policy: Option<Policy>,
) -> napi::Result<CheckReport> {
    let detection = detection.map(|d| d.to_core()).transpose()?;
    let report = pictify_keys::check_keys(
        &env.unwrap_or_default(),
        source_prefix.as_deref().unwrap_or("env"),
        detection,
        crate::env::core_policy(policy),
    );
    let error = report.error().map(|e| CheckProblem {
        code: e.code().to_owned(),
        family: e.family().as_str().to_owned(),
        message: e.to_string(),
    });
    let exit_status = report.exit_status();
    let keys = report
        .keys
        .into_iter()
        .map(|k| KeyCheck {
            source: k.source,
            variable: k.variable.to_owned(),
            fingerprint: k.key.as_ref().map(|(f, _)| f.clone()),
            mode: k.key.as_ref().map(|(_, m)| m.as_str().to_owned()),
            verdict: k.verdict.as_str().to_owned(),
            code: k.verdict.code().map(str::to_owned),
            message: k.verdict.message(),
        })
        .collect();
    Ok(CheckReport {
        detection: report.detection.into(),
        keys,
        error,
        exit_status,
    })
}
