//! Usage monitoring: a sans-IO, streaming analyser of audit events (feature `monitor`).
//!
//! Feed it bytes of JSON lines in any chunking ([`Monitor::feed`]), whole lines
//! ([`Monitor::feed_line`]) or the core's own [`AuditEvent`]s ([`Monitor::feed_event`]);
//! it keeps per-key usage ([`KeyUsage`]), runs the detectors over fixed windows (one hour by
//! default) and raises [`Alert`]s with a start → update → end lifecycle. It reads no clock
//! and no file: time comes from the events, so the same input gives the same report
//! however it is cut into chunks. Memory is bounded by keys × networks, not by events.
//!
//! Bad lines never stop it: each is counted under a [`LineIssue`] code with its line number
//! and left out of every figure; nothing of a refused line is echoed or kept.
//!
//! ```
//! use pictify_keys::monitor::{Config, Monitor};
//!
//! let config = Config::parse(r#"
//! [keys.key_abc123]
//! allowed_networks = ["203.0.113.0/24"]
//! "#)?;
//! let mut monitor = Monitor::new(config);
//! monitor.begin_source("app.log");
//! monitor.feed(br#"{"timestamp":"2026-01-29T10:30:00Z","keyId":"key_abc123","endpoint":"/image","method":"POST","status":200,"ip":"198.51.100.7"}
//! not json
//! "#);
//! let report = monitor.finish();
//! assert_eq!(report.events, 1);
//! assert_eq!(report.issues[0].code, "invalid_json");
//! assert_eq!(report.issues[0].lines[0].line, 2);
//! assert_eq!(report.alerts[0].kind.code(), "disallowed_network");
//! assert_eq!(report.alerts[0].evidence[0].line, 1);
//! # Ok::<(), pictify_keys::monitor::ConfigError>(())
//! ```

mod alert;
mod config;
mod detect;
mod geo;
mod line;
mod live;
mod net;
mod parsed;
mod stats;

use std::collections::BTreeMap;

use serde::Serialize;

pub use alert::{Alert, AlertKind, AlertUpdate, Evidence, Phase, Severity};
pub use config::{Access, BusinessHours, Config, ConfigError, KeyConfig, Thresholds};
pub use detect::{client_product, is_write, median, poisson_tail, HISTORY_DAYS, PRODUCTS_KEPT};
pub use geo::{classify, locate, GeoInfo, GeoLookup, IpClass, Location};
pub use line::{format_timestamp, parse_line, parse_timestamp, Event, LineIssue};
pub use live::LiveMonitor;
pub use net::{Cidr, CidrError, Network};
pub use parsed::{parse_lines, ParsedLines};
pub use stats::{
    is_error, KeyUsage, Timeline, ENDPOINT_CAP, IP_CAP, NETWORK_CAP, TIMELINE_CAP,
    TIMELINE_FIRST_BUCKET_SECS,
};

use crate::audit::AuditEvent;
use detect::KeyState;
use line::EventRef;
use std::borrow::Cow;

/// Longest line read; longer lines are skipped as [`LineIssue::LineTooLong`].
pub const MAX_LINE: usize = 64 * 1024;
/// Line numbers kept per issue code in the report.
pub const ISSUE_LINES_KEPT: usize = 20;
/// The action of the HTTP client's key-fallback audit event, which repeats the 401 of the
/// `api.request` event before it (see [`Monitor::feed_event`]).
pub const FALLBACK_ACTION: &str = "api_key.fallback";

/// One issue code with its count and first line numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IssueCount {
    /// The stable code.
    pub code: &'static str,
    /// What it means.
    pub message: &'static str,
    /// Lines with this issue.
    pub count: u64,
    /// The first of them.
    pub lines: Vec<Evidence>,
}

/// The analysis of a whole input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Lines read (blank lines included).
    pub lines: u64,
    /// Events analysed.
    pub events: u64,
    /// Window length in minutes.
    pub window_minutes: u32,
    /// Lines left out, by code.
    pub issues: Vec<IssueCount>,
    /// Usage per key, by key ID.
    pub keys: Vec<KeyUsage>,
    /// Alerts, by start time.
    pub alerts: Vec<Alert>,
}

