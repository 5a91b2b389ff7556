//! The whole "is my key OK here?" check: read the key variables, parse each key, detect the
//! environment, apply the policy, and give one verdict per key plus an overall status.
//!
//! This is what `pictify-keys check` prints; bindings expose it so every language answers
//! the question the same way.

use crate::env::{check_environment, detect_environment, Detection, EnvLookup, Policy, Warning};
use crate::error::{Error, KeyError, PolicyError, SourceError};
use crate::key::{ApiKey, Mode};
use crate::secrets::{is_reference, resolve_value, SecretResolver};
use crate::source::SourcedKey;

pub use crate::source::KEY_VARIABLES;

/// The outcome for one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Well-formed and allowed here.
    Allowed,
    /// Well-formed and allowed, with a warning.
    AllowedWithWarning(Warning),
    /// Well-formed but refused by the environment policy.
    Refused(PolicyError),
    /// Not a well-formed key.
    Malformed(KeyError),
}

impl Verdict {
    /// `allowed`, `warning`, `refused` or `malformed`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::AllowedWithWarning(_) => "warning",
            Self::Refused(_) => "refused",
            Self::Malformed(_) => "malformed",
        }
    }

    /// The stable code of the error or warning, if any.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            Self::Allowed => None,
            Self::AllowedWithWarning(w) => Some(w.code()),
            Self::Refused(e) => Some(e.code()),
            Self::Malformed(e) => Some(e.code()),
        }
    }

    /// The error of a refused or malformed key, if any (a warning is not an error).
    ///
    /// ```
    /// use pictify_keys::{check_keys, Policy};
    ///
    /// let env = [("PICTIFY_API_KEY", "pk_live_FAKE3Wwd25rq4f5zr3a1b2"), ("NODE_ENV", "development")];
    /// let report = check_keys(&env[..], "env", None, Policy::strict());
    /// let err = report.keys[0].verdict.error().unwrap();
    /// assert_eq!(err.code(), "live_key_in_development");
    /// assert_eq!(report.error().map(|e| e.code()), Some(err.code()));
    /// ```
    pub fn error(&self) -> Option<Error> {
        match self {
            Self::Refused(e) => Some(Error::Policy(e.clone())),
            Self::Malformed(e) => Some(Error::Key(e.clone())),
            _ => None,
        }
    }

    /// The message of the error or warning, if any.
    pub fn message(&self) -> Option<String> {
        match self {
            Self::Allowed => None,
            Self::AllowedWithWarning(w) => Some(w.message().to_owned()),
            Self::Refused(e) => Some(e.to_string()),
            Self::Malformed(e) => Some(e.to_string()),
        }
    }

    /// The verdict without its error: what every front end shows as `verdict`.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Self::Allowed => VerdictKind::Allowed,
            Self::AllowedWithWarning(_) => VerdictKind::Warning,
            Self::Refused(_) => VerdictKind::Refused,
            Self::Malformed(_) => VerdictKind::Malformed,
        }
    }
}

/// The kind of a [`Verdict`], without its typed error ([`Verdict::as_str`] names it). Kotlin
/// and Swift call it `Verdict` (feature `uniffi`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum), uniffi(name = "Verdict"))]
pub enum VerdictKind {
    /// Well-formed and allowed here.
    Allowed,
    /// Well-formed and allowed, with a warning (see `code`).
    Warning,
    /// Well-formed but refused by the environment policy (see `code`).
    Refused,
    /// Not a well-formed key (see `code`).
    Malformed,
}

/// A [`KeyCheck`] as every front end shows it: flat, with the verdict's kind, stable code and
/// message instead of its typed error. A `KeyCheck` serializes as this (feature `serde`:
/// `{origin, variable, fingerprint, mode, verdict, code, message}`, tests/vectors/shapes.json);
/// Kotlin and Swift get it as the record `KeyCheck` (feature `uniffi`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record), uniffi(name = "KeyCheck"))]
pub struct KeyCheckSummary {
    /// Where the key came from, e.g. `env:PICTIFY_API_KEY`.
    pub origin: String,
    /// The variable name.
    pub variable: String,
    /// The fingerprint, when the key is well-formed.
    pub fingerprint: Option<String>,
    /// The mode, when the key is well-formed.
    pub mode: Option<Mode>,
    /// The verdict.
    pub verdict: VerdictKind,
    /// The stable code of the error or warning, if any.
    pub code: Option<String>,
    /// The message of the error or warning, if any.
    pub message: Option<String>,
}

