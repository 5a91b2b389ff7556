//! Redaction of Pictify API keys in any text: whole strings, byte streams and JSON values.
//!
//! A key becomes its fingerprint (`pk_live_****a1b2`), or by option `[REDACTED]` or a
//! length-preserving mask. What is caught:
//!
//! - `pk_live_` / `pk_test_` followed by 8 or more letters and digits, in any case and with
//!   anything around it: quotes, URLs (`?api_key=`, `user:KEY@host`), `%22…%22` URL escapes,
//!   JSON escapes, directly after `=`, `:`, `/` or a tab. Bodies too short or too long to be
//!   valid keys are redacted as well (err toward redacting).
//! - The value of `Authorization: Bearer …` (also `Bearer%20…`) and of `api_key`, `api-key`,
//!   `apikey`, `X-Api-Key` (`=` or `:`, quoted or not) and `?key=` / `&key=`, whatever the
//!   token is: a key becomes its fingerprint, anything else `[REDACTED]`.
//!
//! Text with nothing to redact comes back as [`Cow::Borrowed`], without allocating. The
//! prefix of an upper-case key is kept as written (`PK_LIVE_****A1B2`), so the output shows
//! what was there. Redacting twice gives the same text as redacting once.
//!
//! ```
//! use pictify_keys::redact::{redact, Redactor, Style};
//!
//! let line = "GET /v1/render?api_key=pk_live_FAKE3Wwd25rq4f5zra1b2 200";
//! assert_eq!(redact(line), "GET /v1/render?api_key=pk_live_****a1b2 200");
//! assert_eq!(Redactor::new(Style::Redacted).redact(line), "GET /v1/render?api_key=[REDACTED] 200");
//! assert!(matches!(redact("no key here"), std::borrow::Cow::Borrowed(_)));
//! ```

use std::borrow::Cow;

mod engine;
mod finder;
#[cfg(feature = "json")]
mod json;
mod lexer;
mod stream;

pub use engine::MAX_PENDING;
use engine::{scan, Carry, Sink};
pub use finder::TRIGGERS;
#[cfg(feature = "json")]
pub use json::{is_sensitive_field, redact_json};
pub use stream::{RedactingWriter, StreamRedactor};

/// How a redacted key (or token) is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "uniffi",
    derive(uniffi::Enum),
    uniffi(name = "RedactionStyle")
)]
pub enum Style {
    /// `pk_live_****a1b2`: the prefix and the last four body characters, as
    /// [`ApiKey::fingerprint`](crate::ApiKey::fingerprint) shows them. Other tokens become
    /// `[REDACTED]`.
    #[default]
    Fingerprint,
    /// `[REDACTED]` for everything.
    Redacted,
    /// `pk_live_************************a1b2`: every hidden character becomes `*`, so the
    /// byte length of the text is preserved (for column-aligned logs). Other tokens become
    /// one `*` per byte.
    Mask,
}

impl Style {
    /// `fingerprint`, `redacted` or `mask`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fingerprint => "fingerprint",
            Self::Redacted => "redacted",
            Self::Mask => "mask",
        }
    }

    /// The style with this name, as [`Style::as_str`] gives it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "fingerprint" => Some(Self::Fingerprint),
            "redacted" => Some(Self::Redacted),
            "mask" => Some(Self::Mask),
            _ => None,
        }
    }

    /// The style with this name, or an `invalid_argument` error naming the three styles.
    pub fn parse(name: &str) -> Result<Self, crate::Error> {
        Self::from_name(name).ok_or_else(|| {
            crate::Error::invalid_argument(
                "style must be \"fingerprint\", \"redacted\" or \"mask\"",
            )
        })
    }
}

/// Redacts keys and credential tokens in a given [`Style`].
///
/// `Redactor` is a small `Copy` value; the search tables are built once per process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redactor {
    style: Style,
}

impl Redactor {
    /// A redactor writing keys in `style`.
    pub const fn new(style: Style) -> Self {
        Self { style }
    }

    /// The style of this redactor.
    pub fn style(self) -> Style {
        self.style
    }

