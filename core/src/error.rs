//! Errors with stable codes.
//!
//! Every error of this crate has a short `code()` (`whitespace`, `live_key_in_development`, …)
//! that is identical in every language binding, and a message that says what is wrong, where
//! (1-based character position) and what to do. No message ever contains the secret part of a
//! key: at most the public prefix (`pk_live_`), a single offending character's class, or a
//! fingerprint (four characters).

use std::fmt;

use crate::audit::AuditError;
use crate::env::Environment;

/// The class of a single offending character, named in messages instead of the character.
///
/// Naming the class (not echoing the text around it) keeps the secret out of messages while
/// still telling the user what to look for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharClass {
    /// `\n`
    Newline,
    /// `\r`
    CarriageReturn,
    /// `\t`
    Tab,
    /// An ASCII space.
    Space,
    /// Another ASCII control character (0x00–0x1F, 0x7F), with its code.
    Control(u8),
    /// A zero-width character (U+200B, U+200C, U+200D, U+2060, U+FEFF), with its code point.
    ZeroWidth(u32),
    /// A non-breaking or other Unicode space, with its code point.
    UnicodeSpace(u32),
    /// A Cyrillic or Greek letter that looks like a Latin one, with its code point.
    LookAlike(u32),
    /// Any other non-ASCII character, with its code point.
    OtherNonAscii(u32),
    /// ASCII punctuation or symbol that is not allowed in a key body, e.g. `-`, `/`, `+`.
    Punctuation(char),
}

impl CharClass {
    /// Classifies one character.
    pub fn of(c: char) -> Self {
        let cp = c as u32;
        match c {
            '\n' => Self::Newline,
            '\r' => Self::CarriageReturn,
            '\t' => Self::Tab,
            ' ' => Self::Space,
            // `cp` fits in a byte in these two arms.
            '\0'..='\x1f' | '\x7f' => Self::Control(cp as u8),
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' => Self::ZeroWidth(cp),
            '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}' => Self::UnicodeSpace(cp),
            c if is_look_alike(c) => Self::LookAlike(cp),
            c if c.is_ascii() => Self::Punctuation(c),
            _ => Self::OtherNonAscii(cp),
        }
    }
}

/// Cyrillic and Greek letters that render like Latin letters used in keys.
fn is_look_alike(c: char) -> bool {
    matches!(
        c,
        // Cyrillic: а в е к м н о р с т у х, А В Е К М Н О Р С Т Х, і ј ѕ, І Ј Ѕ
        'а' | 'в' | 'е' | 'к' | 'м' | 'н' | 'о' | 'р' | 'с' | 'т' | 'у' | 'х'
            | 'А' | 'В' | 'Е' | 'К' | 'М' | 'Н' | 'О' | 'Р' | 'С' | 'Т' | 'Х'
            | 'і' | 'ј' | 'ѕ' | 'І' | 'Ј' | 'Ѕ'
            // Greek: Α Β Ε Ζ Η Ι Κ Μ Ν Ο Ρ Τ Υ Χ, ο ν
            | 'Α' | 'Β' | 'Ε' | 'Ζ' | 'Η' | 'Ι' | 'Κ' | 'Μ' | 'Ν' | 'Ο' | 'Ρ' | 'Τ' | 'Υ' | 'Χ'
            | 'ο' | 'ν'
    )
}

impl fmt::Display for CharClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Newline => f.write_str("a newline (\\n)"),
            Self::CarriageReturn => f.write_str("a carriage return (\\r)"),
            Self::Tab => f.write_str("a tab"),
            Self::Space => f.write_str("a space"),
            Self::Control(b) => write!(f, "a control character (0x{b:02X})"),
            Self::ZeroWidth(cp) => write!(f, "an invisible zero-width character (U+{cp:04X})"),
            Self::UnicodeSpace(cp) => write!(f, "a non-breaking space (U+{cp:04X})"),
            Self::LookAlike(cp) => {
                write!(
                    f,
                    "a Cyrillic or Greek letter that looks like a Latin one (U+{cp:04X})"
                )
            }
            Self::OtherNonAscii(cp) => write!(f, "a non-ASCII character (U+{cp:04X})"),
            Self::Punctuation(c) => write!(f, "the character '{c}'"),
        }
    }
}

/// Which end of the value carries stray whitespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// Before the key.
    Leading,
    /// After the key (the classic secrets-manager newline).
    Trailing,
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Leading => "leading",
            Self::Trailing => "trailing",
        })
    }
}

