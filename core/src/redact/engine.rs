//! The scanner shared by whole-buffer and streaming redaction.
//!
//! One function, [`scan`], walks a buffer from a start offset, reports every replacement to a
//! [`Sink`] in order, and returns how far the buffer is decided. Whole-buffer redaction calls
//! it once with `eof = true`; the stream calls it on each chunk with `eof = false` and keeps
//! the undecided tail (bounded by [`MAX_PENDING`]) for the next call. Because both paths run
//! the same code and the scanner never decides anything it cannot see, the stream gives the
//! same output as the whole buffer for every chunking.
//!
//! Hot path: candidates are found block by block straight in the input, with no copy: a
//! branch-free test of each position's first three bytes against `pk_`, `key` and `bea` (any
//! case), run over [`LANES`] positions at a time so that it vectorises, then an exact check of
//! the few hits for `pk_`, `key` and `bearer`. Only those candidate positions are examined
//! further; everything else is copied through untouched.

use super::Style;
use crate::key::BODY_MAX;

/// A run after `pk_live_` needs this many body characters to be redacted (err toward
/// redacting: valid keys have 16 or more, truncated ones still leak most of the secret).
pub(crate) const MIN_BODY: usize = 8;
/// Longest body whose last four characters are shown; longer runs lose the last four.
pub(crate) const BODY_CAP: usize = BODY_MAX;
/// Longest header or query token that is examined whole; longer tokens are replaced opaquely.
pub(crate) const TOKEN_CAP: usize = 8 + BODY_MAX;
/// Input bytes kept before the undecided tail, for the left-hand context checks.
pub(crate) const LOOKBEHIND: usize = 8;
/// Longest context between a candidate and its token (`key\" : \"`, `bearer%20%20`).
const CONTEXT_MAX: usize = 16;
/// Longest needle.
const NEEDLE_MAX: usize = 6;
/// Bytes searched for candidates at a time.
const BLOCK: usize = 4096;

/// The most bytes a stream ever holds back between chunks: the longest key (prefix and
/// `BODY_CAP` body, plus the two-byte overlap and six-byte look-ahead of the overlap rule)
/// or the longest examined token with its context, plus the look-behind.
pub const MAX_PENDING: usize = LOOKBEHIND + CONTEXT_MAX + TOKEN_CAP + 8;

/// What a candidate position may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `pk_`: a key (`pk_live_` / `pk_test_`, any case).
    Key,
    /// `key`: the end of a parameter or header name (`api_key=`, `X-Api-Key:`, `&key=`).
    Name,
    /// `bearer`: an `Authorization` scheme followed by a token.
    Bearer,
}

/// Positions tested at once for the first three bytes of a needle.
const LANES: usize = 32;

/// Whether `x y z` may start a needle: `pk_`, `key` or `bea` (letters in any case).
///
/// `| 0x20` is an exact case fold for the letters compared here: the only bytes it maps to
/// `p`, `k`, `e`, `y`, `b` or `a` are those letters in either case (`_` is compared as it
/// is). Branch-free, so the block test in [`Candidates::next_at`] vectorises.
#[inline(always)]
fn starts_needle(x: u8, y: u8, z: u8) -> bool {
    let (x, y, zl) = (x | 0x20, y | 0x20, z | 0x20);
    ((x == b'p') & (y == b'k') & (z == b'_'))
        | ((((x == b'k') & (zl == b'y')) | ((x == b'b') & (zl == b'a'))) & (y == b'e'))
}

/// The needle at `p`, whose first three bytes passed [`starts_needle`], when all of it is in
/// `buf`: `pk_`, `key` or `bearer`, any case.
#[inline]
fn needle_at(buf: &[u8], p: usize) -> Option<Kind> {
    match buf[p] | 0x20 {
        b'p' => Some(Kind::Key),
        b'k' => Some(Kind::Name),
        _ => buf
            .get(p + 3..p + 6)
            .is_some_and(|rest| eq_ci(rest, b"rer"))
            .then_some(Kind::Bearer),
    }
}

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

/// Candidate positions, found block by block in the buffer, in ascending order.
struct Candidates {
    found: Vec<(usize, Kind)>,
    next: usize,
    /// Every needle starting before this position has been found.
    covered: usize,
}

impl Candidates {
    fn new(from: usize) -> Self {
        Self {
            found: Vec::new(),
            next: 0,
            covered: from,
        }
    }

