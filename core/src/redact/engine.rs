//! The scanner shared by whole-buffer and streaming redaction.
//!
//! One function, [`scan`], walks a buffer from a start offset, reports every replacement to a
//! [`Sink`] in order, and returns how far the buffer is decided. Whole-buffer redaction calls
//! it once with `eof = true`; the stream calls it on each chunk with `eof = false` and keeps
//! the undecided tail (bounded by [`MAX_PENDING`]) for the next call. Because both paths run
//! the same code and the scanner never decides anything it cannot see, the stream gives the
//! same output as the whole buffer for every chunking.
//!
//! Hot path: candidates (`pk_`, `key`, `bearer`, any case) are found straight in the input,
//! with no copy, by the SIMD search in [`super::finder`]. Only those candidate positions are
//! examined further; everything else is copied through untouched.

use super::finder::{eq_ci, Candidates, Kind, NEEDLE_MAX};
use super::lexer::{
    alnum_run, already_redacted, boundary_before, is_mode, token_end, Cursor, TokenEnd,
};
use super::Style;
use crate::key::BODY_MAX;

/// A run after `pk_live_` needs this many body characters to be redacted (err toward
/// redacting: valid keys have 16 or more, truncated ones still leak most of the secret).
pub(crate) const REDACT_MIN_BODY: usize = 8;
/// Longest body whose last four characters are shown; longer runs lose the last four.
pub(crate) const BODY_CAP: usize = BODY_MAX;
/// Longest header or query token that is examined whole; longer tokens are replaced opaquely.
pub(crate) const TOKEN_CAP: usize = 8 + BODY_MAX;
/// Input bytes kept before the undecided tail, for the left-hand context checks.
pub(crate) const LOOKBEHIND: usize = 8;
/// Longest context between a candidate and its token (`key\" : \"`, `bearer%20%20`).
const CONTEXT_MAX: usize = 16;

/// The most bytes a stream ever holds back between chunks: the longest key (prefix and
/// `BODY_CAP` body, plus the two-byte overlap and six-byte look-ahead of the overlap rule)
/// or the longest examined token with its context, plus the look-behind.
pub const MAX_PENDING: usize = LOOKBEHIND + CONTEXT_MAX + TOKEN_CAP + 8;

/// Receives the replacements of a scan, in order and never overlapping.
pub(crate) trait Sink {
    /// Replace `buf[start..end]` with `replacement`.
    fn edit(&mut self, start: usize, end: usize, replacement: &str);
}

/// A match that continues past the end of the stream's buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Carry {
    /// Nothing in progress.
    #[default]
    None,
    /// Inside a key body longer than [`BODY_CAP`]; its replacement head is already out.
    Body,
    /// Inside a token longer than [`TOKEN_CAP`]; its replacement head is already out.
    Token,
}

/// What examining one candidate gave.
enum Step {
    /// Not a match; go on after the candidate.
    NoMatch,
    /// Cannot decide without more input (streams only).
    NeedMore,
    /// Already redacted text; nothing to change up to this position.
    Skip(usize),
    /// Replace `start..end` with the replacement built in the scratch string.
    Edit { start: usize, end: usize },
    /// A long match continues past the buffer: replace `start..end` now and carry on.
    Long {
        start: usize,
        end: usize,
        carry: Carry,
    },
}

/// Scans `buf[start..]` and returns the end of the decided part (the whole buffer when `eof`).
pub(crate) fn scan<S: Sink>(
    style: Style,
    buf: &[u8],
    start: usize,
    eof: bool,
    carry: &mut Carry,
    sink: &mut S,
) -> usize {
    let mut pos = start;
    let mut repl = String::new();
    // Each round resumes a carried long match, then scans candidates until the buffer is
    // decided or another long match starts (it may end inside the buffer: resume it at once,
    // so a stream never holds back more than MAX_PENDING bytes).
    loop {
        match *carry {
            Carry::None => {}
            Carry::Body => match continue_body(style, buf, pos, eof, &mut repl) {
                Resume::At(end) => {
                    sink.edit(pos, end, &repl);
                    *carry = Carry::None;
                    pos = end;
                }
                Resume::Hold(end) => {
                    sink.edit(pos, end, &repl);
                    return end;
                }
            },
            Carry::Token => match token_end(buf, pos, eof) {
                TokenEnd::At(end) => {
                    fill_stars(style, end - pos, &mut repl);
                    sink.edit(pos, end, &repl);
                    *carry = Carry::None;
                    pos = end;
                }
                TokenEnd::Open(end) => {
                    fill_stars(style, end - pos, &mut repl);
                    sink.edit(pos, end, &repl);
                    return end;
                }
            },
        }
        let mut candidates = Candidates::new(pos);
        loop {
            let Some((c, kind)) = candidates.next_at(buf, pos) else {
                return if eof {
                    buf.len()
                } else {
                    // A needle may begin in the last NEEDLE_MAX - 1 bytes and finish in the
                    // next chunk.
                    pos.max(buf.len().saturating_sub(NEEDLE_MAX - 1))
                };
            };
            repl.clear();
            let step = match kind {
                Kind::Key => match_key(style, buf, c, eof, &mut repl),
                Kind::Name => match_name(style, buf, c, eof, &mut repl),
                Kind::Bearer => match_bearer(style, buf, c, eof, &mut repl),
            };
            match step {
                Step::NoMatch => pos = c + 1,
                Step::NeedMore => return c,
                Step::Skip(end) => pos = end,
                Step::Edit { start, end } => {
                    sink.edit(start, end, &repl);
                    pos = end;
                }
                Step::Long {
                    start,
                    end,
                    carry: next,
                } => {
                    sink.edit(start, end, &repl);
                    *carry = next;
                    pos = end;
                    break;
                }
            }
        }
        repl.clear();
    }
}

