//! One audit-log line into an [`Event`], or a [`LineIssue`] naming what is wrong with it.
//!
//! The line is the documented shape, one JSON object:
//! `{"timestamp":"2026-01-29T10:30:00Z","action":"api.request","keyId":"key_abc123","endpoint":"/image","method":"POST","status":200,"ip":"203.0.113.50","userAgent":"pictify-node/1.0.0"}`.
//! `timestamp`, `keyId` and `status` are required; `endpoint`, `method`, `ip` and
//! `userAgent` may be missing or `null`; other fields are ignored. Nothing from a refused
//! line is kept or echoed: an issue carries a code, never the text.

use std::borrow::Cow;
use std::collections::HashSet;
use std::net::IpAddr;

use crate::redact::redact;

/// An audit event as the monitor keeps it: the endpoint without its query string, and
/// every text field redacted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Seconds since the Unix epoch (UTC); fractions of a second are dropped.
    pub unix_secs: i64,
    /// The key's ID or fingerprint (`key_abc123`, `pk_live_****a1b2`).
    pub key_id: String,
    /// The request path without its query string, redacted.
    pub endpoint: String,
    /// The HTTP method.
    pub method: String,
    /// The HTTP status of the response.
    pub status: u16,
    /// The client address, when the line has one.
    pub ip: Option<IpAddr>,
    /// The client's user agent (redacted), when the line has one.
    pub user_agent: Option<String>,
}

/// What is wrong with a line. Each has a stable [`code`](LineIssue::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum LineIssue {
    /// The line is not valid UTF-8: check the log's encoding.
    InvalidUtf8,
    /// The JSON ends early (a line cut by rotation or a crash).
    Truncated,
    /// The line is not JSON, or not a JSON object.
    InvalidJson,
    /// A required field (`timestamp`, `keyId`, `status`) is missing.
    MissingField,
    /// A field has the wrong type (`status` as a string, `ip` as a number, …).
    WrongType,
    /// `timestamp` is not RFC 3339 UTC (`2026-01-29T10:30:00Z`), or not a real date.
    BadTimestamp,
    /// `timestamp` has a numeric offset (`+02:00`); audit logs are written in UTC with `Z`.
    TimestampOffset,
    /// `keyId` holds an API key. The line is dropped and the key is not stored: revoke the
    /// key, since it was written to a log.
    SecretInKeyId,
    /// `keyId` is empty, too long or has characters an ID never has.
    InvalidKeyId,
    /// `ip` is not an IPv4 or IPv6 address.
    InvalidIp,
    /// The event is older than a window already closed (more than the re-order grace
    /// before the newest event seen): it is counted here and left out of every figure.
    OutOfOrder,
    /// The line is longer than the limit (64 KiB); it is skipped.
    LineTooLong,
}

impl LineIssue {
    /// Every issue, in code order.
    pub const ALL: [LineIssue; 12] = [
        Self::InvalidUtf8,
        Self::Truncated,
        Self::InvalidJson,
        Self::MissingField,
        Self::WrongType,
        Self::BadTimestamp,
        Self::TimestampOffset,
        Self::SecretInKeyId,
        Self::InvalidKeyId,
        Self::InvalidIp,
        Self::OutOfOrder,
        Self::LineTooLong,
    ];

    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::InvalidUtf8 => "invalid_utf8",
            Self::Truncated => "truncated",
            Self::InvalidJson => "invalid_json",
            Self::MissingField => "missing_field",
            Self::WrongType => "wrong_type",
            Self::BadTimestamp => "bad_timestamp",
            Self::TimestampOffset => "timestamp_offset",
            Self::SecretInKeyId => "secret_in_key_id",
            Self::InvalidKeyId => "invalid_key_id",
            Self::InvalidIp => "invalid_ip",
            Self::OutOfOrder => "out_of_order",
            Self::LineTooLong => "line_too_long",
        }
    }

    /// A one-line explanation for people.
    pub fn message(self) -> &'static str {
        match self {
            Self::InvalidUtf8 => "the line is not valid UTF-8",
            Self::Truncated => "the JSON object ends early (truncated line)",
            Self::InvalidJson => "the line is not a JSON object",
            Self::MissingField => "a required field (timestamp, keyId, status) is missing",
            Self::WrongType => "a field has the wrong type (status must be a number 100-599, text fields strings or null)",
            Self::BadTimestamp => "timestamp is not an RFC 3339 UTC time such as 2026-01-29T10:30:00Z",
            Self::TimestampOffset => "timestamp has a numeric offset; audit logs are UTC with a trailing Z",
            Self::SecretInKeyId => "keyId holds an API key (not echoed, not stored): revoke that key, it was written to a log",
            Self::InvalidKeyId => "keyId is not a key ID or fingerprint",
            Self::InvalidIp => "ip is not an IPv4 or IPv6 address",
            Self::OutOfOrder => "the event is older than an already analysed window (beyond the re-order grace)",
            Self::LineTooLong => "the line is longer than 64 KiB",
        }
    }
}

