//! Errors with stable codes.
//!
//! Every error of this crate has a short `code()` (`whitespace`, `live_key_in_development`, …)
//! that is identical in every language binding, and a message that says what is wrong, where
//! (1-based character position) and what to do. No message ever contains the secret part of a
//! key: at most the public prefix (`pk_live_`), a single offending character's class, or a
//! fingerprint (four characters).

use crate::audit::AuditError;

pub use crate::env::PolicyError;
pub use crate::key::{CharClass, End, KeyError};
pub use http::{api_code_of, request_id_of, HttpError};
#[cfg(feature = "monitor")]
pub use monitor::ConfigError;
pub use secret::SecretError;

mod http;
#[cfg(feature = "monitor")]
mod monitor;
mod secret;

/// A `.env` file that cannot be parsed. Fix the line and column named (an unclosed quote, a
/// line without `=`, text after a closing quote).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {reason}")]
pub struct DotEnvError {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column (characters).
    pub column: usize,
    /// What is wrong.
    pub reason: &'static str,
}

impl DotEnvError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        "env_file_syntax"
    }
}

/// A key source that is configured but broken. Sources stop here instead of falling through
/// to a lower-priority source, so a stale key elsewhere is never used by accident.
///
/// `origin` names the source (`env:PICTIFY_API_KEY_NEW`, `file:/var/run/secrets/pictify/api-key`,
/// `env-file:.env:PICTIFY_API_KEY`); it never contains key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A file that must exist does not. Check the path (and the volume mount, on Kubernetes).
    #[error("{origin}: the file does not exist; check the path and the secret volume mount")]
    Missing {
        /// The source.
        origin: String,
    },
    /// A file exists but cannot be read. Check its permissions and that it is a regular file.
    #[error("{origin}: the file cannot be read ({reason}); check its permissions and that it is a regular file")]
    Unreadable {
        /// The source.
        origin: String,
        /// The I/O error kind, never file content.
        reason: String,
    },
    /// A source holds a malformed key. Fix the value where it is stored.
    #[error("{origin}: {error}")]
    InvalidKey {
        /// The source.
        origin: String,
        /// What is wrong with the key.
        error: KeyError,
    },
    /// A `.env` file cannot be parsed. Fix the line named.
    #[error("{origin}: invalid .env file: {error}")]
    DotEnv {
        /// The source.
        origin: String,
        /// The syntax error.
        error: DotEnvError,
    },
    /// A secrets-manager reference or fetch failed (see [`SecretError`]).
    #[error(transparent)]
    Secret(#[from] SecretError),
}

impl SourceError {
    /// The stable code: `source_missing`, `source_unreadable`, `env_file_syntax`, or the key's
    /// own code (`whitespace`, `placeholder`, …) for a malformed key.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing { .. } => "source_missing",
            Self::Unreadable { .. } => "source_unreadable",
            Self::InvalidKey { error, .. } => error.code(),
            Self::DotEnv { error, .. } => error.code(),
            Self::Secret(e) => e.code(),
        }
    }

    /// The source that failed.
    pub fn origin(&self) -> &str {
        match self {
            Self::Missing { origin }
            | Self::Unreadable { origin, .. }
            | Self::InvalidKey { origin, .. }
            | Self::DotEnv { origin, .. } => origin,
            Self::Secret(e) => e.origin(),
        }
    }
}

/// Why a `.pictify-keys-ignore` file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AllowlistError {
    /// A line holds a full key. The file must list hashes or fingerprints only: replace the
    /// key with the hash `pictify-keys scan` prints, and revoke the key if it was committed.
    #[error("line {line}: the allow-list contains a key itself; list its hash (printed by `pictify-keys scan`) or fingerprint instead, and revoke the key if it was committed")]
    ContainsSecret {
        /// 1-based line.
        line: usize,
    },
    /// A line is neither a hash nor a fingerprint. Write a hash (16 or 64 hex digits,
    /// optionally after `sha256:`) or a fingerprint such as `pk_live_****a1b2`.
    #[error("line {line}: not an allow-list entry; write a hash (16 or 64 hex digits, optionally after `sha256:`) or a fingerprint such as pk_live_****a1b2")]
    InvalidEntry {
        /// 1-based line.
        line: usize,
    },
}

impl AllowlistError {
    /// `allowlist_contains_secret` or `allowlist_invalid_entry`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ContainsSecret { .. } => "allowlist_contains_secret",
            Self::InvalidEntry { .. } => "allowlist_invalid_entry",
        }
    }

    /// The 1-based line of the refused entry.
    pub fn line(&self) -> usize {
        match self {
            Self::ContainsSecret { line } | Self::InvalidEntry { line } => *line,
        }
    }
}

