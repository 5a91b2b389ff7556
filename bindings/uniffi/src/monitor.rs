//! The usage monitor (issue 15) in-process: the core's `LiveMonitor`, fed with audit events
//! (or audit-log lines), polled for alert starts, updates and ends, and read as a report.
//! Pass it to `ClientOptions.monitor` and the client's own traffic feeds it.
//!
//! The enums and small records (`AlertKind`, `Severity`, `Phase`, `Evidence`, `Location`,
//! `IpClass`, `Timeline`) are the core's, derived under its `uniffi` feature. `Alert`,
//! `KeyUsage` and `LineIssueCount` are restated here because the core's carry `(String, u64)`
//! pairs and `&'static str`, which UniFFI cannot lift: each field is copied, nothing decided.

use std::sync::Arc;

use pictify_keys::monitor::{self as core_monitor, LiveMonitor};
pub use pictify_keys::monitor::{
    AlertKind, Evidence, IpClass, Location, Phase, Severity, Timeline,
};

use crate::audit::AuditEvent;
use crate::error::PictifyError;

/// A value with how often it was seen (an IP, a network, a user agent, `METHOD endpoint`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Count {
    /// The value.
    pub value: String,
    /// How many requests had it.
    pub count: u64,
}

fn counts(pairs: Vec<(String, u64)>) -> Vec<Count> {
    pairs
        .into_iter()
        .map(|(value, count)| Count { value, count })
        .collect()
}

/// One alert, as the core reports it (docs/monitor.md).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Alert {
    /// Stable id shared by the start, updates and end: `kind:keyId:start`.
    pub id: String,
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent.
    pub severity: Severity,
    /// The key's ID or fingerprint.
    pub key_id: String,
    /// Still open (false once the cool-down ran out).
    pub open: bool,
    /// Start of the first window that fired (RFC 3339, UTC).
    pub start: String,
    /// End of the last window that fired (RFC 3339, UTC).
    pub end: String,
    /// Windows that fired.
    pub windows: u32,
    /// The strongest window's observed figure.
    pub observed: f64,
    /// The baseline for that window, when the detector has one.
    pub expected: Option<f64>,
    /// The figures behind it (`median 40, MAD 6, threshold 100`).
    pub detail: String,
    /// Requests that matched.
    pub events: u64,
    /// Top client IPs.
    pub top_ips: Vec<Count>,
    /// Top networks (/24, /48).
    pub top_networks: Vec<Count>,
    /// Top user agents.
    pub top_user_agents: Vec<Count>,
    /// Top `METHOD endpoint`.
    pub top_endpoints: Vec<Count>,
    /// The first events that show it (source and line or ordinal).
    pub evidence: Vec<Evidence>,
    /// What to do, after the Pictify security guidance.
    pub action: String,
    /// The top IPs' class (private, documentation, public, …).
    pub locations: Vec<Location>,
}

impl From<core_monitor::Alert> for Alert {
    fn from(a: core_monitor::Alert) -> Self {
        Self {
            start: core_monitor::format_timestamp(a.start),
            end: core_monitor::format_timestamp(a.end),
            id: a.id,
            kind: a.kind,
            severity: a.severity,
            key_id: a.key_id,
            open: a.open,
            windows: a.windows,
            observed: a.observed,
            expected: a.expected,
            detail: a.detail,
            events: a.events,
            top_ips: counts(a.top_ips),
            top_networks: counts(a.top_networks),
            top_user_agents: counts(a.top_user_agents),
            top_endpoints: counts(a.top_endpoints),
            evidence: a.evidence,
            action: a.action.to_owned(),
            locations: a.locations,
        }
    }
}

/// A lifecycle notification: an alert started, was updated, or ended.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AlertUpdate {
    /// Start, update or end.
    pub phase: Phase,
    /// The alert as it stands.
    pub alert: Alert,
}

/// Usage of one key (the `pictify-keys audit` table).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct KeyUsage {
    /// The key's ID or fingerprint.
    pub key_id: String,
    /// Its name from the configuration.
    pub name: Option<String>,
    /// Requests.
    pub requests: u64,
    /// 2xx answers.
    pub status_2xx: u64,
    /// 3xx answers.
    pub status_3xx: u64,
    /// 4xx answers.
    pub status_4xx: u64,
    /// 5xx answers.
    pub status_5xx: u64,
    /// 401 and 403 answers.
    pub auth_failures: u64,
    /// 429 answers.
    pub rate_limited: u64,
    /// Errors as the error-rate detector counts them.
    pub errors: u64,
    /// `errors / requests`.
    pub error_rate: f64,
    /// First request (RFC 3339, UTC).
    pub first_seen: String,
    /// Last request (RFC 3339, UTC).
    pub last_seen: String,
    /// Distinct client IPs.
    pub distinct_ips: u64,
    /// Distinct networks (/24, /48).
    pub distinct_networks: u64,
    /// Top networks.
    pub top_networks: Vec<Count>,
    /// Top user agents.
    pub top_user_agents: Vec<Count>,
    /// Requests per `METHOD endpoint`, most first.
    pub endpoints: Vec<Count>,
    /// Requests per hour of the week in UTC, Monday 00:00 first (168 entries).
    pub hour_of_week: Vec<u64>,
    /// Requests and failures over time.
    pub timeline: Timeline,
    /// The statistical detectors are still learning this key's traffic.
    pub learning: bool,
    /// The configuration lists this key.
    pub configured: bool,
}

