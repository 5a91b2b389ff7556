//! Why a string is not a well-formed key: the [`KeyError`] codes, and the character classes and
//! ends that its messages name instead of the text itself.

use std::fmt;

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
