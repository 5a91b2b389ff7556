//! The error report: what every front end shows for an [`Error`].
//!
//! [`Error::report`] gives the stable `code`, the `family` (which exception class a language
//! raises), the message as `[code] message` and typed [`Details`] (position, vendor, origin,
//! environment, …). Python exceptions, JS errors (Node and WASM), Kotlin/Swift `PictifyError`
//! and the CLI's `--json` errors are built from this one report, so no binding matches error
//! variants and every language carries the same fields under the same names
//! (`Details::fields`, camelCase). No field ever holds key material.

use std::fmt;

use crate::error::{
    Error, ErrorFamily, HttpError, KeyError, PolicyError, SecretError, SourceError,
};

/// One error, as every front end shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorReport {
    /// The stable code (`whitespace`, `unauthorized`, …), identical in every language.
    pub code: &'static str,
    /// The family, one per code.
    pub family: ErrorFamily,
    /// `[code] message`: what is wrong and what to do, never a secret.
    pub message: String,
    /// The typed details the error carries; absent fields are `None`.
    pub details: Details,
}

impl ErrorReport {
    /// The message without its `[code] ` prefix.
    pub fn text(&self) -> &str {
        self.message
            .get(self.code.len() + 3..)
            .unwrap_or(&self.message)
    }
}

impl fmt::Display for ErrorReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The typed details of an error. Which fields are set depends on the code; see
/// docs/errors.md. Names cross into other languages in camelCase ([`Details::fields`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Details {
    /// 1-based character position of the offending character in the key.
    pub position: Option<usize>,
    /// For `foreign_key`: whose credential it is (`Stripe`, `GitHub`, …).
    pub vendor: Option<String>,
    /// Where a key came from (`env:PICTIFY_API_KEY`, `file:/run/secrets/…`); never key material.
    pub origin: Option<String>,
    /// The detected environment, for policy errors.
    pub environment: Option<String>,
    /// The variable that decided the environment.
    pub variable: Option<String>,
    /// That variable's value.
    pub value: Option<String>,
    /// 1-based line (a `.env` file or an allow-list).
    pub line: Option<usize>,
    /// 1-based column (a `.env` file).
    pub column: Option<usize>,
    /// The HTTP status behind an API error.
    pub status: Option<u16>,
    /// How many keys were tried before the API refused them all.
    pub tried: Option<usize>,
    /// Attempts made with the same key (timeouts, connection errors, rate limits, 5xx).
    pub attempts: Option<u32>,
    /// The API's own error code (`revoked_api_key`, `key_not_active`, …).
    pub api_code: Option<String>,
    /// The API's request id (`X-Request-Id`), for support tickets.
    pub request_id: Option<String>,
}

/// One detail value: text or a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailValue<'a> {
    /// A string detail.
    Text(&'a str),
    /// A numeric detail.
    Number(u64),
}

impl Details {
    /// The fields that are set, as `(camelCase name, value)` in a fixed order. This is the
    /// one place the names are spelled; bindings loop over it.
    pub fn fields(&self) -> Vec<(&'static str, DetailValue<'_>)> {
        fn text<'a>(
            name: &'static str,
            v: &'a Option<String>,
        ) -> Option<(&'static str, DetailValue<'a>)> {
            v.as_deref().map(|s| (name, DetailValue::Text(s)))
        }
        let num = |name, v: Option<u64>| v.map(|n| (name, DetailValue::Number(n)));
        let to64 = |n: Option<usize>| n.map(|n| n as u64);
        [
            num("position", to64(self.position)),
            text("vendor", &self.vendor),
            text("origin", &self.origin),
            text("environment", &self.environment),
            text("variable", &self.variable),
            text("value", &self.value),
            num("line", to64(self.line)),
            num("column", to64(self.column)),
            num("status", self.status.map(u64::from)),
            num("tried", to64(self.tried)),
            num("attempts", self.attempts.map(u64::from)),
            text("apiCode", &self.api_code),
            text("requestId", &self.request_id),
        ]
        .into_iter()
        .flatten()
        .collect()
    }

    /// Every detail name, in the order of [`Details::fields`].
    pub const NAMES: [&'static str; 13] = [
        "position",
        "vendor",
        "origin",
        "environment",
        "variable",
        "value",
        "line",
        "column",
        "status",
        "tried",
        "attempts",
        "apiCode",
        "requestId",
    ];

    fn key(e: &KeyError) -> Self {
        Self {
            position: e.position(),
            vendor: e.vendor().map(str::to_owned),
            ..Self::default()
        }
    }
}

