//! The API key type: parsing, mode, fingerprint.
//!
//! A Pictify key is `pk_` + mode (`live` | `test`) + `_` + a base62 body of 16 to 128
//! characters. [`ApiKey::parse`] accepts exactly that and diagnoses everything else with a
//! stable error code (see [`KeyError`]). The parsed key keeps its secret in memory that is
//! zeroed on drop; `Debug` and `Display` print only the fingerprint (`pk_live_****a1b2`), and
//! reading the secret takes an explicit [`ApiKey::expose_secret`].

use std::fmt;
use std::str::FromStr;

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

mod diagnose;

pub use diagnose::{CharClass, End, KeyError};

/// Shortest accepted key body, in characters.
pub const BODY_MIN: usize = 16;
/// Longest accepted key body, in characters.
pub const BODY_MAX: usize = 128;

/// Whether a key works against production data (`live`) or is limited to development (`test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Mode {
    /// `pk_live_…`: production, full access.
    Live,
    /// `pk_test_…`: development, limited.
    Test,
}

impl Mode {
    /// `"live"` or `"test"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Live => "live",
            Self::Test => "test",
        }
    }

    /// The mode named `"live"` or `"test"` (exactly, as [`Mode::as_str`] spells it); `None`
    /// for any other name. Every front end parses a mode argument with this.
    ///
    /// ```
    /// use pictify_keys::Mode;
    /// assert_eq!(Mode::from_name("live"), Some(Mode::Live));
    /// assert_eq!(Mode::from_name("Live"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "live" => Some(Self::Live),
            "test" => Some(Self::Test),
            _ => None,
        }
    }

    /// The key prefix of this mode: `"pk_live_"` or `"pk_test_"`.
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Live => "pk_live_",
            Self::Test => "pk_test_",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A well-formed Pictify API key.
///
/// ```
/// use pictify_keys::{ApiKey, Mode};
///
/// let key = ApiKey::parse("pk_test_FAKE3Wwd25rq4f5zr3a1b2")?;
/// assert_eq!(key.mode(), Mode::Test);
/// assert_eq!(key.fingerprint(), "pk_test_****a1b2");
/// assert_eq!(format!("{key:?}"), "ApiKey(pk_test_****a1b2)");
/// # Ok::<(), pictify_keys::KeyError>(())
/// ```
#[derive(Clone)]
pub struct ApiKey {
    secret: Zeroizing<String>,
    mode: Mode,
}

impl ApiKey {
    /// Parses and validates a key exactly as given (no trimming: a stray newline is an error,
    /// not something to silently repair, so the stored value gets fixed at its source).
    pub fn parse(value: &str) -> Result<Self, KeyError> {
        let mode = diagnose(value)?;
        Ok(Self {
            secret: Zeroizing::new(value.to_owned()),
            mode,
        })
    }

    /// Live or test.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The last four body characters, the part shown in the fingerprint.
    pub fn last4(&self) -> &str {
        // The body is ASCII and at least 16 characters long, so this slice is in bounds and
        // on a character boundary.
        &self.secret[self.secret.len() - 4..]
    }

    /// The fingerprint shown to people: prefix, `****`, the last four body characters,
    /// e.g. `pk_live_****a1b2`.
    pub fn fingerprint(&self) -> String {
        let mut out = String::with_capacity(16);
        out.push_str(self.mode.prefix());
        out.push_str("****");
        out.push_str(self.last4());
        out
    }

    /// The full secret, for putting into an `Authorization` header and nowhere else.
    ///
    /// Callers must mark each use with an `// EXPOSE:` comment that says why.
    pub fn expose_secret(&self) -> &str {
        &self.secret
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ApiKey({})", self.fingerprint())
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fingerprint())
    }
}

impl PartialEq for ApiKey {
    /// Constant-time in the key content (the length may still be observed).
    fn eq(&self, other: &Self) -> bool {
        self.secret.as_bytes().ct_eq(other.secret.as_bytes()).into()
    }
}

impl Eq for ApiKey {}

