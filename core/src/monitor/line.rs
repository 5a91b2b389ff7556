//! One audit-log line into an [`Event`], or a [`LineIssue`] naming what is wrong with it.
//!
//! The line is the documented shape, one JSON object:
//! `{"timestamp":"2026-01-29T10:30:00Z","action":"api.request","keyId":"key_abc123","endpoint":"/image","method":"POST","status":200,"ip":"203.0.113.50","userAgent":"pictify-node/1.0.0"}`.
//! `timestamp`, `keyId` and `status` are required; `endpoint`, `method`, `ip` and
//! `userAgent` may be missing or `null`; other fields are ignored. Nothing from a refused
//! line is kept or echoed: an issue carries a code, never the text.

use std::borrow::Cow;
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

#[derive(serde::Deserialize)]
struct RawLine<'a> {
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
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if std::str::from_utf8(line).is_err() {
        return Err(LineIssue::InvalidUtf8);
    }
    let raw: RawLine<'_> = serde_json::from_slice(line).map_err(|e| {
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
    })?;
    if !(100..=599).contains(&raw.status) {
        return Err(LineIssue::WrongType);
    }
    let unix_secs = parse_timestamp(&raw.timestamp)?;
    let key_id = check_key_id(&raw.key_id)?;
    let ip = match raw.ip.as_deref() {
        None | Some("") => None,
        Some(text) => Some(text.parse::<IpAddr>().map_err(|_| LineIssue::InvalidIp)?),
    };
    let endpoint = raw.endpoint.as_deref().unwrap_or("");
    let path = endpoint.split(['?', '#']).next().unwrap_or("");
    Ok(Event {
        unix_secs,
        key_id,
        endpoint: redact(path).into_owned(),
        method: redact(raw.method.as_deref().unwrap_or("")).into_owned(),
        status: raw.status,
        ip,
        user_agent: raw.user_agent.map(|ua| redact(&ua).into_owned()),
    })
}

/// A key ID as stored: an ID (`KeyRef::from_id` rules) or a fingerprint `pk_live_****a1b2`.
pub(crate) fn check_key_id(id: &str) -> Result<String, LineIssue> {
    if is_fingerprint(id) {
        return Ok(id.to_owned());
    }
    match crate::audit::KeyRef::from_id(id) {
        Ok(k) => Ok(k.as_str().to_owned()),
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