/// Where a key body that ends at `run_end` really ends: two keys written back to back
/// (`…a1pk_live_…`) give the second key its `pk`. `None` when more input is needed.
fn body_end(buf: &[u8], body_start: usize, run_end: usize, eof: bool) -> Option<usize> {
    if run_end - body_start >= 2 && eq_ci(&buf[run_end - 2..run_end], b"pk") {
        let rest = &buf[run_end..];
        if rest.len() >= 6 {
            if rest[0] == b'_' && is_mode(&rest[1..6]) {
                return Some(run_end - 2);
            }
        } else if !eof {
            return None;
        }
    }
    Some(run_end)
}

/// The replacement of a key whose prefix (as written) is `prefix` and body is `body`.
fn key_replacement(style: Style, prefix: &[u8], body: &[u8], out: &mut String) {
    match style {
        Style::Redacted => out.push_str("[REDACTED]"),
        Style::Fingerprint | Style::Mask => {
            out.extend(prefix.iter().map(|&b| char::from(b)));
            let long = body.len() > BODY_CAP;
            let stars = match (style, long) {
                (Style::Mask, false) => body.len() - 4,
                (Style::Mask, true) => body.len(),
                _ => 4,
            };
            out.extend(std::iter::repeat('*').take(stars));
            if !long {
                out.extend(body[body.len() - 4..].iter().map(|&b| char::from(b)));
            }
        }
    }
}

/// The head emitted when a stream meets a key body longer than [`BODY_CAP`] (`seen` body
/// bytes so far): the same text whole-buffer redaction gives for the long key, minus the
/// stars of the bytes still to come in the mask style.
fn long_key_head(style: Style, prefix: &[u8], seen: usize, out: &mut String) {
    match style {
        Style::Redacted => out.push_str("[REDACTED]"),
        Style::Fingerprint => {
            out.extend(prefix.iter().map(|&b| char::from(b)));
            out.push_str("****");
        }
        Style::Mask => {
            out.extend(prefix.iter().map(|&b| char::from(b)));
            out.extend(std::iter::repeat('*').take(seen));
        }
    }
}

/// Stars for `n` more swallowed bytes in the mask style; nothing in the others.
fn fill_stars(style: Style, n: usize, out: &mut String) {
    out.clear();
    if style == Style::Mask {
        out.extend(std::iter::repeat('*').take(n));
    }
}

fn match_key(style: Style, buf: &[u8], c: usize, eof: bool, repl: &mut String) -> Step {
    if c + 8 > buf.len() {
        return if eof { Step::NoMatch } else { Step::NeedMore };
    }
    if !is_mode(&buf[c + 3..c + 8]) {
        return Step::NoMatch;
    }
    let b0 = c + 8;
    let run_end = b0 + alnum_run(buf, b0);
    if !eof && run_end - b0 > BODY_CAP + 2 {
        // Whatever the overlap rule takes off, this body is longer than BODY_CAP: emit the
        // head now and keep the last two bytes for the overlap rule.
        long_key_head(style, &buf[c..b0], run_end - 2 - b0, repl);
        return Step::Long {
            start: c,
            end: run_end - 2,
            carry: Carry::Body,
        };
    }
    if run_end == buf.len() && !eof {
        return Step::NeedMore;
    }
    let Some(end) = body_end(buf, b0, run_end, eof) else {
        return Step::NeedMore;
    };
    if end - b0 < REDACT_MIN_BODY {
        return Step::NoMatch;
    }
    key_replacement(style, &buf[c..b0], &buf[b0..end], repl);
    Step::Edit { start: c, end }
}

/// How a carried long key body continues in the next chunk.
enum Resume {
    /// The body ends here; scanning resumes normally.
    At(usize),
    /// Still inside the body; held back from here.
    Hold(usize),
}

fn continue_body(style: Style, buf: &[u8], pos: usize, eof: bool, repl: &mut String) -> Resume {
    let run_end = pos + alnum_run(buf, pos);
    let hold = |end: usize, repl: &mut String| {
        let end = end.max(pos);
        fill_stars(style, end - pos, repl);
        Resume::Hold(end)
    };
    if run_end == buf.len() && !eof {
        return hold(run_end.saturating_sub(2), repl);
    }
    match body_end(buf, pos, run_end, eof) {
        None => hold(run_end - 2, repl),
        Some(end) => {
            fill_stars(style, end - pos, repl);
            Resume::At(end)
        }
    }
}

