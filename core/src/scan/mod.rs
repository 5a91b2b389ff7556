//! Finding Pictify keys in files: the rules behind `pictify-keys scan`.
//!
//! [`scan_bytes`] looks for `pk_live_` / `pk_test_` in any mix of case (`PK_LIVE_`,
//! `Pk_live_`, `pK_Test_`: the redactor catches every case, so the scanner does too) with a
//! `memchr::memmem` prefilter on the literal needles `k_` and `K_` followed by a one-byte
//! check for `p`/`P` before them; only candidate positions are examined byte by byte. A
//! candidate that is not a key but looks like the start of one (`check_pk_live_mode`) is
//! diagnosed once per buffer: the verdict for the same token is remembered. Each [`Finding`] carries
//! its 1-based line and column (in Unicode scalar values), byte offset, mode, the fingerprint
//! people see (`pk_live_****a1b2`), a non-reversible hash for allow-lists, and a [`Class`]:
//!
//! - [`Class::Real`]: a well-formed key ([`ApiKey::parse`] accepts it, with the prefix
//!   lower-cased).
//! - [`Class::Placeholder`]: refused by [`ApiKey::parse`] with the `placeholder` code
//!   (`pk_live_your_api_key`, `pk_test_xxxxxxxxxxxxxxxx`, `pk_live_abc...`, `pk_live_****a1b2`).
//! - [`Class::Fixture`]: well-formed, but the body starts with the project's fixture marker
//!   [`FIXTURE_MARKER`] (`FAKE`, see tests/vectors/README.md). Fixtures are kept apart so a
//!   repository full of test vectors can be scanned without failing; a real key starts with
//!   `FAKE` by chance once in 62⁴ ≈ 15 million keys.
//!
//! Text that starts like a key but is neither (`pk_live_` followed by a short word, a body
//! longer than 128 characters) is not reported. A finding is allowed by a
//! `pictify-keys:allow` comment on the same line ([`ALLOW_MARKER`]) or by an [`Allowlist`]
//! entry. Only a real key that is not allowed fails a scan ([`Finding::is_blocking`]).
//!
//! This finder is separate from the redaction engine (`redact`), which also catches header
//! and query tokens (`Bearer …`, `api_key=…`) and keeps no public span API; the scanner needs
//! only the key prefixes, so its own prefilter is two `memmem` passes.
//!
//! ```
//! use pictify_keys::scan::{scan_bytes, Class};
//!
//! let text = b"const KEY = \"pk_live_FAKE3Wwd25rq4f5zra1b2\";\nlet doc = \"pk_test_your_api_key\";\n";
//! let found = scan_bytes(text);
//! assert_eq!(found.len(), 2);
//! assert_eq!((found[0].line, found[0].column, found[0].class), (1, 14, Class::Fixture));
//! assert_eq!(found[0].fingerprint, "pk_live_****a1b2");
//! assert_eq!((found[1].line, found[1].class), (2, Class::Placeholder));
//! ```

use std::fmt;
use std::sync::OnceLock;

use memchr::memmem::Finder;
use sha2::{Digest, Sha256};

use crate::key::KeyError;
use crate::key::{diagnose, ApiKey, Mode, BODY_MAX, BODY_MIN};

/// The body prefix that marks a fake, key-shaped test fixture.
pub const FIXTURE_MARKER: &str = "FAKE";
/// An inline comment containing this text on the same line allows the findings of that line.
pub const ALLOW_MARKER: &str = "pictify-keys:allow";
/// Bytes examined for a NUL byte to decide that a file is binary (as git does).
pub const BINARY_SNIFF: usize = 8000;
/// Default size limit: larger files are skipped and counted.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;
/// Number of hex digits of SHA-256 in a [`Finding::hash`].
pub const HASH_HEX: usize = 16;
/// A regular expression for the key format, for other scanners (RE2, Python `re`, PCRE).
///
/// It matches what [`Class::Real`] and [`Class::Fixture`] findings match (the prefix in any
/// case, a body of 16 to 128 letters and digits); it cannot tell placeholders apart.
pub const KEY_REGEX: &str = r"(?i:pk_(?:live|test)_)[0-9A-Za-z]{16,128}";
/// Longest placeholder token examined after the prefix.
const LOOSE_MAX: usize = 160;

