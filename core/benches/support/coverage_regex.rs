//! The equivalent-coverage regex: one `regex` pattern plus a replacement callback, written to
//! catch what the core's redactor catches, as a user without pictify-keys would write it.
//!
//! It covers: `pk_live_`/`pk_test_` keys in any case with a body of 8 or more characters
//! (fingerprint, mask and redacted styles, bodies over 128 characters losing their last four);
//! values after `Bearer` (space, tab, `+` or `%20`), after `api_key`/`api-key`/`apikey` (any
//! case, `=` or `:`, optional quotes including JSON-escaped `\"`, up to two spaces before and
//! three after the sign) and after `?key=`, `&key=`, `;key=`; tokens with `%HH` escapes of
//! token characters; already-redacted values, fingerprints and JSON literals left alone.
//!
//! Run against tests/vectors/redaction.json (`core/tests/redact_coverage_regex.rs`, part of
//! `just test`), it gives the core's output on every case but these, each listed by name
//! there (the test fails if the list changes):
//!
//! - `two keys back to back` (`…d6VLpk_live_…`) and `two keys back to back, upper-case
//!   second` (`…d6VLPK_LIVE_…`): the body's greedy `[0-9a-z]{8,}` runs into the second key
//!   and swallows it, so the output shows the second key whole (`pk_live_****VLpk_live_FAKE…`).
//!   The core gives the second key its `pk` back (its overlap rule); a regex needs
//!   look-ahead for that, which the `regex` crate does not have.
#![allow(dead_code, clippy::unwrap_used)]

use regex::{Captures, Regex};

/// Longest key body whose last four characters are shown.
const BODY_CAP: usize = 128;

/// The pattern. Group `key` is a bare key; otherwise group `ctx` is a context (`Bearer `,
/// `api_key=`, `&key=`…) and group `tok` its value.
pub const PATTERN: &str = concat!(
    r"(?i)",
    // A bare key.
    r"(?P<key>pk_(?:live|test)_[0-9a-z]{8,})",
    // Or a context, the left boundary consumed as part of it (no look-behind in `regex`).
    r"|(?P<ctx>",
    r"(?:^|[^0-9a-z])bearer(?:[ \t+]|%20){1,4}",
    r"|(?:^|[^0-9a-z])api[_-]?key(?:\\?[\x22'])? {0,2}[=:][ \t]{0,3}(?:\\?[\x22'])?",
    r"|[?&;]key=",
    r")",
    // ...and its token: token bytes and `%HH` escapes of token bytes.
    r"(?P<tok>(?:[0-9a-z._~+/=*\[\]-]",
    r"|%(?:3[0-9]|4[1-9a-f]|5[0-9a]|6[1-9a-f]|7[0-9a]|2[abdef]|3d|5[bdf]|7e))+)",
);

/// The three output styles of the core.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `pk_live_****a1b2`.
    Fingerprint,
    /// One `*` per hidden character.
    Mask,
    /// `[REDACTED]`.
    Redacted,
}

impl Style {
    /// The style named as in the vectors (`fingerprint` when absent or unknown).
    pub fn from_name(name: &str) -> Self {
        match name {
            "mask" => Self::Mask,
            "redacted" => Self::Redacted,
            _ => Self::Fingerprint,
        }
    }
}

/// The compiled pattern.
pub fn coverage_regex() -> Regex {
    Regex::new(PATTERN).unwrap()
}

fn is_key(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() >= 16
        && b[..3].eq_ignore_ascii_case(b"pk_")
        && (b[3..8].eq_ignore_ascii_case(b"live_") || b[3..8].eq_ignore_ascii_case(b"test_"))
        && b[8..].iter().all(u8::is_ascii_alphanumeric)
}

fn already_redacted(tok: &str) -> bool {
    if matches!(tok, "[REDACTED]" | "null" | "true" | "false") || tok.bytes().all(|b| b == b'*') {
        return true;
    }
    let b = tok.as_bytes();
    if b.len() >= 8
        && b[..3].eq_ignore_ascii_case(b"pk_")
        && (b[3..8].eq_ignore_ascii_case(b"live_") || b[3..8].eq_ignore_ascii_case(b"test_"))
    {
        let rest = &tok[8..];
        let tail = rest.trim_start_matches('*');
        return rest.len() - tail.len() >= 4
            && tail.len() <= 4
            && tail.bytes().all(|b| b.is_ascii_alphanumeric());
    }
    false
}

fn key(style: Style, key: &str, out: &mut String) {
    let (prefix, body) = key.split_at(8);
    match style {
        Style::Redacted => out.push_str("[REDACTED]"),
        Style::Fingerprint => {
            out.push_str(prefix);
            out.push_str("****");
            if body.len() <= BODY_CAP {
                out.push_str(&body[body.len() - 4..]);
            }
        }
        Style::Mask => {
            out.push_str(prefix);
            if body.len() <= BODY_CAP {
                out.push_str(&"*".repeat(body.len() - 4));
                out.push_str(&body[body.len() - 4..]);
            } else {
                out.push_str(&"*".repeat(body.len()));
            }
        }
    }
}

/// The replacement of one match.
pub fn replace(style: Style, caps: &Captures<'_>, out: &mut String) {
    if let Some(k) = caps.name("key") {
        return key(style, k.as_str(), out);
    }
    out.push_str(&caps["ctx"]);
    let tok = &caps["tok"];
    if tok.len() <= 8 + BODY_CAP && already_redacted(tok) {
        out.push_str(tok);
    } else if tok.len() <= 8 + BODY_CAP && is_key(tok) {
        key(style, tok, out);
    } else if style == Style::Mask {
        out.push_str(&"*".repeat(tok.len()));
    } else {
        out.push_str("[REDACTED]");
    }
}

/// Redacts `text` with the pattern, in `style`.
pub fn redact(re: &Regex, style: Style, text: &str) -> String {
    re.replace_all(text, |caps: &Captures<'_>| {
        let mut out = String::new();
        replace(style, caps, &mut out);
        out
    })
    .into_owned()
}