impl FromStr for ApiKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Checks `value` and returns its mode, or the first problem found.
///
/// The order of checks is part of the contract (tests/vectors/keys.json): problems with the
/// value as a whole (whitespace, quotes, placeholders, stray characters, another vendor's
/// key) come before problems with the prefix, which come before problems with the body.
pub fn diagnose(value: &str) -> Result<Mode, KeyError> {
    if let Some(mode) = fast_path(value) {
        return Ok(mode);
    }
    if value.chars().all(is_ascii_ws) {
        return Err(KeyError::Empty);
    }
    check_edges(value)?;
    if let Some(reason) = whole_value_placeholder(value) {
        return Err(KeyError::Placeholder { reason });
    }
    check_characters(value)?;
    // From here on the value is printable ASCII, so byte offsets are character positions.
    if let Some(e) = foreign_key(value) {
        return Err(e);
    }
    if let Some(reason) = word_placeholder(value) {
        return Err(KeyError::Placeholder { reason });
    }
    let (mode, body) = split_prefix(value)?;
    check_body(body)?;
    Ok(mode)
}

/// The common case, a valid key, in one pass without building any error.
fn fast_path(value: &str) -> Option<Mode> {
    let mode = if value.starts_with("pk_live_") {
        Mode::Live
    } else if value.starts_with("pk_test_") {
        Mode::Test
    } else {
        return None;
    };
    let body = &value.as_bytes()[8..];
    if (BODY_MIN..=BODY_MAX).contains(&body.len())
        && body.iter().all(u8::is_ascii_alphanumeric)
        && body_placeholder(body).is_none()
    {
        Some(mode)
    } else {
        None
    }
}

fn is_ascii_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '`')
}

/// Whitespace and quotes at either end.
fn check_edges(value: &str) -> Result<(), KeyError> {
    let len = value.chars().count();
    if let Some(first) = value.chars().next() {
        if is_ascii_ws(first) {
            return Err(KeyError::Whitespace {
                end: End::Leading,
                position: 1,
                class: CharClass::of(first),
            });
        }
    }
    let trailing = value.chars().rev().take_while(|&c| is_ascii_ws(c)).count();
    if trailing > 0 {
        let first_ws = value.chars().nth(len - trailing).unwrap_or(' ');
        return Err(KeyError::Whitespace {
            end: End::Trailing,
            position: len - trailing + 1,
            class: CharClass::of(first_ws),
        });
    }
    match (value.chars().next(), value.chars().last()) {
        (Some(q), _) if is_quote(q) => Err(KeyError::Quoted {
            quote: q,
            position: 1,
        }),
        (_, Some(q)) if is_quote(q) => Err(KeyError::Quoted {
            quote: q,
            position: len,
        }),
        _ => Ok(()),
    }
}

/// Placeholders recognisable anywhere in the value, checked before character classes
/// because they often contain characters (`…`, `<`, `*`, spaces) that would otherwise hide
/// the real problem.
fn whole_value_placeholder(value: &str) -> Option<&'static str> {
    if value.contains("...") || value.contains('\u{2026}') {
        return Some("it contains an ellipsis, as in documentation examples");
    }
    if let Some(open) = value.find('<') {
        if value[open..].contains('>') {
            return Some("it is an <angle-bracket> placeholder");
        }
    }
    if value.contains("${") || value.contains("{{") || value.contains("$(") {
        return Some("it is an unexpanded template or variable reference");
    }
    if value.contains("****") {
        return Some("it is a redacted fingerprint, not the key itself");
    }
    None
}

/// Control and non-ASCII characters, whichever comes first.
fn check_characters(value: &str) -> Result<(), KeyError> {
    for (i, c) in value.chars().enumerate() {
        if c.is_ascii_control() {
            return Err(KeyError::ControlCharacter {
                position: i + 1,
                class: CharClass::of(c),
            });
        }
        if !c.is_ascii() {
            return Err(KeyError::NonAscii {
                position: i + 1,
                class: CharClass::of(c),
            });
        }
    }
    Ok(())
}