impl std::fmt::Display for LineIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[{}] {}", self.code(), self.message())
    }
}

/// The fields of a line before they are checked: borrowed from the line when it needs no
/// unescaping (always on the fast path).
#[derive(serde::Deserialize, Debug, PartialEq, Eq)]
pub(crate) struct RawLine<'a> {
    #[serde(borrow)]
    timestamp: Cow<'a, str>,
    #[serde(borrow, rename = "keyId")]
    key_id: Cow<'a, str>,
    #[serde(borrow, default)]
    endpoint: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    status: u16,
    #[serde(borrow, default)]
    ip: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "userAgent")]
    user_agent: Option<Cow<'a, str>>,
}

/// An event as the analyser reads it, borrowing its text from the line (or from an
/// [`AuditEvent`](crate::AuditEvent)): checked and redacted like [`Event`], allocated only
/// where redaction or unescaping changed a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EventRef<'a> {
    pub unix_secs: i64,
    pub key_id: Cow<'a, str>,
    pub endpoint: Cow<'a, str>,
    pub method: Cow<'a, str>,
    pub status: u16,
    pub ip: Option<IpAddr>,
    pub user_agent: Option<Cow<'a, str>>,
}

impl EventRef<'_> {
    /// The owned [`Event`].
    pub fn into_owned(self) -> Event {
        Event {
            unix_secs: self.unix_secs,
            key_id: self.key_id.into_owned(),
            endpoint: self.endpoint.into_owned(),
            method: self.method.into_owned(),
            status: self.status,
            ip: self.ip,
            user_agent: self.user_agent.map(Cow::into_owned),
        }
    }
}

/// Parses one line (without its newline; a trailing `\r` is allowed).
///
/// ```
/// use pictify_keys::monitor::{parse_line, LineIssue};
///
/// let line = br#"{"timestamp":"2026-01-29T10:30:00Z","keyId":"key_abc123","endpoint":"/image?size=2","method":"POST","status":200,"ip":"203.0.113.50"}"#;
/// let event = parse_line(line)?;
/// assert_eq!((event.key_id.as_str(), event.endpoint.as_str(), event.status), ("key_abc123", "/image", 200));
/// assert_eq!(parse_line(br#"{"timestamp":"2026-01-29T10:30:00+02:00","keyId":"k","status":200}"#), Err(LineIssue::TimestampOffset));
/// # Ok::<(), LineIssue>(())
/// ```
pub fn parse_line(line: &[u8]) -> Result<Event, LineIssue> {
    parse_line_ref(line).map(EventRef::into_owned)
}

/// [`parse_line`] without copying: the event borrows from `line`.
pub(crate) fn parse_line_ref(line: &[u8]) -> Result<EventRef<'_>, LineIssue> {
    let raw = raw_line(line)?;
    check(raw, None)
}