/// Why a string is not a well-formed Pictify API key.
///
/// Each variant has a stable [`code`](KeyError::code). Positions are 1-based character
/// positions in the value as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The value is empty (or only whitespace). Set the variable to your key from the dashboard.
    #[error(
        "the API key is empty: set it to your pk_live_ or pk_test_ key from the Pictify dashboard"
    )]
    Empty,
    /// Whitespace before or after the key, usually a newline added by a secrets manager or
    /// `echo`. Strip it where the key is stored (`printf` instead of `echo`, `tr -d '\n'`).
    #[error("{end} whitespace at position {position}: {class} surrounds the key; remove it where the key is stored (a secrets manager or `echo` often adds a trailing newline)")]
    Whitespace {
        /// Leading or trailing.
        end: End,
        /// Position of the first whitespace character at that end.
        position: usize,
        /// Which whitespace character.
        class: CharClass,
    },
    /// The key is wrapped in quotes, as copied from a `.env` file or shell script. Remove the
    /// quotes from the stored value.
    #[error("the key is wrapped in quotes ({quote} at position {position}): remove the quotes from the stored value; they were probably copied from a .env file or a shell script")]
    Quoted {
        /// The quote character (`"`, `'` or a backtick).
        quote: char,
        /// Position of the quote.
        position: usize,
    },
    /// A control character (other than leading/trailing whitespace) inside the key. Copy the
    /// key again from the dashboard.
    #[error("{class} at position {position}: keys contain only letters and digits; copy the key again from the Pictify dashboard")]
    ControlCharacter {
        /// Position of the character.
        position: usize,
        /// Which character.
        class: CharClass,
    },
    /// A non-ASCII character: an invisible zero-width character, a non-breaking space, or a
    /// look-alike letter from another alphabet. Retype or re-copy the key.
    #[error("{class} at position {position}: keys are plain ASCII; this usually comes from copying the key out of a chat, document or web page — copy it again from the Pictify dashboard")]
    NonAscii {
        /// Position of the character.
        position: usize,
        /// Which character.
        class: CharClass,
    },
    /// The value does not start with `pk_live_` or `pk_test_`: it is not a Pictify key, or
    /// the wrong variable was set. Copy the key from the Pictify dashboard.
    #[error("the value does not start with pk_live_ or pk_test_: it is not a Pictify API key; copy the key from the Pictify dashboard")]
    MissingPrefix,
    /// The prefix is in the wrong case (`PK_LIVE_…`). Keys are case-sensitive: use the key
    /// exactly as issued.
    #[error("the prefix is in the wrong case: keys start with lowercase pk_live_ or pk_test_ and are case-sensitive; use the key exactly as issued")]
    WrongCase,
    /// `pk_` followed by a mode other than `live` or `test` (`pk_prod_…`). Pictify keys are
    /// `pk_live_` (production) or `pk_test_` (development); copy the key again.
    #[error("unknown key mode{}: Pictify keys are pk_live_ (production) or pk_test_ (development)", mode.as_ref().map(|m| format!(" 'pk_{m}_'")).unwrap_or_default())]
    UnknownMode {
        /// The mode segment, when it is a short lowercase word (never part of a key body).
        mode: Option<String>,
    },
    /// Another vendor's credential, e.g. a Stripe secret key or a GitHub token. Check which
    /// variable you set; that credential may need rotating if it was shared by mistake.
    #[error("this is not a Pictify key but another vendor's credential ({vendor} {kind}): check which variable you set, and rotate that credential if it was shared by mistake")]
    ForeignKey {
        /// The vendor, e.g. `Stripe`.
        vendor: &'static str,
        /// What kind of credential, e.g. `secret key (sk_live_)`.
        kind: &'static str,
    },
    /// A documentation placeholder such as `pk_live_your_api_key` or `pk_live_xyz...`.
    /// Replace it with your key from the Pictify dashboard.
    #[error("this is a placeholder ({reason}), not a real key: replace it with your key from the Pictify dashboard")]
    Placeholder {
        /// What gave it away.
        reason: &'static str,
    },
    /// The body is shorter than 16 characters: the key was probably cut off when copied.
    #[error("the key is too short: its body has {length} characters, a key has {min} to {max}; it was probably cut off when copied")]
    TooShort {
        /// Body length in characters.
        length: usize,
        /// Minimum body length.
        min: usize,
        /// Maximum body length.
        max: usize,
    },
    /// The body is longer than 128 characters: two keys pasted together, or extra text.
    #[error("the key is too long: its body has {length} characters, a key has {min} to {max}; two values may have been pasted together")]
    TooLong {
        /// Body length in characters.
        length: usize,
        /// Minimum body length.
        min: usize,
        /// Maximum body length.
        max: usize,
    },
    /// A character that is not a letter or digit in the key body. Copy the key again from
    /// the Pictify dashboard.
    #[error("{class} at position {position} is not allowed: a key body has only letters and digits (0-9, A-Z, a-z); copy the key again from the Pictify dashboard")]
    InvalidCharacter {
        /// Position of the character.
        position: usize,
        /// Which character.
        class: CharClass,
    },
}

