//! Deployment environment detection and the key/environment policy.
//!
//! Detection reads variables through [`EnvLookup`], so callers hand in a map (tests, wasm,
//! a Worker's `env` binding, a parsed `.env` file) or opt into the process environment with
//! [`ProcessEnv`]. Nothing here ever writes to the process environment.

use std::fmt;

use crate::key::{ApiKey, Mode};

pub use crate::world::{EnvLookup, ProcessEnv};

/// A deployment environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Environment {
    /// Serving real users.
    Production,
    /// Pre-production: staging, QA, preview deployments.
    Staging,
    /// A developer's machine.
    Development,
    /// Automated tests and CI.
    Test,
    /// No variable said where this runs.
    Unknown,
}

impl Environment {
    /// Lowercase name: `production`, `staging`, `development`, `test`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Production => "production",
            Self::Staging => "staging",
            Self::Development => "development",
            Self::Test => "test",
            Self::Unknown => "unknown",
        }
    }

    /// Parses the lowercase name given by [`Environment::as_str`].
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "production" => Self::Production,
            "staging" => Self::Staging,
            "development" => Self::Development,
            "test" => Self::Test,
            "unknown" => Self::Unknown,
            _ => return None,
        })
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The detected environment and the evidence for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Detection {
    /// The environment.
    pub environment: Environment,
    /// The variable that decided it (`None` when unknown).
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub variable: Option<String>,
    /// That variable's value. Only recognised values are recorded, never arbitrary text.
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub value: Option<String>,
}

impl Detection {
    /// A detection with no evidence.
    pub fn unknown() -> Self {
        Self {
            environment: Environment::Unknown,
            variable: None,
            value: None,
        }
    }

    /// An environment stated by the caller rather than detected (e.g. a `--environment` flag).
    pub fn explicit(environment: Environment) -> Self {
        Self {
            environment,
            variable: None,
            value: None,
        }
    }
}

/// General-purpose variables, in priority order, after the platform variables.
pub const GENERIC_VARIABLES: &[&str] = &[
    "PICTIFY_ENV",
    "APP_ENV",
    "ENVIRONMENT",
    "RAILS_ENV",
    "RACK_ENV",
    "NODE_ENV",
    "FLASK_ENV",
];

/// Web-framework debug switches, after the general-purpose variables: a truthy value
/// (`1`, `true`, `yes`) means development. `flask run --debug` sets `FLASK_DEBUG=1`;
/// `DJANGO_DEBUG` is the usual variable behind Django's `DEBUG` setting (the Python package
/// also reports a configured `settings.DEBUG = True` under this name). A false value is no
/// evidence: a debug switch that is off does not prove production.
pub const DEBUG_VARIABLES: &[&str] = &["FLASK_DEBUG", "DJANGO_DEBUG"];

/// Maps a general-purpose value (`prod`, `Development`, `qa`, `ci`…) to an environment: the
/// one vocabulary of environment names, read from `NODE_ENV` and the like and from `.env`
/// file names (`doctor::env_file_environment`).
pub(crate) fn generic_value(value: &str) -> Option<Environment> {
    Some(match value.trim().to_ascii_lowercase().as_str() {
        "production" | "prod" | "live" => Environment::Production,
        "staging" | "stage" | "preview" | "qa" | "uat" | "preprod" | "pre-production" => {
            Environment::Staging
        }
        "development" | "dev" | "develop" | "local" => Environment::Development,
        "test" | "testing" | "ci" => Environment::Test,
        _ => return None,
    })
}

/// Vercel: `VERCEL_ENV` is `production`, `preview` or `development`. A preview deployment
/// runs with `NODE_ENV=production` but is not production.
fn vercel_value(value: &str) -> Option<Environment> {
    Some(match value.trim() {
        "production" => Environment::Production,
        "preview" => Environment::Staging,
        "development" => Environment::Development,
        _ => return None,
    })
}