/// [`parse_line_ref`] for one line of a batch: `checked` remembers what earlier lines of
/// the batch already passed.
pub(crate) fn parse_line_checked<'a>(
    line: &'a [u8],
    checked: &mut Checked,
) -> Result<EventRef<'a>, LineIssue> {
    let raw = raw_line(line)?;
    check(raw, Some(checked))
}

/// Distinct texts remembered, in each set, and the longest text remembered (so the memory
/// stays under 2 MB whatever the input).
const CHECKED_CAP: usize = 4096;
const CHECKED_LEN: usize = 256;

/// What earlier lines have already checked: key IDs that passed the key-ID check, and
/// texts the redactor left unchanged (so never a text holding a key). A log has few
/// distinct IDs, endpoints and user agents, so each is checked once per batch instead of
/// once per line; the answers are the same, since both checks depend on the text alone.
#[derive(Default)]
pub(crate) struct Checked {
    key_ids: HashSet<Box<str>, foldhash::fast::RandomState>,
    clean: HashSet<Box<str>, foldhash::fast::RandomState>,
}

impl Checked {
    /// [`check_key_id`], remembered.
    pub(crate) fn key_id(&mut self, id: &str) -> Result<(), LineIssue> {
        if !self.key_ids.contains(id) {
            check_key_id(id)?;
            if self.key_ids.len() < CHECKED_CAP {
                self.key_ids.insert(id.into());
            }
        }
        Ok(())
    }

    fn redact<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        if self.clean.contains(text) {
            return Cow::Borrowed(text);
        }
        let out = redact(text);
        if matches!(out, Cow::Borrowed(_))
            && self.clean.len() < CHECKED_CAP
            && text.len() <= CHECKED_LEN
        {
            self.clean.insert(text.into());
        }
        out
    }
}

/// The fields of a line: the fast path for the documented flat shape, else serde_json.
pub(crate) fn raw_line(line: &[u8]) -> Result<RawLine<'_>, LineIssue> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if let Some(raw) = flat_line(line) {
        return Ok(raw);
    }
    full_line(line)
}

/// The fields of a line through serde_json (any valid JSON object).
pub(crate) fn full_line(line: &[u8]) -> Result<RawLine<'_>, LineIssue> {
    if std::str::from_utf8(line).is_err() {
        return Err(LineIssue::InvalidUtf8);
    }
    serde_json::from_slice(line).map_err(|e| {
        use serde_json::error::Category;
        match e.classify() {
            Category::Eof => LineIssue::Truncated,
            Category::Data if e.to_string().starts_with("missing field") => LineIssue::MissingField,
            Category::Data => {
                if line.first() == Some(&b'{') {
                    LineIssue::WrongType
                } else {
                    LineIssue::InvalidJson
                }
            }
            Category::Syntax | Category::Io => LineIssue::InvalidJson,
        }
    })
}