impl Report {
    /// Lines left out.
    pub fn issue_count(&self) -> u64 {
        self.issues.iter().map(|i| i.count).sum()
    }
}

/// The streaming analyser. See the [module documentation](self).
pub struct Monitor {
    config: Config,
    window_secs: i64,
    grace_secs: i64,
    slots_per_day: usize,
    keys: BTreeMap<String, KeyState>,
    tracker: alert::Tracker,
    /// The oldest window not closed yet.
    next_close: Option<i64>,
    /// The newest event time seen.
    watermark: i64,
    source: String,
    line_no: u64,
    partial: Vec<u8>,
    skipping_long_line: bool,
    lines: u64,
    events: u64,
    issues: BTreeMap<LineIssue, (u64, Vec<Evidence>)>,
    /// Empty windows in a row after which the rest of an empty stretch is skipped.
    fast_forward_after: i64,
    /// Scratch space for an event's `METHOD endpoint` (no allocation per event).
    label: String,
    /// Key IDs and texts already checked (see [`line::Checked`]).
    checked: line::Checked,
}

impl Monitor {
    /// A monitor with `config` (use `Config::default()` for no per-key rules).
    pub fn new(config: Config) -> Self {
        let window_secs = i64::from(config.window_minutes.max(1)) * 60;
        let slots_per_day = usize::try_from(86_400 / window_secs).unwrap_or(24).max(1);
        let max_cooldown = config
            .keys
            .values()
            .map(|k| k.thresholds.cooldown_windows)
            .chain([config.thresholds.cooldown_windows])
            .max()
            .unwrap_or(0);
        let history = i64::try_from(HISTORY_DAYS * slots_per_day).unwrap_or(i64::MAX);
        Self {
            fast_forward_after: history
                .saturating_add(i64::from(max_cooldown))
                .saturating_add(1),
            window_secs,
            grace_secs: i64::from(config.reorder_grace_minutes) * 60,
            slots_per_day,
            config,
            keys: BTreeMap::new(),
            tracker: alert::Tracker::default(),
            next_close: None,
            watermark: i64::MIN,
            source: "-".to_owned(),
            line_no: 0,
            partial: Vec::new(),
            skipping_long_line: false,
            lines: 0,
            events: 0,
            issues: BTreeMap::new(),
            label: String::new(),
            checked: line::Checked::default(),
        }
    }

    /// Starts a new input named `name` (a file name; shown in evidence): line numbers restart
    /// at 1. An unfinished last line of the previous input is read as a line first.
    pub fn begin_source(&mut self, name: &str) {
        self.end_source();
        name.clone_into(&mut self.source);
        self.line_no = 0;
    }

    /// Reads the unfinished last line of the current input, if any (an input whose last
    /// line has no newline).
    pub fn end_source(&mut self) {
        if !self.partial.is_empty() || self.skipping_long_line {
            let line = std::mem::take(&mut self.partial);
            self.take_line(&line);
        }
    }

    /// Feeds bytes of JSON lines, cut anywhere.
    pub fn feed(&mut self, mut bytes: &[u8]) {
        while let Some(nl) = memchr::memchr(b'\n', bytes) {
            let (head, rest) = (&bytes[..nl], &bytes[nl + 1..]);
            if self.partial.is_empty() && !self.skipping_long_line {
                self.take_line(head);
            } else {
                self.push_partial(head);
                let line = std::mem::take(&mut self.partial);
                self.take_line(&line);
            }
            bytes = rest;
        }
        self.push_partial(bytes);
    }

    fn push_partial(&mut self, bytes: &[u8]) {
        if self.skipping_long_line {
            return;
        }
        if self.partial.len() + bytes.len() > MAX_LINE {
            self.partial.clear();
            self.skipping_long_line = true;
        } else {
            self.partial.extend_from_slice(bytes);
        }
    }

    fn take_line(&mut self, line: &[u8]) {
        if std::mem::take(&mut self.skipping_long_line) || line.len() > MAX_LINE {
            self.line_no += 1;
            self.lines += 1;
            self.issue(LineIssue::LineTooLong);
        } else {
            self.feed_line(line);
        }
    }