/// Credentials of other vendors, by their documented prefixes.
fn foreign_key(value: &str) -> Option<KeyError> {
    const PREFIXES: &[(&str, &str, &str)] = &[
        ("sk_live_", "Stripe", "secret key (sk_live_)"),
        ("sk_test_", "Stripe", "secret key (sk_test_)"),
        ("rk_live_", "Stripe", "restricted key (rk_live_)"),
        ("rk_test_", "Stripe", "restricted key (rk_test_)"),
        ("whsec_", "Stripe", "webhook signing secret (whsec_)"),
        (
            "github_pat_",
            "GitHub",
            "fine-grained personal access token (github_pat_)",
        ),
        ("ghp_", "GitHub", "personal access token (ghp_)"),
        ("gho_", "GitHub", "OAuth token (gho_)"),
        ("ghu_", "GitHub", "user-to-server token (ghu_)"),
        ("ghs_", "GitHub", "server-to-server token (ghs_)"),
        ("ghr_", "GitHub", "refresh token (ghr_)"),
        ("sk-ant-", "Anthropic", "API key (sk-ant-)"),
        ("sk-", "OpenAI", "API key (sk-)"),
        ("xoxb-", "Slack", "bot token (xoxb-)"),
        ("xoxp-", "Slack", "user token (xoxp-)"),
        ("xoxa-", "Slack", "app token (xoxa-)"),
        ("xoxr-", "Slack", "refresh token (xoxr-)"),
        ("xoxs-", "Slack", "session token (xoxs-)"),
        ("xoxe", "Slack", "token (xoxe)"),
        ("xapp-", "Slack", "app-level token (xapp-)"),
    ];
    for &(prefix, vendor, kind) in PREFIXES {
        if value.starts_with(prefix) {
            return Some(KeyError::ForeignKey { vendor, kind });
        }
    }
    let b = value.as_bytes();
    if b.len() == 20
        && (value.starts_with("AKIA") || value.starts_with("ASIA"))
        && b.iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return Some(KeyError::ForeignKey {
            vendor: "AWS",
            kind: "access key ID (AKIA…)",
        });
    }
    None
}

/// Words that documentation uses in place of a key.
const PLACEHOLDER_WORDS: &[&str] = &[
    "your",
    "apikey",
    "api_key",
    "api-key",
    "secretkey",
    "example",
    "placeholder",
    "replace",
    "change",
    "insert",
    "here",
    "redacted",
    "dummy",
    "sample",
    "production_key",
    "development_key",
    "test_key",
    "live_key",
];

/// `YOUR_API_KEY`, `your-api-key`, `changeme`: documentation text rather than a key, when the
/// value does not even start with `pk_`.
fn word_placeholder(value: &str) -> Option<&'static str> {
    if value.len() >= 3 && value.to_ascii_lowercase().starts_with("pk_") {
        return None;
    }
    let wordy = value
        .bytes()
        .all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.' | b' '));
    if wordy && contains_placeholder_word(value.as_bytes()) {
        return Some("it is documentation text, not a key");
    }
    if value.len() >= 4 && value.bytes().all(|c| c == b'x' || c == b'X') {
        return Some("it is a run of X characters");
    }
    None
}

fn contains_placeholder_word(text: &[u8]) -> bool {
    let lower = text.to_ascii_lowercase();
    PLACEHOLDER_WORDS
        .iter()
        .any(|w| lower.windows(w.len()).any(|win| win == w.as_bytes()))
}

/// Splits off `pk_live_` / `pk_test_`, diagnosing a wrong or missing prefix.
fn split_prefix(value: &str) -> Result<(Mode, &str), KeyError> {
    if let Some(body) = value.strip_prefix("pk_live_") {
        return Ok((Mode::Live, body));
    }
    if let Some(body) = value.strip_prefix("pk_test_") {
        return Ok((Mode::Test, body));
    }
    let lower = value.to_ascii_lowercase();
    if lower.starts_with("pk_") && !value.starts_with("pk_") {
        return Err(KeyError::WrongCase);
    }
    if lower.starts_with("pk_live_") || lower.starts_with("pk_test_") {
        return Err(KeyError::WrongCase);
    }
    let Some(rest) = value.strip_prefix("pk_") else {
        return Err(KeyError::MissingPrefix);
    };
    if rest == "live" || rest == "test" {
        return Err(KeyError::TooShort {
            length: 0,
            min: BODY_MIN,
            max: BODY_MAX,
        });
    }
    for mode in ["live", "test"] {
        if let Some(after) = rest.strip_prefix(mode) {
            if let Some(c) = after.chars().next() {
                if !c.is_ascii_alphanumeric() {
                    // `pk_live-…`: the separator is wrong.
                    return Err(KeyError::InvalidCharacter {
                        position: 8,
                        class: CharClass::of(c),
                    });
                }
            }
        }
    }
    let named = rest
        .split_once('_')
        .map(|(segment, _)| segment)
        .filter(|s| (1..=12).contains(&s.len()) && s.bytes().all(|c| c.is_ascii_lowercase()))
        .map(str::to_owned);
    Err(KeyError::UnknownMode { mode: named })
}

