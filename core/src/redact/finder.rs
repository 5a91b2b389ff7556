//! Candidate positions for the scanner: every place where `pk_`, `key` or `bearer` (any case)
//! starts.
//!
//! Two searches give the same positions. On x86-64 and AArch64 the needles' three-byte
//! prefixes in every case (4 + 8 + 8 = 20 patterns) go to aho-corasick's packed Teddy
//! searcher, which picks SSSE3, AVX2 or NEON at run time (the SIMD and its `unsafe` live in
//! that crate, not here). Elsewhere (wasm32), or on an x86-64 without SSSE3, a branch-free
//! test of each position's first three bytes runs over [`LANES`] positions at a time so that
//! the compiler vectorises it (SSE2, or simd128 on wasm). Either way the few hits are then
//! checked exactly (`bea` must go on with `rer`).

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
use aho_corasick::{packed, Span};

/// What a candidate position may start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// `pk_`: a key (`pk_live_` / `pk_test_`, any case).
    Key,
    /// `key`: the end of a parameter or header name (`api_key=`, `X-Api-Key:`, `&key=`).
    Name,
    /// `bearer`: an `Authorization` scheme followed by a token.
    Bearer,
}

/// The literals every redaction starts from: text in which none of these occurs (ASCII case
/// ignored) is never changed, in any style, whole or streamed.
///
/// Exported as data so a binding can return such text untouched without calling into the core
/// (the Node package tests its strings with one case-insensitive search built from this list).
/// The shared vectors check the promise: every case whose input holds no trigger expects its
/// input back.
///
/// ```
/// use pictify_keys::redact::{redact, TRIGGERS};
///
/// let line = "2026-11-27T12:00:00Z INFO GET /v1/render status=200 took=12ms";
/// let lower = line.to_ascii_lowercase();
/// assert!(!TRIGGERS.iter().any(|t| lower.contains(t)));
/// assert_eq!(redact(line), line);
/// ```
pub const TRIGGERS: [&str; 3] = ["pk_", "key", "bearer"];

/// Longest needle.
pub(super) const NEEDLE_MAX: usize = 6;
/// Bytes searched for candidates at a time by the portable search.
const BLOCK: usize = 4096;
/// Positions tested at once for the first three bytes of a needle.
const LANES: usize = 32;

/// Whether `bytes` equals `lower` ignoring ASCII case (`lower` is lower case).
pub(super) fn eq_ci(bytes: &[u8], lower: &[u8]) -> bool {
    bytes.len() == lower.len()
        && bytes
            .iter()
            .zip(lower)
            .all(|(b, l)| b.to_ascii_lowercase() == *l)
}

/// Whether `x y z` may start a needle: `pk_`, `key` or `bea` (letters in any case).
///
/// `| 0x20` is an exact case fold for the letters compared here: the only bytes it maps to
/// `p`, `k`, `e`, `y`, `b` or `a` are those letters in either case (`_` is compared as it
/// is). Branch-free, so the block test vectorises.
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

// The searches test the triggers' first three bytes, then `needle_at` the rest: keep them in
// step with the list.
const _: () = assert!(TRIGGERS.len() == 3 && NEEDLE_MAX == 6 && TRIGGERS[2].len() == NEEDLE_MAX);

/// The three-byte prefixes of the needles in every case, for the packed searcher.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn prefixes() -> Vec<[u8; 3]> {
    let mut all = Vec::with_capacity(20);
    for trigger in TRIGGERS {
        let &[a, b, c, ..] = trigger.as_bytes() else {
            continue;
        };
        for bits in 0..8u8 {
            let mut p = [a, b, c];
            for (i, b) in p.iter_mut().enumerate() {
                if bits & (1 << i) != 0 {
                    *b = b.to_ascii_uppercase();
                }
            }
            if !all.contains(&p) {
                all.push(p);
            }
        }
    }
    all
}

/// The packed (Teddy) searcher over [`prefixes`], built once per process; `None` where the
/// CPU has no SIMD it can use.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn teddy() -> Option<&'static packed::Searcher> {
    static TEDDY: std::sync::OnceLock<Option<packed::Searcher>> = std::sync::OnceLock::new();
    TEDDY
        .get_or_init(|| {
            packed::Config::new()
                .only_teddy(true)
                .builder()
                .extend(prefixes())
                .build()
        })
        .as_ref()
}

