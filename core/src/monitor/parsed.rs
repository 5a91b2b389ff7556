//! Lines parsed apart from the [`Monitor`](super::Monitor), so that parsing (most of the
//! work per line) can run on other threads while one thread analyses in order.
//!
//! Parsing a line is a pure function of its bytes, and [`Monitor::feed_parsed`] numbers and
//! analyses the lines in the order given, so the report is the same whatever the chunking
//! and however many threads parse: by construction, not by merging.
//!
//! [`Monitor::feed_parsed`]: super::Monitor::feed_parsed

use std::borrow::Cow;
use std::net::IpAddr;
use std::ops::Range;

use super::line::{parse_line_checked, Checked, EventRef, LineIssue};
use super::MAX_LINE;

/// Whole lines, parsed: each an event, an issue or a blank line. Built by [`parse_lines`];
/// the text of every event lives in one buffer, so a batch is a few allocations, not a few
/// per line.
#[derive(Debug, Default)]
pub struct ParsedLines {
    text: String,
    items: Vec<Slot>,
}

#[derive(Debug)]
enum Slot {
    Blank,
    Issue(LineIssue),
    Event(Stored),
}

/// An event whose text is in [`ParsedLines::text`].
#[derive(Debug)]
struct Stored {
    unix_secs: i64,
    status: u16,
    ip: Option<IpAddr>,
    key_id: Range<u32>,
    endpoint: Range<u32>,
    method: Range<u32>,
    user_agent: Option<Range<u32>>,
}

/// One parsed line, as [`Monitor::feed_parsed`](super::Monitor::feed_parsed) reads it.
pub(crate) enum Item<'a> {
    Blank,
    Issue(LineIssue),
    Event(EventRef<'a>),
}

impl ParsedLines {
    /// Lines held (blank lines and lines with an issue included).
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether it holds no line.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    fn store(&mut self, text: &str) -> Range<u32> {
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        start..u32::try_from(self.text.len()).unwrap_or(u32::MAX)
    }

    fn text(&self, r: &Range<u32>) -> &str {
        let (a, b) = (r.start as usize, r.end as usize);
        self.text.get(a..b).unwrap_or("")
    }

    pub(crate) fn items(&self) -> impl Iterator<Item = Item<'_>> {
        self.items.iter().map(|slot| match slot {
            Slot::Blank => Item::Blank,
            Slot::Issue(i) => Item::Issue(*i),
            Slot::Event(s) => Item::Event(EventRef {
                unix_secs: s.unix_secs,
                key_id: Cow::Borrowed(self.text(&s.key_id)),
                endpoint: Cow::Borrowed(self.text(&s.endpoint)),
                method: Cow::Borrowed(self.text(&s.method)),
                status: s.status,
                ip: s.ip,
                user_agent: s.user_agent.as_ref().map(|r| Cow::Borrowed(self.text(r))),
            }),
        })
    }

    fn push_line(&mut self, line: &[u8], checked: &mut Checked) {
        let slot = if line.len() > MAX_LINE {
            Slot::Issue(LineIssue::LineTooLong)
        } else if line.iter().all(u8::is_ascii_whitespace) {
            Slot::Blank
        } else {
            match parse_line_checked(line, checked) {
                Err(issue) => Slot::Issue(issue),
                Ok(e) => Slot::Event(Stored {
                    unix_secs: e.unix_secs,
                    status: e.status,
                    ip: e.ip,
                    key_id: self.store(&e.key_id),
                    endpoint: self.store(&e.endpoint),
                    method: self.store(&e.method),
                    user_agent: e.user_agent.as_deref().map(|ua| self.store(ua)),
                }),
            }
        };
        self.items.push(slot);
    }
}

/// Parses `bytes` as whole lines: every `\n` ends a line, and a last line without one is a
/// line too. Feed the result with [`Monitor::feed_parsed`](super::Monitor::feed_parsed);
/// cut a stream at newlines to parse its parts on several threads (as `pictify-keys audit`
/// does). Batches beyond 4 GiB of event text are not supported (cut them smaller).
///
/// ```
/// use pictify_keys::monitor::{parse_lines, Config, Monitor};
///
/// let log = br#"{"timestamp":"2026-01-29T10:30:00Z","keyId":"key_abc123","status":200}
///
/// {"timestamp":"2026-01-29T10:31:00Z","keyId":"key_abc123","status":"200"}
/// "#;
/// let cut = log.iter().position(|&b| b == b'\n').unwrap() + 1;
/// let (first, rest) = std::thread::scope(|s| {
///     let first = s.spawn(|| parse_lines(&log[..cut]));
///     let rest = s.spawn(|| parse_lines(&log[cut..]));
///     (first.join().unwrap(), rest.join().unwrap())
/// });
/// let mut monitor = Monitor::new(Config::default());
/// monitor.feed_parsed(&first);
/// monitor.feed_parsed(&rest);
/// let report = monitor.finish();
/// assert_eq!((report.lines, report.events), (3, 1));
/// assert_eq!((report.issues[0].code, report.issues[0].lines[0].line), ("wrong_type", 3));
/// ```
pub fn parse_lines(bytes: &[u8]) -> ParsedLines {
    let mut out = ParsedLines {
        text: String::with_capacity(bytes.len() / 3),
        items: Vec::with_capacity(bytes.len() / 128 + 1),
    };
    let mut checked = Checked::default();
    let mut rest = bytes;
    while let Some(nl) = memchr::memchr(b'\n', rest) {
        out.push_line(&rest[..nl], &mut checked);
        rest = &rest[nl + 1..];
    }
    if !rest.is_empty() {
        out.push_line(rest, &mut checked);
    }
    out
}