/// One key variable and its verdict.
///
/// With the `serde` feature it serializes flat, as every front end shows it: see
/// [`KeyCheckSummary`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCheck {
    /// Where the key came from, e.g. `env:PICTIFY_API_KEY`.
    pub origin: String,
    /// The variable name.
    pub variable: &'static str,
    /// The fingerprint, when the key is well-formed.
    pub fingerprint: Option<String>,
    /// The mode, when the key is well-formed.
    pub mode: Option<Mode>,
    /// The verdict.
    pub verdict: Verdict,
}

impl KeyCheck {
    /// The flat form every front end shows ([`KeyCheckSummary`]).
    ///
    /// ```
    /// use pictify_keys::{check_keys, check::VerdictKind, Policy};
    ///
    /// let vars = [("NODE_ENV", "production"), ("PICTIFY_API_KEY", "pk_test_FAKE3Wwd25rq4f5zr3a1b2")];
    /// let key = check_keys(&vars[..], "env", None, Policy::strict()).keys[0].summary();
    /// assert_eq!(key.verdict, VerdictKind::Refused);
    /// assert_eq!(key.code.as_deref(), Some("test_key_in_production"));
    /// assert_eq!((key.origin.as_str(), key.variable.as_str()), ("env:PICTIFY_API_KEY", "PICTIFY_API_KEY"));
    /// ```
    pub fn summary(&self) -> KeyCheckSummary {
        KeyCheckSummary {
            origin: self.origin.clone(),
            variable: self.variable.to_owned(),
            fingerprint: self.fingerprint.clone(),
            mode: self.mode,
            verdict: self.verdict.kind(),
            code: self.verdict.code().map(str::to_owned),
            message: self.verdict.message(),
        }
    }

    fn malformed(origin: String, variable: &'static str, error: KeyError) -> Self {
        Self {
            origin,
            variable,
            fingerprint: None,
            mode: None,
            verdict: Verdict::Malformed(error),
        }
    }
}

/// The result of checking every key variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// The environment the keys were checked against.
    pub detection: Detection,
    /// One entry per key variable that is set, in priority order. A variable holding a
    /// secret reference gives one entry per key the reference resolved to, with the
    /// reference as its source (`vault://secret/pictify#api_key`).
    pub keys: Vec<KeyCheck>,
    /// References that could not be resolved (not found, access denied, unreachable,
    /// malformed reference, …), each naming the reference; never a secret.
    pub unresolved: Vec<SourceError>,
}

impl CheckReport {
    /// The overall error, if any: [`Error::NoKey`] when no key variable is set, else the
    /// first malformed key's error, else the first policy violation.
    pub fn error(&self) -> Option<Error> {
        if self.keys.is_empty() && self.unresolved.is_empty() {
            return Some(Error::NoKey);
        }
        let malformed = self.keys.iter().find_map(|k| match &k.verdict {
            Verdict::Malformed(e) => Some(Error::Key(e.clone())),
            _ => None,
        });
        malformed
            .or_else(|| self.unresolved.first().map(|e| Error::Source(e.clone())))
            .or_else(|| {
                self.keys.iter().find_map(|k| match &k.verdict {
                    Verdict::Refused(e) => Some(Error::Policy(e.clone())),
                    _ => None,
                })
            })
    }

    /// Process exit status for a command-line check: 0 all allowed, 1 a policy violation,
    /// 2 a malformed key or no key.
    pub fn exit_status(&self) -> u8 {
        match self.error() {
            None => 0,
            Some(Error::Policy(_)) => 1,
            Some(_) => 2,
        }
    }
}

/// Checks every key variable found through `lookup`.
///
/// `source_prefix` names where the variables come from (`env` for the process environment,
/// `env-file:.env` for a file); `environment` overrides detection when given. An empty
/// variable counts as unset, as the key sources read it.
///
/// ```
/// use pictify_keys::{check_keys, Policy};
///
/// let vars = [("NODE_ENV", "development"), ("PICTIFY_API_KEY", "pk_live_FAKE3Wwd25rq4f5zr3a1b2")];
/// let report = check_keys(&vars[..], "env", None, Policy::strict());
/// assert_eq!(report.keys[0].verdict.code(), Some("live_key_in_development"));
/// assert_eq!(report.exit_status(), 1);
/// ```
pub fn check_keys(
    lookup: &(impl EnvLookup + ?Sized),
    source_prefix: &str,
    environment: Option<Detection>,
    policy: Policy,
) -> CheckReport {
    check_keys_with(lookup, source_prefix, environment, policy, None)
}