/// The fast path: a flat object of ASCII string and integer values, no whitespace, no
/// escape, every known field at most once (`{"timestamp":"…","keyId":"…",…,"status":200,…}`,
/// as audit logs are written). `None` for anything else, which serde_json then reads, so
/// both paths give the same fields (property-tested in this module).
pub(crate) fn flat_line(line: &[u8]) -> Option<RawLine<'_>> {
    // One pass: ASCII only (so valid UTF-8), no control character (so no whitespace) and
    // no backslash (so every quote delimits a string and no string needs unescaping).
    if line.len() < 2
        || line.iter().fold(false, |bad, &b| {
            bad | !(0x20..0x7f).contains(&b) | (b == b'\\')
        })
    {
        return None;
    }
    if line[0] != b'{' || line[line.len() - 1] != b'}' {
        return None;
    }
    // ASCII checked above, so every slice between quotes is a `str`.
    let text = std::str::from_utf8(line).ok()?;
    let b = line;
    let (mut timestamp, mut key_id, mut status) = (None, None, None);
    let (mut endpoint, mut method, mut ip, mut user_agent) = (None, None, None, None);
    let mut i = 1;
    loop {
        // "name":
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let name_end = i + 1 + quote(&b[i + 1..])?;
        let name = &b[i + 1..name_end];
        if b.get(name_end + 1) != Some(&b':') {
            return None;
        }
        i = name_end + 2;
        // value: a string, an integer or null
        let value = match b.get(i)? {
            b'"' => {
                let end = i + 1 + quote(&b[i + 1..])?;
                let v = Flat::Text(text.get(i + 1..end)?);
                i = end + 1;
                v
            }
            b'1'..=b'9' => {
                let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits > 3 {
                    return None;
                }
                let n = b[i..i + digits]
                    .iter()
                    .fold(0u16, |acc, d| acc * 10 + u16::from(d - b'0'));
                i += digits;
                Flat::Number(n)
            }
            b'n' if b[i..].starts_with(b"null") => {
                i += 4;
                Flat::Null
            }
            _ => return None,
        };
        // Compared as fixed-size arrays (inline, no memcmp call per name).
        let slot = match name.len() {
            9 if is(name, b"timestamp") => Some(&mut timestamp),
            5 if is(name, b"keyId") => Some(&mut key_id),
            6 if is(name, b"status") => Some(&mut status),
            8 if is(name, b"endpoint") => Some(&mut endpoint),
            6 if is(name, b"method") => Some(&mut method),
            2 if is(name, b"ip") => Some(&mut ip),
            9 if is(name, b"userAgent") => Some(&mut user_agent),
            // Other fields are ignored, as serde_json does.
            _ => None,
        };
        // A known field twice is an error serde_json names.
        if slot.is_some_and(|s| s.replace(value).is_some()) {
            return None;
        }
        match b.get(i)? {
            b',' => i += 1,
            b'}' if i == b.len() - 1 => break,
            _ => return None,
        }
    }
    Some(RawLine {
        timestamp: Cow::Borrowed(timestamp?.text()?),
        key_id: Cow::Borrowed(key_id?.text()?),
        status: match status? {
            Flat::Number(n) => n,
            _ => return None,
        },
        endpoint: optional(endpoint)?,
        method: optional(method)?,
        ip: optional(ip)?,
        user_agent: optional(user_agent)?,
    })
}

/// The offset of the next `"`: a plain loop, faster than `memchr` over the few bytes of a
/// field name or value.
fn quote(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'"')
}

/// `name == want`, for a `name` of length `N`.
fn is<const N: usize>(name: &[u8], want: &[u8; N]) -> bool {
    <&[u8; N]>::try_from(name).is_ok_and(|n| n == want)
}

/// A value on the fast path.
#[derive(Clone, Copy)]
enum Flat<'a> {
    Text(&'a str),
    Number(u16),
    Null,
}