/// What a finding looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Class {
    /// A well-formed key: treat it as a leaked secret, revoke it and remove it.
    Real,
    /// A documentation placeholder such as `pk_live_your_api_key`: harmless.
    Placeholder,
    /// A fake key marked with [`FIXTURE_MARKER`]: a test fixture, harmless.
    Fixture,
}

impl Class {
    /// `real`, `placeholder` or `fixture`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Real => "real",
            Self::Placeholder => "placeholder",
            Self::Fixture => "fixture",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a finding does not fail the scan although it looks real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum AllowedBy {
    /// A `pictify-keys:allow` comment on the same line.
    Inline,
    /// An entry of the `.pictify-keys-ignore` file.
    Allowlist,
}

impl AllowedBy {
    /// `inline` or `allowlist`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Inline => "inline",
            Self::Allowlist => "allowlist",
        }
    }
}

/// One key-shaped value found in a buffer. Holds no secret: only the fingerprint (last four
/// characters) and a truncated SHA-256 of the key, so deriving `Debug` is safe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// Byte offset of the first prefix character.
    pub offset: usize,
    /// Length in bytes of the key (or placeholder) text.
    pub len: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in Unicode scalar values (invalid UTF-8 bytes count one each).
    pub column: usize,
    /// Live or test, from the prefix.
    pub mode: Mode,
    /// `pk_live_****a1b2`, with the prefix in lower case.
    pub fingerprint: String,
    /// First [`HASH_HEX`] hex digits of the SHA-256 of the key with its prefix in lower case;
    /// the value to put into `.pictify-keys-ignore`.
    pub hash: String,
    /// Real, placeholder or fixture.
    pub class: Class,
    /// For placeholders: what gave it away.
    pub reason: Option<&'static str>,
    /// Whether (and how) the finding is allowed.
    pub allowed: Option<AllowedBy>,
}

impl Finding {
    /// Whether this finding fails a scan: a real key that is not allowed.
    pub fn is_blocking(&self) -> bool {
        self.class == Class::Real && self.allowed.is_none()
    }
}

struct Needles {
    lower: Finder<'static>,
    upper: Finder<'static>,
}

/// `k_` and `K_`: with the byte before checked for `p`/`P`, two passes find every case mix
/// of `pk_` (a case-insensitive search for the 3-byte needle would need four).
fn needles() -> &'static Needles {
    static NEEDLES: OnceLock<Needles> = OnceLock::new();
    NEEDLES.get_or_init(|| Needles {
        lower: Finder::new(b"k_"),
        upper: Finder::new(b"K_"),
    })
}

/// Longest token whose loose verdict is remembered.
const MEMO_TOKEN_MAX: usize = 48;
/// Verdicts remembered per buffer (the oldest is replaced when full).
const MEMO_ENTRIES: usize = 16;

/// Verdicts on loose (non-key) tokens already diagnosed in this buffer. Source code repeats
/// key-like identifiers (`check_pk_live_mode`, `pk_test_url`) and a diagnosis costs far more
/// than a comparison; the verdict depends only on the mode and the token, so it is reused.
#[derive(Default)]
struct Memo {
    entries: Vec<(Mode, Vec<u8>, LooseVerdict)>,
    next: usize,
}