/// Characters, placeholders and length of the body (after the prefix).
fn check_body(body: &str) -> Result<(), KeyError> {
    let bytes = body.as_bytes();
    if let Some(reason) = body_placeholder(bytes) {
        return Err(KeyError::Placeholder { reason });
    }
    if let Some(i) = bytes.iter().position(|c| !c.is_ascii_alphanumeric()) {
        return Err(KeyError::InvalidCharacter {
            position: 8 + i + 1,
            class: CharClass::of(char::from(bytes[i])),
        });
    }
    let length = bytes.len();
    if length < BODY_MIN {
        return Err(KeyError::TooShort {
            length,
            min: BODY_MIN,
            max: BODY_MAX,
        });
    }
    if length > BODY_MAX {
        return Err(KeyError::TooLong {
            length,
            min: BODY_MIN,
            max: BODY_MAX,
        });
    }
    Ok(())
}

/// Bodies that no random key has: documentation words, runs of one character, sequences.
///
/// Each rule needs a pattern whose chance in a random base62 body is negligible (below
/// 1 in 10^10), so a real key is never refused as a placeholder.
fn body_placeholder(body: &[u8]) -> Option<&'static str> {
    let wordy = !body.is_empty()
        && body
            .iter()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.'))
        && (body.iter().any(|c| matches!(c, b'_' | b'-' | b'.'))
            || ((body.iter().all(u8::is_ascii_lowercase)
                || body.iter().all(u8::is_ascii_uppercase))
                && contains_placeholder_word(body)));
    if wordy {
        return Some("it is documentation text, not a key");
    }
    if body.len() >= 4 && body.iter().all(|&c| c == b'x' || c == b'X') {
        return Some("it is a run of X characters");
    }
    // One pass for both runs: the length of the current run of equal characters and of
    // ascending ones (`abcd…`, `1234…`).
    let (mut same, mut ascending) = (1, 1);
    for pair in body.windows(2) {
        same = if pair[1] == pair[0] { same + 1 } else { 1 };
        ascending = if pair[1] == pair[0].wrapping_add(1) {
            ascending + 1
        } else {
            1
        };
        if same >= 8 {
            return Some("it repeats one character eight or more times");
        }
        if ascending >= 8 {
            return Some("it contains a run such as 12345678 or abcdefgh");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_key_round_trip() {
        let key = ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zra1b2").unwrap();
        assert_eq!(key.mode(), Mode::Live);
        assert_eq!(key.fingerprint(), "pk_live_****a1b2");
        assert_eq!(key.to_string(), "pk_live_****a1b2");
        assert_eq!(format!("{key:?}"), "ApiKey(pk_live_****a1b2)");
        assert_eq!(key.expose_secret(), "pk_live_FAKE3Wwd25rq4f5zra1b2");
    }

    #[test]
    fn equality_compares_content() {
        let a = ApiKey::parse("pk_test_FAKE3Wwd25rq4f5zra1b2").unwrap();
        let b = ApiKey::parse("pk_test_FAKE3Wwd25rq4f5zra1b2").unwrap();
        let c = ApiKey::parse("pk_test_FAKE3Wwd25rq4f5zra1b3").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn fast_path_agrees_with_full_diagnosis() {
        // The fast path must never accept something the slow checks refuse.
        for v in [
            "pk_live_XXXXXXXXXXXXXXXXXXXX",
            "pk_test_0123456789abcdefgh",
            "pk_live_aaaaaaaaaaaaaaaaaaaaa",
        ] {
            assert!(fast_path(v).is_none(), "{v}");
            assert_eq!(diagnose(v).unwrap_err().code(), "placeholder");
        }
    }
}