impl Error {
    /// The report every front end shows: code, family, `[code] message` and details.
    ///
    /// ```
    /// use pictify_keys::{ApiKey, Error};
    ///
    /// let err = Error::from(ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2\n").unwrap_err());
    /// let report = err.report();
    /// assert_eq!(report.code, "whitespace");
    /// assert_eq!(report.family.as_str(), "format");
    /// assert!(report.message.starts_with("[whitespace] trailing whitespace at position 31"));
    /// assert_eq!(report.details.position, Some(31));
    /// ```
    pub fn report(&self) -> ErrorReport {
        let code = self.code();
        let details = match self {
            Self::Key(e) => Details::key(e),
            Self::Policy(
                PolicyError::LiveKeyInDevelopment {
                    environment,
                    variable,
                    value,
                }
                | PolicyError::TestKeyInProduction {
                    environment,
                    variable,
                    value,
                },
            ) => Details {
                environment: Some(environment.as_str().to_owned()),
                variable: variable.clone(),
                value: value.clone(),
                ..Details::default()
            },
            Self::DotEnv(e) => Details {
                line: Some(e.line),
                column: Some(e.column),
                ..Details::default()
            },
            Self::Source(e) => {
                let mut d = match e {
                    SourceError::InvalidKey { error, .. } => Details::key(error),
                    SourceError::DotEnv { error, .. } => Details {
                        line: Some(error.line),
                        column: Some(error.column),
                        ..Details::default()
                    },
                    SourceError::Secret(secret) => Details {
                        status: secret.status(),
                        variable: match secret {
                            SecretError::CredentialsMissing { variable, .. } => {
                                Some((*variable).to_owned())
                            }
                            _ => None,
                        },
                        ..Details::default()
                    },
                    _ => Details::default(),
                };
                d.origin = Some(e.origin().to_owned());
                d
            }
            Self::Http(e) => http_details(e),
            Self::Allowlist(e) => Details {
                line: Some(e.line()),
                ..Details::default()
            },
            Self::InvalidJson { line, column, .. } => Details {
                line: Some(*line),
                column: Some(*column),
                ..Details::default()
            },
            #[cfg(feature = "monitor")]
            Self::MonitorConfig(e) => {
                use crate::error::ConfigError;
                match e {
                    ConfigError::ContainsSecret { line } => Details {
                        line: Some(*line),
                        ..Details::default()
                    },
                    ConfigError::Invalid { line, column, .. } => Details {
                        line: Some(*line),
                        column: Some(*column),
                        ..Details::default()
                    },
                    _ => Details::default(),
                }
            }
            _ => Details::default(),
        };
        ErrorReport {
            code,
            family: self.family(),
            message: format!("[{code}] {self}"),
            details,
        }
    }
}

fn http_details(e: &HttpError) -> Details {
    let mut d = Details {
        status: e.status(),
        ..Details::default()
    };
    match e {
        HttpError::Unauthorized {
            tried,
            api_code,
            request_id,
        } => {
            d.tried = Some(*tried);
            d.api_code.clone_from(api_code);
            d.request_id.clone_from(request_id);
        }
        HttpError::Status {
            api_code,
            request_id,
            ..
        } => {
            d.api_code.clone_from(api_code);
            d.request_id.clone_from(request_id);
        }
        HttpError::Timeout { attempts }
        | HttpError::Connection { attempts }
        | HttpError::RateLimited { attempts }
        | HttpError::Server { attempts, .. } => d.attempts = Some(*attempts),
        _ => {}
    }
    d
}

#[cfg(feature = "serde")]
impl serde::Serialize for Details {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let fields = self.fields();
        let mut map = s.serialize_map(Some(fields.len()))?;
        for (name, value) in fields {
            match value {
                DetailValue::Text(t) => map.serialize_entry(name, t)?,
                DetailValue::Number(n) => map.serialize_entry(name, &n)?,
            }
        }
        map.end()
    }
}

/// `{"code", "family", "message", "details"}`, the shape of `--json` errors and JS errors.
#[cfg(feature = "serde")]
impl serde::Serialize for ErrorReport {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(4))?;
        map.serialize_entry("code", self.code)?;
        map.serialize_entry("family", self.family.as_str())?;
        map.serialize_entry("message", &self.message)?;
        map.serialize_entry("details", &self.details)?;
        map.end()
    }
}