impl KeyError {
    /// The stable code of this error, identical in every language binding.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::Whitespace { .. } => "whitespace",
            Self::Quoted { .. } => "quoted",
            Self::ControlCharacter { .. } => "control_character",
            Self::NonAscii { .. } => "non_ascii",
            Self::MissingPrefix => "missing_prefix",
            Self::WrongCase => "wrong_case",
            Self::UnknownMode { .. } => "unknown_mode",
            Self::ForeignKey { .. } => "foreign_key",
            Self::Placeholder { .. } => "placeholder",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::InvalidCharacter { .. } => "invalid_character",
        }
    }

    /// The 1-based character position of the offending character, when there is one.
    pub fn position(&self) -> Option<usize> {
        match self {
            Self::Whitespace { position, .. }
            | Self::Quoted { position, .. }
            | Self::ControlCharacter { position, .. }
            | Self::NonAscii { position, .. }
            | Self::InvalidCharacter { position, .. } => Some(*position),
            _ => None,
        }
    }

    /// The vendor named by a [`KeyError::ForeignKey`].
    pub fn vendor(&self) -> Option<&'static str> {
        match self {
            Self::ForeignKey { vendor, .. } => Some(vendor),
            _ => None,
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

/// A secrets-manager reference that cannot be used, or a fetch from the manager that failed.
///
/// `origin` names the reference (`vault://secret/pictify#api_key`) or, for a malformed one,
/// where it was found (`env:PICTIFY_API_KEY`); no message ever holds the secret, a token or a
/// credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// A malformed secret reference. Fix the part named; the forms are
    /// `vault://MOUNT/PATH#FIELD`, `aws-sm://SECRET_ID[#FIELD]` and
    /// `gcp-sm://projects/P/secrets/S[/versions/V]`.
    #[error("{origin}: malformed secret reference: the {part} {reason}; write vault://MOUNT/PATH#FIELD, aws-sm://SECRET_ID[#FIELD] or gcp-sm://projects/P/secrets/S[/versions/V]")]
    BadReference {
        /// Where the reference was found (`env:PICTIFY_API_KEY`, `reference`).
        origin: String,
        /// The part that is wrong: `scheme`, `mount`, `path`, `field`, `secret id`, `project`,
        /// `secret`, `version`.
        part: &'static str,
        /// What is wrong with it (fixed text, never the value).
        reason: &'static str,
    },
    /// The manager has no such secret (Vault 404, AWS `ResourceNotFoundException`): check the
    /// path or id, the region or namespace, and that the latest version is not deleted.
    #[error("{origin}: the secrets manager has no such secret (or its current version is deleted); check the path or id, the region or namespace")]
    NotFound {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
    },
    /// The manager refused the credentials or the policy does not allow the read (Vault 403,
    /// AWS `AccessDeniedException`, `UnrecognizedClientException`, `SignatureDoesNotMatch`):
    /// check the token or keys and the policy for this secret.
    #[error("{origin}: the secrets manager refused access ({status}); check the token or access keys and that the policy allows reading this secret")]
    AccessDenied {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
    },
    /// The manager could not be reached or did not answer in time: check the address
    /// (VAULT_ADDR, AWS_ENDPOINT_URL…) and the network.
    #[error("{origin}: the secrets manager could not be reached ({reason}); check its address and the network")]
    Unreachable {
        /// The reference.
        origin: String,
        /// `connection`, `timeout` or `transport` (fixed text; URLs are withheld).
        reason: &'static str,
    },
    /// The secret holds JSON without the field the reference names: add the field, or name
    /// the right one after `#`.
    #[error(
        "{origin}: the secret has no field '{field}'; name the field that holds the key after #"
    )]
    FieldMissing {
        /// The reference.
        origin: String,
        /// The field looked for.
        field: String,
    },
    /// The secret (or its field) is not text: a binary AWS secret, a number or an object.
    /// Store the key as a string.
    #[error("{origin}: the secret is not text (binary, or a field that is not a string); store the key as a string")]
    NotText {
        /// The reference.
        origin: String,
    },
    /// The credentials the provider needs are not configured: set the variable named.
    #[error("{origin}: no credentials for the secrets manager: set {variable}")]
    CredentialsMissing {
        /// The reference.
        origin: String,
        /// The variable to set (`VAULT_TOKEN`, `AWS_ACCESS_KEY_ID`, …).
        variable: &'static str,
    },
    /// The manager answered with another error (throttling, a server error, a KMS decryption
    /// failure): retry later; `kind` names the manager's error type.
    #[error("{origin}: the secrets manager answered {status} ({kind}); retry later, or check the secret's configuration")]
    Manager {
        /// The reference.
        origin: String,
        /// The manager's HTTP status.
        status: u16,
        /// The manager's error type (`ThrottlingException`, `server_error`), a plain word.
        kind: String,
    },
    /// The manager's answer was not the JSON expected: check that the address points at the
    /// manager and not at a proxy.
    #[error("{origin}: the secrets manager sent an answer that is not the expected JSON ({status}); check that the address points at the manager")]
    InvalidResponse {
        /// The reference.
        origin: String,
        /// The HTTP status of the answer.
        status: u16,
    },
    /// This build or front end cannot fetch from secrets managers (no transport): resolve the
    /// reference in a build with the `secrets-http` feature, or pass the key itself.
    #[error("{origin}: this build cannot fetch from secrets managers; use a build with secrets-manager support or pass the key itself")]
    Unsupported {
        /// The reference.
        origin: String,
    },
}