impl From<core_monitor::KeyUsage> for KeyUsage {
    fn from(u: core_monitor::KeyUsage) -> Self {
        Self {
            key_id: u.key_id,
            name: u.name,
            requests: u.requests,
            status_2xx: u.status_2xx,
            status_3xx: u.status_3xx,
            status_4xx: u.status_4xx,
            status_5xx: u.status_5xx,
            auth_failures: u.auth_failures,
            rate_limited: u.rate_limited,
            errors: u.errors,
            error_rate: u.error_rate,
            first_seen: u.first_seen,
            last_seen: u.last_seen,
            distinct_ips: u.distinct_ips,
            distinct_networks: u.distinct_networks,
            top_networks: counts(u.top_networks),
            top_user_agents: counts(u.top_user_agents),
            endpoints: counts(u.endpoints),
            hour_of_week: u.hour_of_week,
            timeline: u.timeline,
            learning: u.learning,
            configured: u.configured,
        }
    }
}

/// Lines left out under one issue code (`invalid_json`, `secret_in_key_id`, …).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LineIssueCount {
    /// The stable code.
    pub code: String,
    /// What it means.
    pub message: String,
    /// Lines with this issue.
    pub count: u64,
    /// The first of them.
    pub lines: Vec<Evidence>,
}

/// What the monitor has seen so far.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MonitorReport {
    /// Lines and events fed (an event counts as a line).
    pub lines: u64,
    /// Events analysed.
    pub events: u64,
    /// Window length in minutes.
    pub window_minutes: u32,
    /// Lines left out, by code.
    pub issues: Vec<LineIssueCount>,
    /// Usage per key, by key ID.
    pub keys: Vec<KeyUsage>,
    /// Alerts, by start time.
    pub alerts: Vec<Alert>,
}

impl From<core_monitor::Report> for MonitorReport {
    fn from(r: core_monitor::Report) -> Self {
        Self {
            lines: r.lines,
            events: r.events,
            window_minutes: r.window_minutes,
            issues: r
                .issues
                .into_iter()
                .map(|i| LineIssueCount {
                    code: i.code.to_owned(),
                    message: i.message.to_owned(),
                    count: i.count,
                    lines: i.lines,
                })
                .collect(),
            keys: r.keys.into_iter().map(Into::into).collect(),
            alerts: r.alerts.into_iter().map(Into::into).collect(),
        }
    }
}

/// The stable code of an alert kind (`auth_failure_burst`, …; `kind.code()` in Kotlin).
#[uniffi::export]
pub fn alert_kind_code(kind: AlertKind) -> String {
    kind.code().to_owned()
}

/// The in-process usage monitor: thread-safe, shared by every client it is given to.
#[derive(uniffi::Object)]
pub struct Monitor {
    pub(crate) inner: LiveMonitor,
}

impl std::fmt::Debug for Monitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Monitor")
    }
}

#[uniffi::export]
impl Monitor {
    /// A monitor with the configuration in TOML `config_toml` (docs/monitor.md; null: the
    /// defaults). Throws `Input` `config_contains_secret`, `config_invalid` or
    /// `config_bad_value` for a refused configuration (a key in it is never echoed).
    #[uniffi::constructor(default(config_toml = None))]
    pub fn new(config_toml: Option<String>) -> Result<Self, PictifyError> {
        let inner = LiveMonitor::from_toml(config_toml.as_deref().unwrap_or(""))
            .map_err(pictify_keys::Error::from)?;
        Ok(Self { inner })
    }

    /// Feeds one audit event (time from the event).
    pub fn feed(&self, event: Arc<AuditEvent>) {
        self.inner.feed(&event.inner);
    }

    /// Feeds one audit-log line (JSON, without its newline), read by the command line's
    /// rules: a bad line is counted in the report's `issues`, never echoed.
    pub fn feed_line(&self, line: String) {
        self.inner.feed_line(line.as_bytes());
    }

    /// Closes the windows that ended before `now_unix_secs` (less the re-order grace), so a
    /// quiet app still gets its alerts: call it from a timer.
    pub fn advance(&self, now_unix_secs: i64) {
        self.inner.advance_to(now_unix_secs);
    }

    /// Alert starts, updates and ends since the last poll, in order.
    pub fn poll(&self) -> Vec<AlertUpdate> {
        self.inner
            .poll()
            .into_iter()
            .map(|u| AlertUpdate {
                phase: u.phase,
                alert: u.alert.into(),
            })
            .collect()
    }

    /// The report so far; windows still open are not judged yet.
    pub fn report(&self) -> MonitorReport {
        self.inner.snapshot().into()
    }

    /// Ends the stream so far: every window up to the newest event's is judged (its alerts
    /// also reach `poll`), and the final report is returned.
    pub fn finish(&self) -> MonitorReport {
        self.inner.finish().into()
    }
}
