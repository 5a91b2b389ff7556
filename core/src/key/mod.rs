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
mod error;

pub(crate) use diagnose::diagnose;
pub use diagnose::{CharClass, End};
pub use error::KeyError;

/// Shortest accepted key body, in characters.
pub const BODY_MIN: usize = 16;
/// Longest accepted key body, in characters.
pub const BODY_MAX: usize = 128;

/// Whether a key works against production data (`live`) or is limited to development (`test`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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

#[cfg(test)]
mod tests {
    use super::diagnose::fast_path;
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