impl SecretError {
    /// The stable code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadReference { .. } => "secret_bad_reference",
            Self::NotFound { .. } => "secret_not_found",
            Self::AccessDenied { .. } => "secret_access_denied",
            Self::Unreachable { .. } => "secret_unreachable",
            Self::FieldMissing { .. } => "secret_field_missing",
            Self::NotText { .. } => "secret_not_text",
            Self::CredentialsMissing { .. } => "secret_credentials_missing",
            Self::Manager { .. } => "secret_manager_error",
            Self::InvalidResponse { .. } => "secret_invalid_response",
            Self::Unsupported { .. } => "secret_unsupported",
        }
    }

    /// The reference (or, for a malformed one, where it was found).
    pub fn origin(&self) -> &str {
        match self {
            Self::BadReference { origin, .. }
            | Self::NotFound { origin, .. }
            | Self::AccessDenied { origin, .. }
            | Self::Unreachable { origin, .. }
            | Self::FieldMissing { origin, .. }
            | Self::NotText { origin }
            | Self::CredentialsMissing { origin, .. }
            | Self::Manager { origin, .. }
            | Self::InvalidResponse { origin, .. }
            | Self::Unsupported { origin } => origin,
        }
    }

    /// The manager's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::NotFound { status, .. }
            | Self::AccessDenied { status, .. }
            | Self::Manager { status, .. }
            | Self::InvalidResponse { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// True for failures worth riding out with a cached value (unreachable, throttled, 5xx).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Unreachable { .. } => true,
            Self::Manager { status, kind, .. } => {
                *status == 429 || *status >= 500 || kind.contains("Throttl")
            }
            _ => false,
        }
    }
}

