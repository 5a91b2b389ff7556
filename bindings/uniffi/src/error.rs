//! The one error type that crosses the boundary, built from the core's errors.
//!
//! Each variant is one [`ErrorFamily`](pictify_keys::ErrorFamily) of the core and carries the
//! core's stable `code` (`whitespace`, `live_key_in_development`, …) and its message as
//! `detail`. Kotlin sees `PictifyException.Format`, `.Policy`, `.Source`, `.Http`; Swift sees
//! `PictifyError.Format(…)` and so on. Conversions never panic and never put key material in a field.

use pictify_keys as core;

use crate::env::Environment;

/// An error from the pictify-keys core: a malformed key, a key refused in this environment,
/// a broken key source or a failed API call. `code` is stable and identical in every
/// language; `detail` is the human-readable message (it never contains a secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
#[non_exhaustive]
pub enum PictifyError {
    /// The value is not a well-formed Pictify key (`empty`, `whitespace`, `quoted`,
    /// `control_character`, `non_ascii`, `missing_prefix`, `wrong_case`, `unknown_mode`,
    /// `foreign_key`, `placeholder`, `too_short`, `too_long`, `invalid_character`). Fix the
    /// value where it is stored.
    #[error("[{code}] {detail}")]
    Format {
        /// The stable error code.
        code: String,
        /// 1-based character position of the offending character, when there is one.
        position: Option<u32>,
        /// For `foreign_key`: the vendor whose credential this is (`Stripe`, `GitHub`, …).
        vendor: Option<String>,
        /// Where the key came from (e.g. `env:PICTIFY_API_KEY`), when it came from a source.
        origin: Option<String>,
        /// What is wrong and what to do, without the secret.
        detail: String,
    },
    /// A well-formed key that the environment policy refuses here
    /// (`live_key_in_development`, `test_key_in_production`). Use a key of the right mode,
    /// or relax the policy explicitly.
    #[error("[{code}] {detail}")]
    Policy {
        /// The stable error code.
        code: String,
        /// The detected environment.
        environment: Environment,
        /// The variable that decided the environment, if any.
        variable: Option<String>,
        /// That variable's value.
        value: Option<String>,
        /// What is wrong and what to do.
        detail: String,
    },
    /// No key was found, or a configured key source is broken (`no_key`, `source_missing`,
    /// `source_unreadable`, `env_file_syntax`).
    #[error("[{code}] {detail}")]
    Source {
        /// The stable error code.
        code: String,
        /// The source that failed (`file:/var/run/secrets/…`), when one did.
        origin: Option<String>,
        /// What is wrong and what to do.
        detail: String,
    },
    /// A call to the Pictify API failed (`unauthorized`, `http_timeout`, `http_connection`,
    /// `rate_limited`, `server_error`, `http_status`, `invalid_request`, `invalid_response`,
    /// `http_transport`). The detail never contains URLs, headers or keys.
    #[error("[{code}] {detail}")]
    Http {
        /// The stable error code.
        code: String,
        /// The HTTP status behind the error, when there was an answer.
        status: Option<u16>,
        /// What is wrong and what to do.
        detail: String,
    },
    /// An argument the core refuses that is not a key (e.g. an audit `keyId` holding a
    /// secret: `secret_in_key_id`, `invalid_key_id`).
    #[error("[{code}] {detail}")]
    InvalidInput {
        /// The stable error code.
        code: String,
        /// What is wrong and what to do.
        detail: String,
    },
}

/// A count or position as `u32`, saturating (a key is at most a few hundred characters).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl PictifyError {
    /// A format error from a key error, with the source it came from, if any.
    pub(crate) fn from_key(e: &core::KeyError, origin: Option<String>) -> Self {
        Self::Format {
            code: e.code().to_owned(),
            position: e.position().map(to_u32),
            vendor: e.vendor().map(str::to_owned),
            origin,
            detail: e.to_string(),
        }
    }
}

impl From<core::KeyError> for PictifyError {
    fn from(e: core::KeyError) -> Self {
        Self::from_key(&e, None)
    }
}

impl From<core::PolicyError> for PictifyError {
    fn from(e: core::PolicyError) -> Self {
        let detail = e.to_string();
        let code = e.code().to_owned();
        let (environment, variable, value) = match e {
            core::PolicyError::LiveKeyInDevelopment {
                environment,
                variable,
                value,
            }
            | core::PolicyError::TestKeyInProduction {
                environment,
                variable,
                value,
            } => (environment.into(), variable, value),
            // The core may add policy errors; they still carry their code and message.
            _ => (Environment::Unknown, None, None),
        };
        Self::Policy {
            code,
            environment,
            variable,
            value,
            detail,
        }
    }
}

impl From<core::DotEnvError> for PictifyError {
    fn from(e: core::DotEnvError) -> Self {
        Self::Source {
            code: e.code().to_owned(),
            origin: None,
            detail: core::Error::DotEnv(e).to_string(),
        }
    }
}

impl From<core::AuditError> for PictifyError {
    fn from(e: core::AuditError) -> Self {
        Self::InvalidInput {
            code: e.code().to_owned(),
            detail: e.to_string(),
        }
    }
}

impl From<core::Error> for PictifyError {
    fn from(e: core::Error) -> Self {
        match e {
            core::Error::Key(k) => k.into(),
            core::Error::Policy(p) => p.into(),
            core::Error::DotEnv(d) => d.into(),
            core::Error::Source(core::SourceError::InvalidKey { origin, error }) => {
                Self::from_key(&error, Some(origin))
            }
            core::Error::Source(s) => Self::Source {
                code: s.code().to_owned(),
                origin: Some(s.origin().to_owned()),
                detail: s.to_string(),
            },
            core::Error::Http(h) => Self::Http {
                code: h.code().to_owned(),
                status: h.status(),
                detail: h.to_string(),
            },
            other => {
                let code = other.code().to_owned();
                let detail = other.to_string();
                match other.family() {
                    core::ErrorFamily::Format => Self::Format {
                        code,
                        position: None,
                        vendor: None,
                        origin: None,
                        detail,
                    },
                    core::ErrorFamily::Environment => Self::Policy {
                        code,
                        environment: Environment::Unknown,
                        variable: None,
                        value: None,
                        detail,
                    },
                    core::ErrorFamily::Source => Self::Source {
                        code,
                        origin: None,
                        detail,
                    },
                    core::ErrorFamily::Http => Self::Http {
                        code,
                        status: None,
                        detail,
                    },
                    core::ErrorFamily::Input => Self::InvalidInput { code, detail },
                }
            }
        }
    }
}