/// A loose token's verdict: a placeholder of this length for this reason, or nothing.
type LooseVerdict = Option<(usize, &'static str)>;

impl Memo {
    fn get(&self, mode: Mode, token: &[u8]) -> Option<LooseVerdict> {
        self.entries
            .iter()
            .find(|(m, t, _)| *m == mode && t.as_slice() == token)
            .map(|e| e.2)
    }

    fn put(&mut self, mode: Mode, token: &[u8], verdict: LooseVerdict) {
        if token.len() > MEMO_TOKEN_MAX {
            return;
        }
        let entry = (mode, token.to_vec(), verdict);
        if self.entries.len() < MEMO_ENTRIES {
            self.entries.push(entry);
        } else {
            self.entries[self.next] = entry;
            self.next = (self.next + 1) % MEMO_ENTRIES;
        }
    }
}

/// Finds every key-shaped value in `buf`, in order of offset, with inline allow comments
/// applied. Works on any bytes (invalid UTF-8 included).
pub fn scan_bytes(buf: &[u8]) -> Vec<Finding> {
    let n = needles();
    let mut found = Vec::new();
    let mut memo = Memo::default();
    for finder in [&n.lower, &n.upper] {
        let mut from = 1;
        while let Some(p) = buf.get(from..).and_then(|rest| finder.find(rest)) {
            // `from` >= 1, so the `k` is never the first byte and `at` is in bounds.
            let at = from + p - 1;
            from = match buf[at] {
                b'p' | b'P' => match examine(buf, at, &mut memo) {
                    Some(f) => {
                        let end = f.offset + f.len;
                        found.push(f);
                        end + 1
                    }
                    None => at + 3,
                },
                _ => at + 3,
            };
        }
    }
    found.sort_unstable_by_key(|f| f.offset);
    // A finding of one pass inside a placeholder of the other (`pk_live_<PK_LIVE_x>`).
    let mut end = 0;
    found.retain(|f| {
        let keep = f.offset >= end;
        if keep {
            end = f.offset + f.len;
        }
        keep
    });
    locate(buf, &mut found);
    found
}

/// Reclassifies fixtures as real keys, for checking a hook or a project set up with fake
/// keys (`--fixtures-as-real`). Call before applying an [`Allowlist`].
pub fn fixtures_as_real(findings: &mut [Finding]) {
    for f in findings.iter_mut().filter(|f| f.class == Class::Fixture) {
        f.class = Class::Real;
    }
}

/// Whether `head` (the start of a file) looks binary: a NUL byte in the first
/// [`BINARY_SNIFF`] bytes, as git decides.
pub fn looks_binary(head: &[u8]) -> bool {
    memchr::memchr(0, &head[..head.len().min(BINARY_SNIFF)]).is_some()
}

fn is_loose(c: u8, wide: bool) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, b'_' | b'-' | b'.')
        || (wide && matches!(c, b'*' | b'<' | b'>' | b'{' | b'}' | b'$' | b'(' | b')'))
}

/// Examines a `pk_` (any case) at `at`; `line` and `column` are filled in later.
fn examine(buf: &[u8], at: usize, memo: &mut Memo) -> Option<Finding> {
    let mode_part = buf.get(at + 3..at + 8)?;
    let mode = if mode_part.eq_ignore_ascii_case(b"live_") {
        Mode::Live
    } else if mode_part.eq_ignore_ascii_case(b"test_") {
        Mode::Test
    } else {
        return None;
    };
    let rest = &buf[at + 8..];
    let strict = rest
        .iter()
        .take(BODY_MAX + 1)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    // The key with its prefix in lower case, on the stack (letters, digits and ASCII
    // punctuation only, so always valid UTF-8).
    let mut text = [0u8; 8 + LOOSE_MAX];
    text[..8].copy_from_slice(mode.prefix().as_bytes());
    let (len, class, reason) = if (BODY_MIN..=BODY_MAX).contains(&strict) {
        text[8..8 + strict].copy_from_slice(&rest[..strict]);
        let key = std::str::from_utf8(&text[..8 + strict]).ok()?;
        match ApiKey::parse(key) {
            Ok(_) if rest.starts_with(FIXTURE_MARKER.as_bytes()) => (strict, Class::Fixture, None),
            Ok(_) => (strict, Class::Real, None),
            Err(KeyError::Placeholder { reason }) => (strict, Class::Placeholder, Some(reason)),
            Err(_) => return None,
        }
    } else if strict > BODY_MAX {
        return None;
    } else {
        let (n, reason) = loose(rest, mode, &mut text, memo)?;
        (n, Class::Placeholder, Some(reason))
    };
    let key = std::str::from_utf8(&text[..8 + len]).ok()?;
    let mut fingerprint = String::with_capacity(16);
    fingerprint.push_str(mode.prefix());
    fingerprint.push_str("****");
    if len >= 4 {
        fingerprint.push_str(&key[key.len() - 4..]);
    }
    let hash = hash_hex(key);
    Some(Finding {
        offset: at,
        len: 8 + len,
        line: 0,
        column: 0,
        mode,
        fingerprint,
        hash,
        class,
        reason,
        allowed: None,
    })
}