/// Netlify: `CONTEXT` is `production`, `deploy-preview`, `branch-deploy` or `dev`.
fn netlify_value(value: &str) -> Option<Environment> {
    Some(match value.trim() {
        "production" => Environment::Production,
        "deploy-preview" | "branch-deploy" => Environment::Staging,
        "dev" => Environment::Development,
        _ => return None,
    })
}

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "1" | "yes"
    )
}

/// Detects the deployment environment from variables.
///
/// Order: platform variables first (`VERCEL_ENV`, Netlify `CONTEXT`), then `PICTIFY_ENV`,
/// `APP_ENV`, `ENVIRONMENT`, `RAILS_ENV`, `RACK_ENV`, `NODE_ENV`, `FLASK_ENV`, then the
/// framework debug switches `FLASK_DEBUG` and `DJANGO_DEBUG` (truthy means development),
/// then `CI` (a truthy `CI` means test). A variable with an unrecognised value is skipped; with no evidence the
/// result is [`Environment::Unknown`].
///
/// ```
/// use pictify_keys::{detect_environment, Environment};
///
/// let env = [("VERCEL_ENV", "preview"), ("NODE_ENV", "production")];
/// let detected = detect_environment(&env[..]);
/// assert_eq!(detected.environment, Environment::Staging);
/// assert_eq!(detected.variable.as_deref(), Some("VERCEL_ENV"));
/// ```
pub fn detect_environment(lookup: &(impl EnvLookup + ?Sized)) -> Detection {
    let found = |name: &str, environment: Environment, value: &str| Detection {
        environment,
        variable: Some(name.to_owned()),
        value: Some(value.trim().to_owned()),
    };
    if let Some(v) = lookup.get("VERCEL_ENV") {
        if let Some(e) = vercel_value(&v) {
            return found("VERCEL_ENV", e, &v);
        }
    }
    if let Some(v) = lookup.get("CONTEXT") {
        if let Some(e) = netlify_value(&v) {
            return found("CONTEXT", e, &v);
        }
    }
    for &name in GENERIC_VARIABLES {
        if let Some(v) = lookup.get(name) {
            if let Some(e) = generic_value(&v) {
                return found(name, e, &v);
            }
        }
    }
    for &name in DEBUG_VARIABLES {
        if let Some(v) = lookup.get(name) {
            if truthy(&v) {
                return found(name, Environment::Development, &v);
            }
        }
    }
    if let Some(v) = lookup.get("CI") {
        if truthy(&v) {
            return found("CI", Environment::Test, &v);
        }
    }
    Detection::unknown()
}

/// What the environment check allows. The default is strict; relaxing is always explicit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Policy {
    /// Allow a live key in development, test and staging (e.g. a staging stack that must hit
    /// production data). Off by default.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub allow_live_outside_production: bool,
    /// Allow a test key in production (e.g. a production smoke test). Off by default.
    #[cfg_attr(feature = "uniffi", uniffi(default = false))]
    pub allow_test_in_production: bool,
}

impl Policy {
    /// The default policy: live keys only in production, test keys never in production.
    pub fn strict() -> Self {
        Self::default()
    }
}

/// A key allowed where it runs, possibly with a warning to show the user.
/// Serializes as `{warning: {code, message} | null}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Allowed {
    /// Why the check could not fully vouch for the key, if it could not.
    pub warning: Option<Warning>,
}

/// A reason to warn although the key is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Warning {
    /// No variable said where this runs, so the policy could not be applied.
    UnknownEnvironment,
    /// The policy was relaxed by the caller and that relaxation let this key through.
    RelaxedPolicy,
}

impl Warning {
    /// A stable code: `unknown_environment` or `relaxed_policy`.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownEnvironment => "unknown_environment",
            Self::RelaxedPolicy => "relaxed_policy",
        }
    }

    /// A one-line explanation.
    pub fn message(self) -> &'static str {
        match self {
            Self::UnknownEnvironment => "the environment is unknown (set PICTIFY_ENV or NODE_ENV), so the key could not be checked against it",
            Self::RelaxedPolicy => "allowed only because the policy was relaxed explicitly",
        }
    }
}

