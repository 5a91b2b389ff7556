//! [`KeyError`]: why a string is not a well-formed key, with a stable code per variant.

use super::{CharClass, End};

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