/// A placeholder after the prefix: first as a word (`your_api_key`), then with template and
/// mask characters (`<your-key>`, `${KEY}`, `****a1b2`). Returns its length and the reason,
/// with `text[8..8 + length]` holding it.
fn loose(rest: &[u8], mode: Mode, text: &mut [u8; 8 + LOOSE_MAX], memo: &mut Memo) -> LooseVerdict {
    // The narrow characters are a subset of the wide ones, so the wide token determines
    // both tries: it is the memo key.
    let wide = rest
        .iter()
        .take(LOOSE_MAX)
        .take_while(|&&c| is_loose(c, true))
        .count();
    text[8..8 + wide].copy_from_slice(&rest[..wide]);
    if let Some(verdict) = memo.get(mode, &rest[..wide]) {
        return verdict;
    }
    let mut verdict = None;
    let mut tried = usize::MAX;
    for is_wide in [false, true] {
        let n = rest
            .iter()
            .take(LOOSE_MAX)
            .take_while(|&&c| is_loose(c, is_wide))
            .count();
        let n = without_unopened_closers(&rest[..n]);
        if n == tried {
            break;
        }
        tried = n;
        let key = std::str::from_utf8(&text[..8 + n]).ok()?;
        if let Err(KeyError::Placeholder { reason }) = diagnose(key) {
            verdict = Some((n, reason));
            break;
        }
    }
    memo.put(mode, &rest[..wide], verdict);
    verdict
}

/// The length of `token` without the closing brackets at its end that open nowhere in it:
/// in `ApiKey(pk_live_****a1b2)` the `)` belongs to the surrounding text, not to the pasted
/// fingerprint; in `pk_live_<your-key>` the `>` closes the placeholder's own `<`.
fn without_unopened_closers(token: &[u8]) -> usize {
    let mut n = token.len();
    while let Some(&last) = token[..n].last() {
        let open = match last {
            b')' => b'(',
            b'}' => b'{',
            b'>' => b'<',
            _ => break,
        };
        let head = &token[..n];
        let opened = head.iter().filter(|&&c| c == open).count();
        let closed = head.iter().filter(|&&c| c == last).count();
        if closed <= opened {
            break;
        }
        n -= 1;
    }
    n
}

/// The first [`HASH_HEX`] hex digits of SHA-256 of `key`.
fn hash_hex(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::with_capacity(HASH_HEX);
    for b in digest.iter().take(HASH_HEX / 2) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// The allow-list hash of a key, as [`Finding::hash`] gives it (for writing allow-lists).
pub fn key_hash(key: &ApiKey) -> String {
    // EXPOSE: hashed (SHA-256, truncated) for the allow-list; the secret itself is not kept.
    hash_hex(key.expose_secret())
}

/// Fills in line and column, and marks findings on a line with [`ALLOW_MARKER`].
fn locate(buf: &[u8], found: &mut [Finding]) {
    let marker = Finder::new(ALLOW_MARKER.as_bytes());
    let (mut line, mut counted) = (1, 0);
    for f in found.iter_mut() {
        line += memchr::memchr_iter(b'\n', &buf[counted..f.offset]).count();
        counted = f.offset;
        let line_start = memchr::memrchr(b'\n', &buf[..f.offset]).map_or(0, |i| i + 1);
        let line_end = memchr::memchr(b'\n', &buf[f.offset..]).map_or(buf.len(), |i| f.offset + i);
        f.line = line;
        f.column = 1 + buf[line_start..f.offset]
            .iter()
            .filter(|&&c| (c & 0xC0) != 0x80)
            .count();
        if marker.find(&buf[line_start..line_end]).is_some() {
            f.allowed = Some(AllowedBy::Inline);
        }
    }
}

mod allowlist;
pub mod history;
mod pipeline;
mod summary;
#[cfg(test)]
mod tests;

pub use allowlist::{Allowlist, AllowlistError};
pub use pipeline::{find_allowlist, FileOutcome, Scanner, ALLOWLIST_FILE};
pub use summary::Summary;