fn key_check(
    key: &ApiKey,
    origin: String,
    variable: &'static str,
    detection: &Detection,
    policy: Policy,
) -> KeyCheck {
    let verdict = match check_environment(key, detection, policy) {
        Ok(allowed) => match allowed.warning {
            None => Verdict::Allowed,
            Some(w) => Verdict::AllowedWithWarning(w),
        },
        Err(e) => Verdict::Refused(e),
    };
    KeyCheck {
        origin,
        variable,
        fingerprint: Some(key.fingerprint()),
        mode: Some(key.mode()),
        verdict,
    }
}

/// [`check_keys`], resolving secret references (`PICTIFY_API_KEY=vault://secret/pictify`)
/// through `resolver`. A value fetched from a manager gets the same diagnosis as a variable:
/// a trailing newline stored in Vault is `malformed [whitespace]` with the reference as its
/// source. Without a resolver a reference is unresolved (`secret_unsupported`).
pub fn check_keys_with(
    lookup: &(impl EnvLookup + ?Sized),
    source_prefix: &str,
    environment: Option<Detection>,
    policy: Policy,
    resolver: Option<&dyn SecretResolver>,
) -> CheckReport {
    let detection = environment.unwrap_or_else(|| detect_environment(lookup));
    let mut keys = Vec::new();
    let mut unresolved = Vec::new();
    for &variable in KEY_VARIABLES {
        let Some(value) = lookup.get(variable).map(zeroize::Zeroizing::new) else {
            continue;
        };
        // An empty variable counts as unset, as the key sources read it (`PICTIFY_API_KEY=`
        // from a compose file or CI template is "no key here", not a malformed key).
        if value.is_empty() {
            continue;
        }
        let source = format!("{source_prefix}:{variable}");
        if is_reference(&value) {
            match resolve_value(&value, &source, resolver, false) {
                Ok(resolved) => keys.extend(resolved.iter().map(|k| {
                    key_check(k.key(), k.origin().to_owned(), variable, &detection, policy)
                })),
                Err(SourceError::InvalidKey { origin, error }) => {
                    keys.push(KeyCheck::malformed(origin, variable, error))
                }
                Err(e) => unresolved.push(e),
            }
            continue;
        }
        keys.push(match ApiKey::parse(&value) {
            Err(e) => KeyCheck::malformed(source, variable, e),
            Ok(key) => key_check(&key, source, variable, &detection, policy),
        });
    }
    CheckReport {
        detection,
        keys,
        unresolved,
    }
}

/// Applies the environment policy to the keys a client is about to use: every key must be
/// allowed where it runs. This is what a client runs when it is built and when it re-reads
/// its keys, so a live key on a developer's machine never reaches the API.
///
/// Returns the first warning (an unknown environment, a relaxed policy) when every key is
/// allowed, or the first key's policy error.
///
/// ```
/// use pictify_keys::{check::check_client_keys, ApiKey, Detection, Environment, Policy, SourcedKey};
///
/// let keys = [SourcedKey::new(ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2")?, "env:PICTIFY_API_KEY")];
/// let dev = Detection::explicit(Environment::Development);
/// let err = check_client_keys(&keys, &dev, Policy::strict()).unwrap_err();
/// assert_eq!(err.code(), "live_key_in_development");
/// # Ok::<(), pictify_keys::KeyError>(())
/// ```
pub fn check_client_keys(
    keys: &[SourcedKey],
    detection: &Detection,
    policy: Policy,
) -> Result<Option<Warning>, PolicyError> {
    let mut warning = None;
    for key in keys {
        let allowed = check_environment(key.key(), detection, policy)?;
        warning = warning.or(allowed.warning);
    }
    Ok(warning)
}

#[cfg(feature = "serde")]
mod ser {
    use serde::ser::{Serialize, SerializeStruct, Serializer};

    use super::{CheckReport, KeyCheck};

    /// As its [`KeyCheckSummary`](super::KeyCheckSummary).
    impl Serialize for KeyCheck {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            self.summary().serialize(s)
        }
    }

    /// `{detection, keys, error, exitStatus}`: `error` is the overall error's report
    /// (`{code, family, message, details}`) or `null`.
    impl Serialize for CheckReport {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("CheckReport", 4)?;
            st.serialize_field("detection", &self.detection)?;
            st.serialize_field("keys", &self.keys)?;
            st.serialize_field("error", &self.error().map(|e| e.report()))?;
            st.serialize_field("exitStatus", &self.exit_status())?;
            st.end()
        }
    }
}