    /// The first candidate at or after `pos`.
    fn next_at(&mut self, buf: &[u8], pos: usize) -> Option<(usize, Kind)> {
        loop {
            while let Some(&(p, kind)) = self.found.get(self.next) {
                self.next += 1;
                if p >= pos {
                    return Some((p, kind));
                }
            }
            let start = pos.max(self.covered);
            if start >= buf.len() {
                return None;
            }
            let end = buf.len().min(start + BLOCK);
            self.covered = if end == buf.len() {
                end
            } else {
                end - (NEEDLE_MAX - 1)
            };
            self.found.clear();
            self.next = 0;
            // Needle starts in [start, covered): the block test on the first three bytes, then
            // the exact check of the few hits. Every needle has three bytes or more, so none
            // starts in the last two bytes of `buf`.
            let lim = self.covered.min(buf.len().saturating_sub(2));
            let found = &mut self.found;
            let mut hit = |p: usize| {
                if let Some(kind) = needle_at(buf, p) {
                    found.push((p, kind));
                }
            };
            let mut i = start;
            while i + LANES <= lim {
                let (a, b, c) = (
                    &buf[i..i + LANES],
                    &buf[i + 1..i + 1 + LANES],
                    &buf[i + 2..i + 2 + LANES],
                );
                let any = a.iter().zip(b).zip(c).fold(0u8, |any, ((&x, &y), &z)| {
                    any | u8::from(starts_needle(x, y, z))
                });
                if any != 0 {
                    for (j, ((&x, &y), &z)) in a.iter().zip(b).zip(c).enumerate() {
                        if starts_needle(x, y, z) {
                            hit(i + j);
                        }
                    }
                }
                i += LANES;
            }
            for p in i..lim {
                if starts_needle(buf[p], buf[p + 1], buf[p + 2]) {
                    hit(p);
                }
            }
        }
    }
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

fn eq_ci(bytes: &[u8], lower: &[u8]) -> bool {
    bytes.len() == lower.len()
        && bytes
            .iter()
            .zip(lower)
            .all(|(b, l)| b.to_ascii_lowercase() == *l)
}

/// `live_` or `test_`, any case.
fn is_mode(bytes: &[u8]) -> bool {
    eq_ci(bytes, b"live_") || eq_ci(bytes, b"test_")
}

/// Length of the alphanumeric run at `buf[from..]`.
fn alnum_run(buf: &[u8], from: usize) -> usize {
    buf[from..]
        .iter()
        .position(|&b| CLASS[usize::from(b)] & ALNUM == 0)
        .unwrap_or(buf.len() - from)
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
    if end - b0 < MIN_BODY {
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

/// Byte classes, one table lookup per byte in the token and body loops.
const ALNUM: u8 = 1;
const TOKEN: u8 = 2;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = ALNUM | TOKEN;
        } else if matches!(
            c,
            b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'*' | b'[' | b']'
        ) {
            t[b] = TOKEN;
        }
        b += 1;
    }
    t
};

/// Bytes that make up a header or query token.
#[inline]
fn is_token_byte(b: u8) -> bool {
    CLASS[usize::from(b)] & TOKEN != 0
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Where a token that starts at `from` ends.
enum TokenEnd {
    /// It ends here.
    At(usize),
    /// It runs to here and may go on in the next chunk.
    Open(usize),
}

/// A token is a run of token bytes and `%HH` escapes of token bytes (`%2B`, `%2F`, `%3D`);
/// an escaped delimiter (`%20`, `%22`, `%26`) ends it.
fn token_end(buf: &[u8], from: usize, eof: bool) -> TokenEnd {
    let mut i = from;
    while i < buf.len() {
        let b = buf[i];
        if is_token_byte(b) {
            i += 1;
        } else if b == b'%' {
            if i + 3 > buf.len() {
                return if eof {
                    TokenEnd::At(i)
                } else {
                    TokenEnd::Open(i)
                };
            }
            match (hex(buf[i + 1]), hex(buf[i + 2])) {
                (Some(h), Some(l)) if is_token_byte(h * 16 + l) => i += 3,
                _ => return TokenEnd::At(i),
            }
        } else {
            return TokenEnd::At(i);
        }
    }
    if eof {
        TokenEnd::At(i)
    } else {
        TokenEnd::Open(i)
    }
}

/// Text that is already the output of a redaction and must stay as it is (idempotence).
///
/// JSON literals (`null`, `true`, `false`) after a name are left alone too: they carry no
/// secret, and replacing them would break the document.
fn already_redacted(token: &[u8]) -> bool {
    if matches!(token, b"[REDACTED]" | b"null" | b"true" | b"false")
        || token.iter().all(|&b| b == b'*')
    {
        return true;
    }
    if token.len() >= 8 && eq_ci(&token[..3], b"pk_") && is_mode(&token[3..8]) {
        let rest = &token[8..];
        let stars = rest.iter().take_while(|&&b| b == b'*').count();
        let tail = &rest[stars..];
        return stars >= 4 && tail.len() <= 4 && tail.iter().all(u8::is_ascii_alphanumeric);
    }
    false
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
        if token.len() >= 8 + MIN_BODY
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
    if token.len() >= 8 + MIN_BODY
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

/// A cursor over the context after a candidate; `None` from a method means "need more input".
struct Cursor<'a> {
    buf: &'a [u8],
    i: usize,
    eof: bool,
}

impl Cursor<'_> {
    /// The byte at the cursor: `Err(())` when the buffer ends before it in a stream,
    /// `Ok(None)` at the end of the input.
    fn peek(&self, ahead: usize) -> Result<Option<u8>, ()> {
        match self.buf.get(self.i + ahead) {
            Some(&b) => Ok(Some(b)),
            None if self.eof => Ok(None),
            None => Err(()),
        }
    }

    /// Consumes `lit` (exact bytes) if it is next.
    fn eat(&mut self, lit: &[u8]) -> Result<bool, ()> {
        for (k, &l) in lit.iter().enumerate() {
            if self.peek(k)? != Some(l) {
                return Ok(false);
            }
        }
        self.i += lit.len();
        Ok(true)
    }

    /// Consumes up to `max` bytes from `set`.
    fn skip(&mut self, set: &[u8], max: usize) -> Result<(), ()> {
        for _ in 0..max {
            match self.peek(0)? {
                Some(b) if set.contains(&b) => self.i += 1,
                _ => break,
            }
        }
        Ok(())
    }

    /// An opening or closing quote: `"`, `'` or the JSON-escaped `\"`.
    fn quote(&mut self) -> Result<(), ()> {
        if !self.eat(b"\\\"")? && !self.eat(b"\"")? {
            self.eat(b"'")?;
        }
        Ok(())
    }
}

fn boundary_before(buf: &[u8], at: usize) -> bool {
    at == 0 || !buf[at - 1].is_ascii_alphanumeric()
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