    /// Feeds one complete line (without its newline). Blank lines are counted and skipped;
    /// a line longer than [`MAX_LINE`] is counted as [`LineIssue::LineTooLong`], as in
    /// [`feed`](Self::feed).
    pub fn feed_line(&mut self, line: &[u8]) {
        self.line_no += 1;
        self.lines += 1;
        if line.len() > MAX_LINE {
            return self.issue(LineIssue::LineTooLong);
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match line::parse_line_checked(line, &mut self.checked) {
            Ok(event) => self.analyse(&event),
            Err(issue) => self.issue(issue),
        }
    }

    /// Feeds lines parsed apart (see [`parse_lines`]), in order: the same as feeding their
    /// bytes with [`feed`](Self::feed), so the parsing can run on other threads while this
    /// one analyses. A parsed batch starts a new line: an unfinished line fed before it is
    /// read as a line first.
    pub fn feed_parsed(&mut self, lines: &ParsedLines) {
        self.end_source();
        for item in lines.items() {
            self.line_no += 1;
            self.lines += 1;
            match item {
                parsed::Item::Blank => {}
                parsed::Item::Issue(issue) => self.issue(issue),
                parsed::Item::Event(event) => self.analyse(&event),
            }
        }
    }

    /// Feeds an event of the core's own audit hook (its evidence line is its ordinal in
    /// the current source, `memory` unless [`begin_source`](Self::begin_source) named one).
    ///
    /// An [`FALLBACK_ACTION`] event is counted as a line but not analysed: the HTTP client
    /// sends it right after the `api.request` event of the same refused attempt, which
    /// already carries the 401, so analysing both would count that request twice.
    pub fn feed_event(&mut self, event: &AuditEvent) {
        if self.lines == 0 && self.source == "-" {
            "memory".clone_into(&mut self.source);
        }
        self.line_no += 1;
        self.lines += 1;
        if event.action() == FALLBACK_ACTION {
            return;
        }
        let ip = match event.ip().map(str::parse) {
            None => None,
            Some(Ok(ip)) => Some(ip),
            Some(Err(_)) => return self.issue(LineIssue::InvalidIp),
        };
        let key_id = event.key_id().as_str();
        if let Err(issue) = self.checked.key_id(key_id) {
            return self.issue(issue);
        }
        let endpoint = event.endpoint().split(['?', '#']).next().unwrap_or("");
        self.analyse(&EventRef {
            unix_secs: event.timestamp().unix_millis().div_euclid(1000),
            key_id: Cow::Borrowed(key_id),
            endpoint: Cow::Borrowed(endpoint),
            method: Cow::Borrowed(event.method()),
            status: event.status(),
            ip,
            user_agent: event.user_agent().map(Cow::Borrowed),
        });
    }

    fn issue(&mut self, issue: LineIssue) {
        let at = self.here();
        let entry = self.issues.entry(issue).or_default();
        entry.0 += 1;
        if entry.1.len() < ISSUE_LINES_KEPT {
            entry.1.push(at);
        }
    }

    fn here(&self) -> Evidence {
        Evidence {
            source: self.source.clone(),
            line: self.line_no,
        }
    }

    fn analyse(&mut self, e: &EventRef<'_>) {
        let w = e.unix_secs.div_euclid(self.window_secs);
        match self.next_close {
            Some(next) if w < next => return self.issue(LineIssue::OutOfOrder),
            Some(_) => {}
            None => self.next_close = Some(w),
        }
        self.events += 1;
        let at = detect::Here {
            source: &self.source,
            line: self.line_no,
        };
        let config = &self.config;
        let label = &mut self.label;
        if let Some(state) = self.keys.get_mut(&*e.key_id) {
            state.add(e, w, &at, config, label);
        } else {
            let mut state = KeyState::new(config, &e.key_id, w);
            state.add(e, w, &at, config, label);
            self.keys.insert(e.key_id.clone().into_owned(), state);
        }
        self.watermark = self.watermark.max(e.unix_secs);
        self.close_until(self.watermark.saturating_sub(self.grace_secs));
    }

    /// Closes every window that ends at or before `t`.
    fn close_until(&mut self, t: i64) {
        let mut empty_run: i64 = 0;
        while let Some(w) = self.next_close {
            let end = (w + 1) * self.window_secs;
            if end > t {
                break;
            }
            // A long stretch without any event (a gap in the log, or one far-future line):
            // once every key's history is all zeros and every alert has cooled down, more
            // empty windows change nothing but the window count, so they are skipped at once.
            let next_event = self
                .keys
                .values()
                .filter_map(|k| k.open.keys().next().copied())
                .min();
            if !matches!(next_event, Some(n) if n <= w) {
                empty_run += 1;
            } else {
                empty_run = 0;
            }
            if empty_run > self.fast_forward_after {
                let last = t.div_euclid(self.window_secs) - 1;
                let stop = next_event.map_or(last, |n| (n - 1).min(last));
                let skipped = stop - w + 1;
                if skipped > 0 {
                    for state in self.keys.values_mut().filter(|k| k.first_window <= w) {
                        state.skip_empty(u64::try_from(skipped).unwrap_or(0));
                    }
                    self.next_close = Some(stop + 1);
                    empty_run = 0;
                    continue;
                }
            }
            for (key, state) in &mut self.keys {
                if state.first_window <= w {
                    state.close(
                        key,
                        w,
                        w * self.window_secs,
                        end,
                        self.slots_per_day,
                        &mut self.tracker,
                    );
                }
            }
            self.next_close = Some(w + 1);
        }
    }

    /// Closes the windows that end at or before `unix_secs` even without newer events (for
    /// an in-process monitor on a quiet app: call it from a timer with the current time).
    pub fn advance_to(&mut self, unix_secs: i64) {
        if self.next_close.is_some() {
            self.watermark = self.watermark.max(unix_secs);
            self.close_until(self.watermark.saturating_sub(self.grace_secs));
        }
    }

    /// Alert starts, updates and ends since the last call, in order.
    pub fn drain_updates(&mut self) -> Vec<AlertUpdate> {
        self.tracker.drain_updates()
    }

    /// Lines left out so far.
    pub fn issue_count(&self) -> u64 {
        self.issues.values().map(|(n, _)| n).sum()
    }

    /// The first line left out so far, with its issue.
    pub fn first_issue(&self) -> Option<(LineIssue, Evidence)> {
        self.issues
            .iter()
            .filter_map(|(i, (_, at))| at.first().map(|a| (*i, a.clone())))
            .min_by(|a, b| (&a.1.source, a.1.line).cmp(&(&b.1.source, b.1.line)))
    }

    /// Ends the input: reads an unfinished last line, closes every window up to the last
    /// event (alerts still firing stay open) and returns the report.
    pub fn finish(mut self) -> Report {
        self.close();
        self.snapshot()
    }

    /// Ends the input so far without giving the monitor up: reads an unfinished last line
    /// and closes every window up to the newest event's, as [`finish`](Self::finish) does.
    /// Events older than the newest window are out of order afterwards.
    pub fn close(&mut self) {
        self.end_source();
        if let Some(last) = self
            .keys
            .values()
            .filter_map(|k| k.open.keys().next_back().copied())
            .max()
        {
            self.close_until((last + 1) * self.window_secs);
        }
    }

    /// The report so far, without ending the stream: usage counts every event fed; alerts
    /// cover the windows closed so far (a window closes once an event or
    /// [`advance_to`](Self::advance_to) passes its end plus the reorder grace), so a window
    /// still open is judged later. An unfinished last line of a byte stream is not read.
    /// After `advance_to` past the last event's window it equals [`finish`](Self::finish).
    pub fn snapshot(&self) -> Report {
        let slots = self.slots_per_day;
        let keys = self
            .keys
            .iter()
            .map(|(id, k)| {
                k.usage
                    .summary(id, k.config.name.clone(), k.learning(slots), k.configured)
            })
            .collect();
        Report {
            lines: self.lines,
            events: self.events,
            window_minutes: self.config.window_minutes,
            issues: self
                .issues
                .iter()
                .map(|(issue, (count, lines))| IssueCount {
                    code: issue.code(),
                    message: issue.message(),
                    count: *count,
                    lines: lines.clone(),
                })
                .collect(),
            keys,
            alerts: self.tracker.all(),
        }
    }
}

#[cfg(test)]
mod tests;