/// Any error of this crate. Bindings convert this one type, through [`Error::report`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed key.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// A policy violation.
    #[error(transparent)]
    Policy(#[from] PolicyError),
    /// A malformed `.env` file.
    #[error("invalid .env file: {0}")]
    DotEnv(#[from] DotEnvError),
    /// No key is configured anywhere that was looked at. Set `PICTIFY_API_KEY` (or
    /// `PICTIFY_API_KEY_NEW` / `PICTIFY_API_KEY_OLD` while rotating), or pass the key.
    #[error("no Pictify API key found: set PICTIFY_API_KEY (or PICTIFY_API_KEY_NEW / PICTIFY_API_KEY_OLD while rotating)")]
    NoKey,
    /// A configured key source is broken (see [`SourceError`]).
    #[error(transparent)]
    Source(#[from] SourceError),
    /// A call to the Pictify API failed (see [`HttpError`]).
    #[error(transparent)]
    Http(#[from] HttpError),
    /// An audit event was refused (see [`AuditError`]).
    #[error(transparent)]
    Audit(#[from] AuditError),
    /// A `.pictify-keys-ignore` file was refused (see [`AllowlistError`]).
    #[error(transparent)]
    Allowlist(#[from] AllowlistError),
    /// An argument that is not a key could not be used: an unknown style, mode or environment
    /// name, a value of the wrong type. Check the call against the documentation.
    #[error("{reason}")]
    InvalidArgument {
        /// What is wrong, written by the caller (fixed text; never a value the user passed).
        reason: String,
    },
    /// A text that must be JSON is not (a request body, a document to redact). Fix the text
    /// at the line and column named.
    #[error("{what} is not valid JSON (line {line}, column {column})")]
    InvalidJson {
        /// What the text is (`the text`, `the request body`).
        what: &'static str,
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
    },
    /// A usage monitor's configuration was refused (see [`ConfigError`]).
    #[cfg(feature = "monitor")]
    #[error(transparent)]
    MonitorConfig(#[from] ConfigError),
}

/// The family of an error, used by bindings to pick an exception class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorFamily {
    /// The key itself is malformed.
    Format,
    /// The key is refused in this environment.
    Environment,
    /// A key source failed or found nothing.
    Source,
    /// An HTTP request failed.
    Http,
    /// An argument or input that is not a key was refused (audit key IDs, allow-lists,
    /// wrong argument types or names).
    Input,
}

impl From<SecretError> for Error {
    fn from(e: SecretError) -> Self {
        Self::Source(SourceError::Secret(e))
    }
}

impl ErrorFamily {
    /// Lowercase name: `format`, `environment`, `source`, `http`, `input`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Format => "format",
            Self::Environment => "environment",
            Self::Source => "source",
            Self::Http => "http",
            Self::Input => "input",
        }
    }

    /// Every family, in documentation order.
    pub const ALL: [ErrorFamily; 5] = [
        Self::Format,
        Self::Environment,
        Self::Source,
        Self::Http,
        Self::Input,
    ];
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Key(e) => e.code(),
            Self::Policy(e) => e.code(),
            Self::DotEnv(e) => e.code(),
            Self::NoKey => "no_key",
            Self::Source(e) => e.code(),
            Self::Http(e) => e.code(),
            Self::Audit(e) => e.code(),
            Self::Allowlist(e) => e.code(),
            Self::InvalidArgument { .. } => "invalid_argument",
            Self::InvalidJson { .. } => "invalid_json",
            #[cfg(feature = "monitor")]
            Self::MonitorConfig(e) => e.code(),
        }
    }

    /// An [`Error::InvalidArgument`] with this reason (fixed text, never a user's value).
    pub fn invalid_argument(reason: impl Into<String>) -> Self {
        Self::InvalidArgument {
            reason: reason.into(),
        }
    }

    /// The family of this error.
    pub fn family(&self) -> ErrorFamily {
        match self {
            Self::Key(_) => ErrorFamily::Format,
            Self::Policy(_) => ErrorFamily::Environment,
            Self::DotEnv(_) | Self::NoKey => ErrorFamily::Source,
            Self::Source(SourceError::InvalidKey { .. }) => ErrorFamily::Format,
            Self::Source(_) => ErrorFamily::Source,
            Self::Http(_) => ErrorFamily::Http,
            Self::Audit(_)
            | Self::Allowlist(_)
            | Self::InvalidArgument { .. }
            | Self::InvalidJson { .. } => ErrorFamily::Input,
            #[cfg(feature = "monitor")]
            Self::MonitorConfig(_) => ErrorFamily::Input,
        }
    }
}
