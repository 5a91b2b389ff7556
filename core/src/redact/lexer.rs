//! The byte-level pieces of a match: character classes, key modes, tokens (a header or query
//! value, `%HH` escapes included), redacted-text recognition and the context cursor.

use super::finder::eq_ci;

/// `live_` or `test_`, any case.
pub(super) fn is_mode(bytes: &[u8]) -> bool {
    eq_ci(bytes, b"live_") || eq_ci(bytes, b"test_")
}

/// Length of the alphanumeric run at `buf[from..]`.
pub(super) fn alnum_run(buf: &[u8], from: usize) -> usize {
    buf[from..]
        .iter()
        .position(|&b| CLASS[usize::from(b)] & ALNUM == 0)
        .unwrap_or(buf.len() - from)
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
pub(super) enum TokenEnd {
    /// It ends here.
    At(usize),
    /// It runs to here and may go on in the next chunk.
    Open(usize),
}

/// A token is a run of token bytes and `%HH` escapes of token bytes (`%2B`, `%2F`, `%3D`);
/// an escaped delimiter (`%20`, `%22`, `%26`) ends it.
pub(super) fn token_end(buf: &[u8], from: usize, eof: bool) -> TokenEnd {
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
pub(super) fn already_redacted(token: &[u8]) -> bool {
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

/// A cursor over the context after a candidate; `None` from a method means "need more input".
pub(super) struct Cursor<'a> {
    pub(super) buf: &'a [u8],
    pub(super) i: usize,
    pub(super) eof: bool,
}

impl Cursor<'_> {
    /// The byte at the cursor: `Err(())` when the buffer ends before it in a stream,
    /// `Ok(None)` at the end of the input.
    pub(super) fn peek(&self, ahead: usize) -> Result<Option<u8>, ()> {
        match self.buf.get(self.i + ahead) {
            Some(&b) => Ok(Some(b)),
            None if self.eof => Ok(None),
            None => Err(()),
        }
    }

    /// Consumes `lit` (exact bytes) if it is next.
    pub(super) fn eat(&mut self, lit: &[u8]) -> Result<bool, ()> {
        for (k, &l) in lit.iter().enumerate() {
            if self.peek(k)? != Some(l) {
                return Ok(false);
            }
        }
        self.i += lit.len();
        Ok(true)
    }

    /// Consumes up to `max` bytes from `set`.
    pub(super) fn skip(&mut self, set: &[u8], max: usize) -> Result<(), ()> {
        for _ in 0..max {
            match self.peek(0)? {
                Some(b) if set.contains(&b) => self.i += 1,
                _ => break,
            }
        }
        Ok(())
    }

    /// An opening or closing quote: `"`, `'` or the JSON-escaped `\"`.
    pub(super) fn quote(&mut self) -> Result<(), ()> {
        if !self.eat(b"\\\"")? && !self.eat(b"\"")? {
            self.eat(b"'")?;
        }
        Ok(())
    }
}

pub(super) fn boundary_before(buf: &[u8], at: usize) -> bool {
    at == 0 || !buf[at - 1].is_ascii_alphanumeric()
}