    /// Redacts `text`; borrows it back unchanged when there is nothing to redact.
    pub fn redact(self, text: &str) -> Cow<'_, str> {
        let mut edits = Edits::default();
        scan(
            self.style,
            text.as_bytes(),
            0,
            true,
            &mut Carry::None,
            &mut edits,
        );
        if edits.list.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(edits.output_len(text.len()));
        let mut done = 0;
        for (start, end, with) in edits.iter() {
            // Edits start and end next to ASCII bytes, so both ends are character boundaries.
            out.push_str(&text[done..start]);
            out.push_str(with);
            done = end;
        }
        out.push_str(&text[done..]);
        Cow::Owned(out)
    }

    /// Redacts bytes that need not be UTF-8: invalid sequences pass through untouched.
    pub fn redact_bytes(self, bytes: &[u8]) -> Cow<'_, [u8]> {
        let mut edits = Edits::default();
        scan(self.style, bytes, 0, true, &mut Carry::None, &mut edits);
        if edits.list.is_empty() {
            return Cow::Borrowed(bytes);
        }
        let mut out = Vec::with_capacity(edits.output_len(bytes.len()));
        let mut done = 0;
        for (start, end, with) in edits.iter() {
            out.extend_from_slice(&bytes[done..start]);
            out.extend_from_slice(with.as_bytes());
            done = end;
        }
        out.extend_from_slice(&bytes[done..]);
        Cow::Owned(out)
    }

    /// Appends the redaction of `text` to `out` and returns how many replacements were made.
    ///
    /// For callers that reuse one buffer across calls (a log formatter, a pipeline stage):
    /// after the first call the buffer's memory is warm, so a large text costs no fresh
    /// pages. The appended text equals [`redact`](Self::redact) of `text`.
    ///
    /// ```
    /// use pictify_keys::redact::Redactor;
    ///
    /// let mut line = String::new();
    /// let n = Redactor::default().redact_into("token=pk_test_FAKE3Wwd25rq4f5zra1b2", &mut line);
    /// assert_eq!((n, line.as_str()), (1, "token=pk_test_****a1b2"));
    /// ```
    pub fn redact_into(self, text: &str, out: &mut String) -> usize {
        out.reserve(text.len());
        let mut done = 0;
        let n = self.for_each_edit(text.as_bytes(), |start, end, replacement| {
            // Edits start and end next to ASCII bytes, so both ends are character boundaries.
            out.push_str(&text[done..start]);
            out.push_str(replacement);
            done = end;
        });
        out.push_str(&text[done..]);
        n
    }

    /// Reports every replacement `redact_bytes` would make, in order and never overlapping, as
    /// `edit(start, end, replacement)` over byte offsets of `bytes`; returns how many there were.
    ///
    /// Bindings use this to splice the replacements into their own string type instead of
    /// copying a whole new text across the boundary. Every match is ASCII and the scanner treats
    /// every byte at or above `0x80` alike, so a text whose non-ASCII characters are each
    /// narrowed to one such byte (a UTF-16 code unit, a Latin-1 byte) gets the same edits at
    /// the same indices as its UTF-8 form gets at the matching byte offsets.
    ///
    /// ```
    /// let mut edits = Vec::new();
    /// let n = pictify_keys::redact::Redactor::default().for_each_edit(
    ///     b"key=pk_test_FAKE3Wwd25rq4f5zra1b2 ok",
    ///     |start, end, with| edits.push((start, end, with.to_owned())),
    /// );
    /// assert_eq!(n, 1);
    /// assert_eq!(edits, [(4, 33, "pk_test_****a1b2".to_owned())]);
    /// ```
    pub fn for_each_edit(self, bytes: &[u8], edit: impl FnMut(usize, usize, &str)) -> usize {
        let mut sink = FnSink { edit, count: 0 };
        scan(self.style, bytes, 0, true, &mut Carry::None, &mut sink);
        sink.count
    }

    /// A streaming redactor with this style.
    pub fn stream(self) -> StreamRedactor {
        StreamRedactor::new(self)
    }

    /// Whether `text` holds anything this redactor would change.
    pub fn finds_secret(self, text: &str) -> bool {
        matches!(self.redact(text), Cow::Owned(_))
    }
}