/// `{code, message}`.
#[cfg(feature = "serde")]
impl serde::Serialize for Warning {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Warning", 2)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("message", self.message())?;
        st.end()
    }
}

/// Checks that `key`'s mode fits the environment: a live key only in production, a test key
/// anywhere but production. Only blocks on positive evidence: an unknown environment is
/// allowed with [`Warning::UnknownEnvironment`].
///
/// ```
/// use pictify_keys::{check_environment, ApiKey, Detection, Environment, Policy};
///
/// let key = ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2")?;
/// let err = check_environment(&key, &Detection::explicit(Environment::Development), Policy::strict())
///     .unwrap_err();
/// assert_eq!(err.code(), "live_key_in_development");
/// # Ok::<(), pictify_keys::KeyError>(())
/// ```
pub fn check_environment(
    key: &ApiKey,
    detection: &Detection,
    policy: Policy,
) -> Result<Allowed, PolicyError> {
    check_mode(key.mode(), detection, policy)
}

/// [`check_environment`] on a mode alone, for callers that only know the mode.
pub fn check_mode(
    mode: Mode,
    detection: &Detection,
    policy: Policy,
) -> Result<Allowed, PolicyError> {
    use Environment::*;
    let env = detection.environment;
    let violation = match (mode, env) {
        (_, Unknown) => {
            return Ok(Allowed {
                warning: Some(Warning::UnknownEnvironment),
            })
        }
        (Mode::Live, Development | Test | Staging) => Some(policy.allow_live_outside_production),
        (Mode::Test, Production) => Some(policy.allow_test_in_production),
        _ => None,
    };
    match violation {
        None => Ok(Allowed { warning: None }),
        Some(true) => Ok(Allowed {
            warning: Some(Warning::RelaxedPolicy),
        }),
        Some(false) => {
            let (variable, value) = (detection.variable.clone(), detection.value.clone());
            Err(match mode {
                Mode::Live => PolicyError::LiveKeyInDevelopment {
                    environment: env,
                    variable,
                    value,
                },
                Mode::Test => PolicyError::TestKeyInProduction {
                    environment: env,
                    variable,
                    value,
                },
            })
        }
    }
}

/// Where the environment verdict came from, for messages.
fn decided_by(variable: &Option<String>, value: &Option<String>) -> String {
    match (variable, value) {
        (Some(var), Some(val)) => format!(" (decided by {var}={val})"),
        (Some(var), None) => format!(" (decided by {var})"),
        _ => String::new(),
    }
}

/// A well-formed key that the environment policy refuses where it runs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A live (production) key outside production. Use a `pk_test_` key in development, test
    /// and staging; relax the policy explicitly only if this is intended.
    #[error("a live key is configured in {environment}{}: use a pk_test_ key outside production, or relax the policy explicitly if this is intended", decided_by(.variable, .value))]
    LiveKeyInDevelopment {
        /// The detected environment (development, test or staging).
        environment: Environment,
        /// The variable that decided the environment, if any.
        variable: Option<String>,
        /// That variable's value.
        value: Option<String>,
    },
    /// A test key in production. Production needs a `pk_live_` key.
    #[error("a test key is configured in {environment}{}: production needs a pk_live_ key", decided_by(.variable, .value))]
    TestKeyInProduction {
        /// The detected environment (production).
        environment: Environment,
        /// The variable that decided the environment, if any.
        variable: Option<String>,
        /// That variable's value.
        value: Option<String>,
    },
}

impl PolicyError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::LiveKeyInDevelopment { .. } => "live_key_in_development",
            Self::TestKeyInProduction { .. } => "test_key_in_production",
        }
    }
}
