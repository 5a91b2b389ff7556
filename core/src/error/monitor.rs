//! Errors of the usage monitor's configuration ([`ConfigError`]); the monitor lives in
//! `crate::monitor` (feature `monitor`), its errors here so that [`Error`](super::Error) can
//! carry them without the low error layer depending on the monitor.

/// Why a configuration was refused. Each has a stable [`code`](ConfigError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file holds an API key. List keys by their ID (or fingerprint) only; revoke the key
    /// if the file was shared or committed.
    #[error("line {line}: the monitor configuration contains an API key; list keys by ID or fingerprint (pk_live_****a1b2) only, and revoke the key if the file was shared")]
    ContainsSecret {
        /// 1-based line.
        line: usize,
    },
    /// The file is not valid TOML, or has a field the monitor does not know. Fix the file at
    /// the line and column named.
    #[error("line {line}, column {column}: {message}")]
    Invalid {
        /// 1-based line.
        line: usize,
        /// 1-based column (characters).
        column: usize,
        /// What the TOML reader said.
        message: String,
    },
    /// A value is out of range or malformed; `what` names the field.
    #[error("{what}: {message}")]
    BadValue {
        /// The field, e.g. `keys.key_abc.allowed_networks[2]`.
        what: String,
        /// What is wrong.
        message: String,
    },
}

impl ConfigError {
    /// `config_contains_secret`, `config_invalid` or `config_bad_value`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ContainsSecret { .. } => "config_contains_secret",
            Self::Invalid { .. } => "config_invalid",
            Self::BadValue { .. } => "config_bad_value",
        }
    }
}