/// Redacts `text` in the default style (fingerprints); borrows it back when nothing changes.
///
/// ```
/// assert_eq!(
///     pictify_keys::redact::redact("Authorization: Bearer pk_test_FAKE3Wwd25rq4f5zra1b2"),
///     "Authorization: Bearer pk_test_****a1b2"
/// );
/// ```
pub fn redact(text: &str) -> Cow<'_, str> {
    Redactor::default().redact(text)
}

/// Redacts bytes in the default style; invalid UTF-8 passes through untouched.
pub fn redact_bytes(bytes: &[u8]) -> Cow<'_, [u8]> {
    Redactor::default().redact_bytes(bytes)
}

/// The edits of a whole-buffer scan, collected before the output is built: the scan runs
/// over the input alone, then the output (its exact size allocated once) is written in one
/// pass of copies, which keeps a large fresh output's page faults out of the search loop.
#[derive(Default)]
struct Edits {
    /// `(start, end, end of the replacement in text)`; each replacement starts where the
    /// previous one ended.
    list: Vec<(usize, usize, usize)>,
    text: String,
    removed: usize,
}

impl Edits {
    fn output_len(&self, input_len: usize) -> usize {
        input_len - self.removed + self.text.len()
    }

    fn iter(&self) -> impl Iterator<Item = (usize, usize, &str)> {
        let mut from = 0;
        self.list.iter().map(move |&(start, end, to)| {
            let with = self.text.get(from..to).unwrap_or_default();
            from = to;
            (start, end, with)
        })
    }
}

impl Sink for Edits {
    fn edit(&mut self, start: usize, end: usize, replacement: &str) {
        self.text.push_str(replacement);
        self.removed += end - start;
        self.list.push((start, end, self.text.len()));
    }
}

struct FnSink<F> {
    edit: F,
    count: usize,
}

impl<F: FnMut(usize, usize, &str)> Sink for FnSink<F> {
    fn edit(&mut self, start: usize, end: usize, replacement: &str) {
        self.count += 1;
        (self.edit)(start, end, replacement);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: &str = "pk_live_FAKE3Wwd25rq4f5zra1b2";

    #[test]
    fn styles() {
        assert_eq!(redact(K), "pk_live_****a1b2");
        assert_eq!(Redactor::new(Style::Redacted).redact(K), "[REDACTED]");
        let masked = Redactor::new(Style::Mask).redact(K);
        assert_eq!(masked.len(), K.len());
        assert_eq!(masked, "pk_live_*****************a1b2");
    }

    #[test]
    fn untouched_text_is_borrowed() {
        for text in [
            "",
            "pk_live",
            "pk_live_",
            "pk_live_abc",
            "the pk_ column",
            "key: value",
            "Bearer",
        ] {
            assert!(matches!(redact(text), Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn upper_case_keeps_prefix() {
        assert_eq!(redact("PK_LIVE_FAKE3WWD25RQ4F5ZRA1B2"), "PK_LIVE_****A1B2");
        assert_eq!(redact("Pk_Test_FAKE3Wwd25rq4f5zra1b2"), "Pk_Test_****a1b2");
    }

    #[test]
    fn back_to_back_keys() {
        let two = format!("{K}{K}");
        assert_eq!(redact(&two), "pk_live_****a1b2pk_live_****a1b2");
    }

    #[test]
    fn contexts() {
        assert_eq!(
            redact("Authorization: Bearer eyJhbGciOi.x.y"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(redact("X-Api-Key: abcdef123"), "X-Api-Key: [REDACTED]");
        assert_eq!(redact("?a=1&key=s3cr3t&b=2"), "?a=1&key=[REDACTED]&b=2");
        assert_eq!(
            redact(r#"{"apiKey":"s3cr3t"}"#),
            r#"{"apiKey":"[REDACTED]"}"#
        );
        assert_eq!(redact(r#"{"api_key": null}"#), r#"{"api_key": null}"#);
        assert_eq!(redact("monkey=banana"), "monkey=banana");
    }
}