/// A failed call to the Pictify API. Messages never contain URLs, headers or keys.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HttpError {
    /// Every configured key was refused with 401. Check that the key is active in the
    /// Pictify dashboard and has not been revoked; during a rotation set PICTIFY_API_KEY_NEW.
    #[error("the Pictify API refused every configured key ({tried} tried) with 401 Unauthorized{}: check that the key is active and not revoked in the Pictify dashboard", api_reason(.api_code, .request_id))]
    Unauthorized {
        /// How many keys were tried.
        tried: usize,
        /// The API's own error code for the last refusal (`revoked_api_key`,
        /// `key_not_active`, `invalid_api_key`, …), when it sent one.
        api_code: Option<String>,
        /// The API's request id of the last refusal (`X-Request-Id`), for support tickets.
        request_id: Option<String>,
    },
    /// The API did not answer in time, also after retries. Raise the timeout or retry later.
    #[error("the Pictify API did not answer in time (after {attempts} attempts); retry later or raise the timeout")]
    Timeout {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The connection failed or broke, also after retries. Check network access to the API.
    #[error("could not reach the Pictify API (after {attempts} attempts): the connection failed or was closed; check network access")]
    Connection {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// Still rate limited (429) after retries. Slow down or contact Pictify for a higher limit.
    #[error("the Pictify API is rate limiting this key (429, after {attempts} attempts); slow down and retry later")]
    RateLimited {
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The API answered with a server error (5xx) after retries. Retry later.
    #[error("the Pictify API answered {status} (after {attempts} attempts); this is a server-side problem, retry later")]
    Server {
        /// The last status.
        status: u16,
        /// Attempts made with the same key.
        attempts: u32,
    },
    /// The API refused the request with a client error other than 401 (400, 403, 404, 422, or
    /// 408/409 after retries). Check the request against the API documentation.
    #[error("the Pictify API answered {status}{}{}", api_reason(.api_code, .request_id), message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
    Status {
        /// The status.
        status: u16,
        /// The API's own error message, if it sent one (never contains the key).
        message: Option<String>,
        /// The API's own error code (`bad_request`, …), when it sent one.
        api_code: Option<String>,
        /// The API's request id (`X-Request-Id`), for support tickets.
        request_id: Option<String>,
    },
    /// The request could not be built: a bad base URL, path or method. Fix the call.
    #[error("invalid request: {reason}")]
    InvalidRequest {
        /// What is wrong.
        reason: &'static str,
    },
    /// The answer was not the JSON the client expected. Check the base URL (a proxy or a
    /// captive portal may have answered), or retry later.
    #[error("the Pictify API sent an answer that is not valid JSON ({status})")]
    InvalidResponse {
        /// The status of the answer.
        status: u16,
    },
    /// Another transport failure (TLS, protocol). Details are withheld because they may carry
    /// URLs or headers.
    #[error("the HTTP request failed ({kind})")]
    Transport {
        /// A short, fixed description of the failure kind.
        kind: &'static str,
    },
}

impl HttpError {
    /// The stable code: `unauthorized`, `http_timeout`, `http_connection`, `rate_limited`,
    /// `server_error`, `http_status`, `invalid_request`, `invalid_response`, `http_transport`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthorized { .. } => "unauthorized",
            Self::Timeout { .. } => "http_timeout",
            Self::Connection { .. } => "http_connection",
            Self::RateLimited { .. } => "rate_limited",
            Self::Server { .. } => "server_error",
            Self::Status { .. } => "http_status",
            Self::InvalidRequest { .. } => "invalid_request",
            Self::InvalidResponse { .. } => "invalid_response",
            Self::Transport { .. } => "http_transport",
        }
    }

    /// The HTTP status behind this error, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Unauthorized { .. } => Some(401),
            Self::RateLimited { .. } => Some(429),
            Self::Server { status, .. }
            | Self::Status { status, .. }
            | Self::InvalidResponse { status } => Some(*status),
            _ => None,
        }
    }
}

/// ` (revoked_api_key, request req_42)`: the API's reason and request id, for messages.
fn api_reason(api_code: &Option<String>, request_id: &Option<String>) -> String {
    match (api_code, request_id) {
        (Some(c), Some(r)) => format!(" ({c}, request {r})"),
        (Some(c), None) => format!(" ({c})"),
        (None, Some(r)) => format!(" (request {r})"),
        (None, None) => String::new(),
    }
}

/// The API's error code from an error body (`{"error": {"code": "revoked_api_key"}}`), when it
/// is a short snake_case word (anything else is dropped: it could carry text we cannot vouch
/// for).
pub fn api_code_of(code: Option<&str>) -> Option<String> {
    let c = code?;
    let ok = (1..=64).contains(&c.len())
        && c.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !c.starts_with("pk_");
    ok.then(|| c.to_owned())
}

/// A request id from the API's `X-Request-Id` header, when it is short and plain (letters,
/// digits, `_ - . :`) and not key-shaped.
pub fn request_id_of(header: Option<&str>) -> Option<String> {
    let r = header?.trim();
    let ok = (1..=128).contains(&r.len())
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b':'))
        && !r.contains("pk_");
    ok.then(|| r.to_owned())
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
        }
    }
}
