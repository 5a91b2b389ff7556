//! The whole "is my key OK here?" check over a variable map, as `pictify-keys check` runs it.

use std::collections::HashMap;

use pictify_keys as core;
use zeroize::Zeroize;

// The flat key check and its verdict are the core's (`KeyCheckSummary`, `VerdictKind`),
// named `KeyCheck` and `Verdict` in Kotlin and Swift.
pub use pictify_keys::check::{KeyCheckSummary as KeyCheck, VerdictKind as Verdict};

use crate::env::{Detection, Policy};
use crate::error::PictifyError;

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
        Self {
            keys: r.keys.iter().map(core::KeyCheck::summary).collect(),
            error: r.error().map(PictifyError::from),
            exit_status: r.exit_status(),
            detection: r.detection,
        }
    }
}

/// Checks every key variable (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`) in `variables` against the environment detected from the same map,
/// or against `environment` when given. `source_prefix` names where the variables come from
/// (`env`, `env-file:.env`). A secret reference (`vault://secret/pictify#api_key`) is
/// resolved with the provider settings in `variables` (`VAULT_ADDR`, `VAULT_TOKEN`,
/// `AWS_REGION`, …); the key's origin is then the reference.
#[uniffi::export(default(source_prefix = "env", environment = None, policy = None))]
pub fn check_keys(
    mut variables: HashMap<String, String>,
    source_prefix: String,
    environment: Option<Detection>,
    policy: Option<Policy>,
) -> CheckReport {
    let resolver = core::secrets::CachingResolver::native_for(&variables);
    let report = core::check_keys_with(
        &variables,
        &source_prefix,
        environment,
        policy.unwrap_or_default(),
        Some(&resolver),
    );
    // The map holds key material: zero this copy once the core is done with it.
    variables.values_mut().for_each(Zeroize::zeroize);
    report.into()
}
