//! The one error type that crosses the boundary, built from the core's
//! [`ErrorReport`](pictify_keys::ErrorReport).
//!
//! Each variant is one family of the core and carries the report: the stable `code`
//! (`whitespace`, `live_key_in_development`, …), its typed `details` and its message as
//! `detail`. Kotlin sees `PictifyException.Format`, `.Environment`, `.Source`, `.Http`,
//! `.Input`; Swift sees `PictifyError.Format(…)` and so on; both print `[code] message`. No
//! variant of the core is matched here; conversions never panic and never put key material
//! in a field.

use pictify_keys as core;

/// Declares [`PictifyError`] with one variant per error family of the core, each carrying
/// the report's `code`, `details` and message (`detail`), and its conversion from
/// [`core::Error`]: the five variants are one pattern, written once.
macro_rules! families {
    ($($(#[doc = $doc:literal])* $variant:ident, details: $details:literal;)*) => {
        /// An error from the pictify-keys core. `code` is stable and identical in every
        /// language; `details` holds what the error carries (docs/errors.md lists it per
        /// code); `detail` is the human-readable message (it never contains a secret).
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
        #[uniffi::export(Display)]
        #[non_exhaustive]
        pub enum PictifyError {
            $(
                $(#[doc = $doc])*
                #[error("[{code}] {detail}")]
                $variant {
                    /// The stable error code.
                    code: String,
                    #[doc = $details]
                    details: ErrorDetails,
                    /// What is wrong and what to do, without the secret.
                    detail: String,
                },
            )*
        }

        impl From<core::Error> for PictifyError {
            fn from(e: core::Error) -> Self {
                let report = e.report();
                let (code, details, detail) = (
                    report.code.to_owned(),
                    ErrorDetails::from(&report.details),
                    report.text().to_owned(),
                );
                match report.family {
                    $(core::ErrorFamily::$variant => Self::$variant { code, details, detail },)*
                }
            }
        }
    };
}

families! {
    /// The value is not a well-formed Pictify key (`empty`, `whitespace`, `quoted`, …). Fix
    /// the value where it is stored.
    Format, details: "What the error carries (`position`, `vendor`, `origin`).";
    /// A well-formed key that the environment policy refuses here
    /// (`live_key_in_development`, `test_key_in_production`).
    Environment, details: "What the error carries (`environment`, `variable`, `value`).";
    /// No key was found, or a configured key source is broken (`no_key`, `source_missing`,
    /// `source_unreadable`, `env_file_syntax`).
    Source, details: "What the error carries (`origin`, `line`, `column`).";
    /// A call to the Pictify API failed (`unauthorized`, `http_timeout`, …). The detail never
    /// contains URLs, headers or keys.
    Http, details: "What the error carries (`status`, `tried`, `attempts`, `apiCode`, `requestId`).";
    /// An argument that is not a key was refused (`secret_in_key_id`, `invalid_key_id`,
    /// `invalid_json`, `invalid_argument`).
    Input, details: "What the error carries (`line`, `column` for `invalid_json`).";
}

/// The details of an error (the core's `Details`); a detail the error does not carry is null.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct ErrorDetails {
    /// 1-based character position of the offending character in the key.
    pub position: Option<u32>,
    /// For `foreign_key`: whose credential it is (`Stripe`, `GitHub`, …).
    pub vendor: Option<String>,
    /// Where a key came from (`env:PICTIFY_API_KEY`, `file:/run/secrets/…`).
    pub origin: Option<String>,
    /// The detected environment, for policy errors.
    pub environment: Option<String>,
    /// The variable that decided the environment.
    pub variable: Option<String>,
    /// That variable's value.
    pub value: Option<String>,
    /// 1-based line (a `.env` file, JSON text).
    pub line: Option<u32>,
    /// 1-based column.
    pub column: Option<u32>,
    /// The HTTP status behind an API error.
    pub status: Option<u16>,
    /// How many keys were tried before the API refused them all.
    pub tried: Option<u32>,
    /// Attempts made with the same key.
    pub attempts: Option<u32>,
    /// The API's own error code (`revoked_api_key`, …).
    pub api_code: Option<String>,
    /// The API's request id, for support tickets.
    pub request_id: Option<String>,
}

/// A count or position as `u32`, saturating (a key is at most a few hundred characters).
pub(crate) fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<&core::Details> for ErrorDetails {
    fn from(d: &core::Details) -> Self {
        Self {
            position: d.position.map(to_u32),
            vendor: d.vendor.clone(),
            origin: d.origin.clone(),
            environment: d.environment.clone(),
            variable: d.variable.clone(),
            value: d.value.clone(),
            line: d.line.map(to_u32),
            column: d.column.map(to_u32),
            status: d.status,
            tried: d.tried.map(to_u32),
            attempts: d.attempts,
            api_code: d.api_code.clone(),
            request_id: d.request_id.clone(),
        }
    }
}

/// `Input` `invalid_json` for text that is not JSON: the line and column only (serde's
/// message may quote the input).
pub(crate) fn invalid_json(what: &'static str, e: &serde_json::Error) -> PictifyError {
    core::Error::InvalidJson {
        what,
        line: e.line(),
        column: e.column(),
    }
    .into()
}

/// Every core error type converts through [`core::Error`].
macro_rules! via_core {
    ($($t:ty),*) => {$(
        impl From<$t> for PictifyError {
            fn from(e: $t) -> Self {
                core::Error::from(e).into()
            }
        }
    )*};
}
via_core!(
    core::KeyError,
    core::PolicyError,
    core::DotEnvError,
    core::SourceError,
    core::HttpError,
    core::AuditError
);