/// Candidate positions in ascending order, found lazily ahead of the scanner.
pub(super) struct Candidates {
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    teddy: Option<&'static packed::Searcher>,
    /// Found by the portable search, not yet handed out.
    found: Vec<(usize, Kind)>,
    next: usize,
    /// Every needle starting before this position has been found.
    covered: usize,
}

impl Candidates {
    /// Candidates at or after `from`.
    pub(super) fn new(from: usize) -> Self {
        Self {
            #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
            teddy: teddy(),
            found: Vec::new(),
            next: 0,
            covered: from,
        }
    }

    /// The first candidate at or after `pos` (which never decreases between calls).
    pub(super) fn next_at(&mut self, buf: &[u8], pos: usize) -> Option<(usize, Kind)> {
        #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
        if let Some(teddy) = self.teddy {
            let mut at = pos.max(self.covered);
            while at < buf.len() {
                let m = teddy.find_in(buf, Span::from(at..buf.len()))?;
                if let Some(kind) = needle_at(buf, m.start()) {
                    // Needles never overlap one another, so none starts inside this one's
                    // first three bytes; the next search starts after the candidate.
                    self.covered = m.start() + 1;
                    return Some((m.start(), kind));
                }
                at = m.start() + 1;
            }
            return None;
        }
        self.next_portable(buf, pos)
    }

    /// The block-by-block search, where the packed searcher is not available.
    fn next_portable(&mut self, buf: &[u8], pos: usize) -> Option<(usize, Kind)> {
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

    /// Every candidate of `buf` by the portable search, for the tests that compare the two.
    #[cfg(test)]
    fn all_portable(buf: &[u8]) -> Vec<(usize, Kind)> {
        let mut c = Self::new(0);
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((p, kind)) = c.next_portable(buf, pos) {
            out.push((p, kind));
            pos = p + 1;
        }
        out
    }

    /// Every candidate of `buf` by the search this build uses.
    #[cfg(test)]
    fn all(buf: &[u8]) -> Vec<(usize, Kind)> {
        let mut c = Self::new(0);
        let mut out = Vec::new();
        let mut pos = 0;
        while let Some((p, kind)) = c.next_at(buf, pos) {
            out.push((p, kind));
            pos = p + 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn triggers_are_the_needles() {
        for (trigger, kind) in TRIGGERS.iter().zip([Kind::Key, Kind::Name, Kind::Bearer]) {
            let upper = trigger.to_ascii_uppercase();
            for text in [trigger.to_string(), upper] {
                assert_eq!(Candidates::all(text.as_bytes()), [(0, kind)], "{text}");
            }
        }
    }

    #[test]
    fn finds_every_needle_in_any_case() {
        let text = b"pk_ PK_ pK_ Pk_ key KEY kEy bearer BEARER BeArEr bea beaRE pk key";
        let found: Vec<usize> = Candidates::all(text).iter().map(|&(p, _)| p).collect();
        assert_eq!(found, [0, 4, 8, 12, 16, 20, 24, 28, 35, 42, 62]);
        assert_eq!(Candidates::all(text), Candidates::all_portable(text));
    }

    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    #[test]
    fn packed_searcher_is_used_here() {
        // The figures in docs/benchmarks.md assume the SIMD search on these machines.
        assert!(teddy().is_some());
        assert_eq!(prefixes().len(), 20);
    }

    proptest! {
        #[test]
        fn both_searches_agree(text in proptest::collection::vec(
            prop_oneof![
                Just(b'p'), Just(b'P'), Just(b'k'), Just(b'K'), Just(b'_'), Just(b'e'),
                Just(b'E'), Just(b'y'), Just(b'Y'), Just(b'b'), Just(b'a'), Just(b'r'),
                Just(b'R'), Just(b' '), any::<u8>(),
            ],
            0..300,
        )) {
            prop_assert_eq!(Candidates::all(&text), Candidates::all_portable(&text));
        }
    }
}