impl<'a> Flat<'a> {
    fn text(self) -> Option<&'a str> {
        match self {
            Flat::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// An optional text field: missing or null is `None`; a number is left to serde_json.
fn optional(v: Option<Flat<'_>>) -> Option<Option<Cow<'_, str>>> {
    match v {
        None | Some(Flat::Null) => Some(None),
        Some(Flat::Text(t)) => Some(Some(Cow::Borrowed(t))),
        Some(Flat::Number(_)) => None,
    }
}

/// Checks and redacts the fields of a line.
pub(crate) fn check<'a>(
    raw: RawLine<'a>,
    mut checked: Option<&mut Checked>,
) -> Result<EventRef<'a>, LineIssue> {
    if !(100..=599).contains(&raw.status) {
        return Err(LineIssue::WrongType);
    }
    let unix_secs = parse_timestamp(&raw.timestamp)?;
    match checked.as_deref_mut() {
        Some(c) => c.key_id(&raw.key_id)?,
        None => check_key_id(&raw.key_id)?,
    }
    let ip = match raw.ip.as_deref() {
        None | Some("") => None,
        Some(text) => Some(text.parse::<IpAddr>().map_err(|_| LineIssue::InvalidIp)?),
    };
    let mut redacted = |text: Cow<'a, str>| -> Cow<'a, str> {
        match (text, checked.as_deref_mut()) {
            (Cow::Borrowed(t), Some(c)) => c.redact(t),
            (Cow::Borrowed(t), None) => redact(t),
            (Cow::Owned(t), _) => match redact(&t) {
                Cow::Borrowed(_) => Cow::Owned(t),
                Cow::Owned(r) => Cow::Owned(r),
            },
        }
    };
    let endpoint = match raw.endpoint {
        None => Cow::Borrowed(""),
        Some(Cow::Borrowed(e)) => redacted(Cow::Borrowed(e.split(['?', '#']).next().unwrap_or(""))),
        Some(Cow::Owned(e)) => {
            Cow::Owned(redact(e.split(['?', '#']).next().unwrap_or("")).into_owned())
        }
    };
    Ok(EventRef {
        unix_secs,
        key_id: raw.key_id,
        endpoint,
        method: raw.method.map_or(Cow::Borrowed(""), &mut redacted),
        status: raw.status,
        ip,
        user_agent: raw.user_agent.map(redacted),
    })
}

/// A key ID as stored: an ID (`KeyRef::from_id` rules) or a fingerprint `pk_live_****a1b2`.
pub(crate) fn check_key_id(id: &str) -> Result<(), LineIssue> {
    if is_fingerprint(id) {
        return Ok(());
    }
    match crate::audit::KeyRef::check_id(id) {
        Ok(()) => Ok(()),
        Err(crate::audit::AuditError::SecretInKeyId) => Err(LineIssue::SecretInKeyId),
        Err(_) => Err(LineIssue::InvalidKeyId),
    }
}

/// `pk_live_****a1b2` / `pk_test_****a1b2`.
pub(crate) fn is_fingerprint(id: &str) -> bool {
    let b = id.as_bytes();
    b.len() == 16
        && (id.starts_with("pk_live_****") || id.starts_with("pk_test_****"))
        && b[12..].iter().all(u8::is_ascii_alphanumeric)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z` into Unix seconds (the fraction is dropped; the
/// core's own [`AuditEvent`](crate::AuditEvent) writes milliseconds). Years 2000 to 2199.
pub fn parse_timestamp(text: &str) -> Result<i64, LineIssue> {
    let b = text.as_bytes();
    if b.len() < 20 {
        return Err(LineIssue::BadTimestamp);
    }
    let num = |r: std::ops::Range<usize>| -> Result<i64, LineIssue> {
        let part = &b[r];
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part
                .iter()
                .fold(0i64, |acc, d| acc * 10 + i64::from(d - b'0')))
        } else {
            Err(LineIssue::BadTimestamp)
        }
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return Err(LineIssue::BadTimestamp);
    }
    let (y, mo, d, h, mi, s) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
        num(17..19)?,
    );
    let mut rest = &b[19..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return Err(LineIssue::BadTimestamp);
        }
        rest = &frac[digits..];
    }
    match rest {
        b"Z" => {}
        [b'+' | b'-', ..] => return Err(LineIssue::TimestampOffset),
        _ => return Err(LineIssue::BadTimestamp),
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let valid = (2000..2200).contains(&y)
        && (1..=12).contains(&mo)
        && d >= 1
        && usize::try_from(mo - 1)
            .ok()
            .and_then(|m| month_days.get(m))
            .is_some_and(|&max| d <= max)
        && h < 24
        && mi < 60
        && s < 60;
    if !valid {
        return Err(LineIssue::BadTimestamp);
    }
    Ok(days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Unix seconds as `2026-01-29T10:30:00Z`.
pub fn format_timestamp(unix_secs: i64) -> String {
    let mut s =
        crate::audit::Timestamp::from_unix_millis(unix_secs.saturating_mul(1000)).to_string();
    // `…:SS.000Z` → `…:SSZ`
    s.replace_range(s.len() - 5..s.len() - 1, "");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const OK: &str = r#"{"timestamp":"2026-01-29T10:30:00Z","action":"api.request","keyId":"key_abc123","endpoint":"/image","method":"POST","status":200,"ip":"203.0.113.50","userAgent":"pictify-node/1.0.0"}"#;

    #[test]
    fn documented_line() {
        let e = parse_line(OK.as_bytes()).unwrap();
        assert_eq!(e.unix_secs, 1_769_682_600);
        assert_eq!(format_timestamp(e.unix_secs), "2026-01-29T10:30:00Z");
        assert_eq!(e.ip, Some("203.0.113.50".parse().unwrap()));
        assert_eq!(e.user_agent.as_deref(), Some("pictify-node/1.0.0"));
    }

    #[test]
    fn issues() {
        let sub = |from: &str, to: &str| OK.replace(from, to);
        let cases: Vec<(Vec<u8>, LineIssue)> = vec![
            (OK.as_bytes()[..40].to_vec(), LineIssue::Truncated),
            (b"{\"timestamp\":\"\xff\"}".to_vec(), LineIssue::InvalidUtf8),
            (b"hello".to_vec(), LineIssue::InvalidJson),
            (b"[1,2]".to_vec(), LineIssue::InvalidJson),
            (
                sub("\"status\":200,", "").into_bytes(),
                LineIssue::MissingField,
            ),
            (sub("200", "\"200\"").into_bytes(), LineIssue::WrongType),
            (sub("200", "200.5").into_bytes(), LineIssue::WrongType),
            (sub("200", "42").into_bytes(), LineIssue::WrongType),
            (
                sub("\"203.0.113.50\"", "7").into_bytes(),
                LineIssue::WrongType,
            ),
            (
                sub("10:30:00Z", "10:30:00+01:00").into_bytes(),
                LineIssue::TimestampOffset,
            ),
            (
                sub("10:30:00Z", "10:30:00").into_bytes(),
                LineIssue::BadTimestamp,
            ),
            (
                sub("2026-01-29", "2026-02-29").into_bytes(),
                LineIssue::BadTimestamp,
            ),
            (
                sub("2026-01-29T", "2026-01-29 ").into_bytes(),
                LineIssue::BadTimestamp,
            ),
            (
                sub("key_abc123", "pk_live_FAKE3Wwd25rq4f5zra1b2").into_bytes(),
                LineIssue::SecretInKeyId,
            ),
            (
                sub("key_abc123", "key abc").into_bytes(),
                LineIssue::InvalidKeyId,
            ),
            (
                sub("203.0.113.50", "203.0.113.500").into_bytes(),
                LineIssue::InvalidIp,
            ),
        ];
        for (line, want) in cases {
            assert_eq!(
                parse_line(&line),
                Err(want),
                "{}",
                String::from_utf8_lossy(&line)
            );
        }
    }

    use proptest::prelude::*;

    /// A field value: mostly what audit logs hold, with the shapes the fast path must hand
    /// over to serde_json (escapes, non-ASCII, whitespace, other numbers and literals).
    fn value() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("\"2026-01-29T10:30:00Z\"".to_owned()),
            Just("\"key_abc123\"".to_owned()),
            Just("\"/v1/render?x=1\"".to_owned()),
            Just("\"203.0.113.50\"".to_owned()),
            Just("\"pictify-node/1.0.0\"".to_owned()),
            Just("\"pk_live_FAKE3Wwd25rq4f5zra1b2\"".to_owned()),
            "[0-9]{1,6}",
            Just("0200".to_owned()),
            Just("200.5".to_owned()),
            Just("-1".to_owned()),
            Just("2e2".to_owned()),
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("{}".to_owned()),
            Just("[]".to_owned()),
            "\"[a-zA-Z0-9 /:._\\\\\"\u{e9}\t-]{0,12}\"",
        ]
    }

    fn name() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "timestamp",
            "keyId",
            "endpoint",
            "method",
            "status",
            "ip",
            "userAgent",
            "action",
            "other",
            "",
            "Status",
        ])
    }

    /// A line near the documented shape, possibly cut, padded or given a `\r`.
    fn line() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::collection::vec((name(), value()), 0..9),
            any::<bool>(),
            0usize..400,
            prop_oneof![Just(""), Just(" "), Just("\r"), Just("x")],
        )
            .prop_map(|(fields, documented, cut, tail)| {
                let mut s = String::from("{");
                if documented {
                    s.push_str(&OK[1..OK.len() - 1]);
                }
                for (i, (n, v)) in fields.iter().enumerate() {
                    if documented || i > 0 {
                        s.push(',');
                    }
                    s.push_str(&format!("\"{n}\":{v}"));
                }
                s.push('}');
                s.push_str(tail);
                let mut b = s.into_bytes();
                if cut < b.len() && cut % 3 == 0 {
                    b.truncate(cut);
                }
                b
            })
    }

    fn full(line: &[u8]) -> Result<RawLine<'_>, LineIssue> {
        full_line(line.strip_suffix(b"\r").unwrap_or(line))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        /// The fast path gives the fields serde_json gives, or leaves the line to it.
        #[test]
        fn fast_path_is_the_full_parser(line in line()) {
            let stripped = line.strip_suffix(b"\r").unwrap_or(&line);
            if let Some(fast) = flat_line(stripped) {
                prop_assert_eq!(Ok(fast), full_line(stripped));
            }
            prop_assert_eq!(raw_line(&line), full(&line));
            prop_assert_eq!(parse_line_ref(&line), full(&line).and_then(|r| check(r, None)));
            let mut checked = Checked::default();
            for _ in 0..2 {
                prop_assert_eq!(parse_line_checked(&line, &mut checked), parse_line_ref(&line));
            }
        }

        #[test]
        fn fast_path_on_any_bytes(line in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(raw_line(&line), full(&line));
        }
    }

    #[test]
    fn fast_path_takes_the_documented_line() {
        let raw = flat_line(OK.as_bytes()).unwrap();
        assert_eq!(raw, full_line(OK.as_bytes()).unwrap());
        assert!(matches!(raw.key_id, Cow::Borrowed("key_abc123")));
        // Escapes, spaces and non-ASCII text go to serde_json.
        for other in [
            OK.replace("/image", "\\/image"),
            OK.replace(",\"status\"", ", \"status\""),
            OK.replace("pictify-node", "pictify-n\u{f6}de"),
            OK.replace("200", "2e2"),
            OK.replace("\"action\":\"api.request\"", "\"keyId\":\"key_x\""),
        ] {
            assert_eq!(flat_line(other.as_bytes()), None, "{other}");
        }
    }

    #[test]
    fn accepted_variants() {
        let e = parse_line(OK.replace("10:30:00Z", "10:30:00.123Z").as_bytes()).unwrap();
        assert_eq!(e.unix_secs, 1_769_682_600);
        let e = parse_line(
            br#"{"timestamp":"2026-01-29T10:30:00Z","keyId":"pk_test_****a1b2","status":401,"ip":null,"endpoint":"/v1/x?api_key=pk_live_FAKE3Wwd25rq4f5zra1b2"}"#,
        )
        .unwrap();
        assert_eq!(
            (e.key_id.as_str(), e.endpoint.as_str(), e.ip),
            ("pk_test_****a1b2", "/v1/x", None)
        );
        let e = parse_line(
            OK.replace("/image", "/pk_live_FAKE3Wwd25rq4f5zra1b2/x")
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(e.endpoint, "/pk_live_****a1b2/x");
    }
}
