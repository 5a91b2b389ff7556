//! The whole "is my key OK here?" check over a variable map, as `pictify-keys check` runs it.

use std::collections::HashMap;

use pictify_keys as core;
use zeroize::Zeroize;

use crate::env::{Detection, Policy};
use crate::error::PictifyError;
use crate::key::Mode;

/// The outcome for one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Verdict {
    /// Well-formed and allowed here.
    Allowed,
    /// Well-formed and allowed, with a warning (see `code`).
    Warning,
    /// Well-formed but refused by the environment policy (see `code`).
    Refused,
    /// Not a well-formed key (see `code`).
    Malformed,
}

/// One key variable and its verdict.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct KeyCheck {
    /// Where the key came from, e.g. `env:PICTIFY_API_KEY` (the core's `KeyCheck.origin`).
    pub origin: String,
    /// The variable name.
    pub variable: String,
    /// The fingerprint, when the key is well-formed.
    pub fingerprint: Option<String>,
    /// The mode, when the key is well-formed.
    pub mode: Option<Mode>,
    /// The verdict.
    pub verdict: Verdict,
    /// The stable code of the error or warning, if any.
    pub code: Option<String>,
    /// The message of the error or warning, if any.
    pub message: Option<String>,
}

/// The result of checking every key variable.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CheckReport {
    /// The environment the keys were checked against.
    pub detection: Detection,
    /// One entry per key variable that is set, in priority order (NEW, current, OLD).
    pub keys: Vec<KeyCheck>,
    /// The overall error: `no_key` when no key variable is set, else the first malformed
    /// key's error, else the first policy violation.
    pub error: Option<PictifyError>,
    /// Exit status for a command-line check: 0 all allowed, 1 a policy violation, 2 a
    /// malformed key or no key.
    pub exit_status: u8,
}

impl From<core::CheckReport> for CheckReport {
    fn from(r: core::CheckReport) -> Self {
        let error = r.error().map(PictifyError::from);
        let exit_status = r.exit_status();
        let keys = r
            .keys
            .into_iter()
            .map(|k| KeyCheck {
                verdict: match k.verdict {
                    core::Verdict::Allowed => Verdict::Allowed,
                    core::Verdict::AllowedWithWarning(_) => Verdict::Warning,
                    core::Verdict::Refused(_) => Verdict::Refused,
                    core::Verdict::Malformed(_) => Verdict::Malformed,
                },
                code: k.verdict.code().map(str::to_owned),
                message: k.verdict.message(),
                fingerprint: k.fingerprint,
                mode: k.mode,
                variable: k.variable.to_owned(),
                origin: k.origin,
            })
            .collect();
        Self {
            detection: r.detection,
            keys,
            error,
            exit_status,
        }
    }
}

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`) in `variables` against the environment detected from the same map,
/// or against `environment` when given. `source_prefix` names where the variables come from
/// (`env`, `env-file:.env`).
#[uniffi::export(default(source_prefix = "env", environment = None, policy = None))]
pub fn check_keys(
    mut variables: HashMap<String, String>,
    source_prefix: String,
    environment: Option<Detection>,
    policy: Option<Policy>,
) -> CheckReport {
    let report = core::check_keys(
        &variables,
        &source_prefix,
        environment,
        policy.unwrap_or_default(),
    );
    // The map holds key material: zero this copy once the core is done with it.
    variables.values_mut().for_each(Zeroize::zeroize);
    report.into()
}