/// Decides the token at `t0` that follows a context (header name, `Bearer`).
fn match_token(style: Style, buf: &[u8], t0: usize, eof: bool, repl: &mut String) -> Step {
    let end = match token_end(buf, t0, eof) {
        TokenEnd::At(end) => end,
        TokenEnd::Open(end) => {
            if end - t0 > TOKEN_CAP {
                match style {
                    Style::Mask => fill_stars(style, end - t0, repl),
                    _ => repl.push_str("[REDACTED]"),
                }
                return Step::Long {
                    start: t0,
                    end,
                    carry: Carry::Token,
                };
            }
            return Step::NeedMore;
        }
    };
    let token = &buf[t0..end];
    if token.is_empty() {
        return Step::NoMatch;
    }
    if token.len() <= TOKEN_CAP {
        if already_redacted(token) {
            return Step::Skip(end);
        }
        if token.len() >= 8 + REDACT_MIN_BODY
            && eq_ci(&token[..3], b"pk_")
            && is_mode(&token[3..8])
            && token[8..].iter().all(u8::is_ascii_alphanumeric)
        {
            key_replacement(style, &token[..8], &token[8..], repl);
            return Step::Edit { start: t0, end };
        }
    }
    match style {
        Style::Mask => fill_stars(style, token.len(), repl),
        _ => repl.push_str("[REDACTED]"),
    }
    Step::Edit { start: t0, end }
}

/// The replacement of a whole value that is one secret (a sensitive JSON field), or `None`
/// when it is already redacted or a JSON literal and stays as it is.
#[cfg(feature = "json")]
pub(crate) fn whole_token(style: Style, token: &[u8]) -> Option<String> {
    if token.is_empty() || (token.len() <= TOKEN_CAP && already_redacted(token)) {
        return None;
    }
    let mut out = String::new();
    if token.len() >= 8 + REDACT_MIN_BODY
        && token.len() <= TOKEN_CAP
        && eq_ci(&token[..3], b"pk_")
        && is_mode(&token[3..8])
        && token[8..].iter().all(u8::is_ascii_alphanumeric)
    {
        key_replacement(style, &token[..8], &token[8..], &mut out);
    } else if style == Style::Mask {
        out.extend(std::iter::repeat('*').take(token.len()));
    } else {
        out.push_str("[REDACTED]");
    }
    Some(out)
}

/// `api_key=`, `api-key:`, `apikey=`, `X-Api-Key: `, `"apiKey": "`, `?key=`, `&key=`.
fn match_name(style: Style, buf: &[u8], c: usize, eof: bool, repl: &mut String) -> Step {
    let api = (c >= 4 && (eq_ci(&buf[c - 4..c], b"api_") || eq_ci(&buf[c - 4..c], b"api-")))
        .then(|| c - 4)
        .or_else(|| (c >= 3 && eq_ci(&buf[c - 3..c], b"api")).then(|| c - 3));
    let query_param = c >= 1 && matches!(buf[c - 1], b'?' | b'&' | b';');
    let named = match api {
        Some(start) => boundary_before(buf, start),
        None => false,
    };
    if !named && !query_param {
        return Step::NoMatch;
    }
    let mut cur = Cursor { buf, i: c + 3, eof };
    let context = (|| -> Result<bool, ()> {
        if named {
            cur.quote()?;
            cur.skip(b" ", 2)?;
            if !cur.eat(b"=")? && !cur.eat(b":")? {
                return Ok(false);
            }
            cur.skip(b" \t", 3)?;
            cur.quote()?;
            Ok(true)
        } else {
            cur.eat(b"=")
        }
    })();
    match context {
        Err(()) => Step::NeedMore,
        Ok(false) => Step::NoMatch,
        Ok(true) => match_token(style, buf, cur.i, eof, repl),
    }
}

/// `Bearer <token>`, with spaces, tabs, `+` or `%20` between.
fn match_bearer(style: Style, buf: &[u8], c: usize, eof: bool, repl: &mut String) -> Step {
    if !boundary_before(buf, c) {
        return Step::NoMatch;
    }
    let mut cur = Cursor { buf, i: c + 6, eof };
    let separated = (|| -> Result<bool, ()> {
        let mut seen = 0;
        while seen < 4 {
            if cur.eat(b" ")? || cur.eat(b"\t")? || cur.eat(b"+")? || cur.eat(b"%20")? {
                seen += 1;
            } else {
                break;
            }
        }
        Ok(seen > 0)
    })();
    match separated {
        Err(()) => Step::NeedMore,
        Ok(false) => Step::NoMatch,
        Ok(true) => match_token(style, buf, cur.i, eof, repl),
    }
}
