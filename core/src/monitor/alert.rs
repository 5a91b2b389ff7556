//! Alerts and their lifecycle: start → update → end under one id, with a cool-down so one
//! level shift is one alert, not one per window.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::line::format_timestamp;
use super::stats::Top;

/// What an alert is about. Each has a stable [`code`](AlertKind::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AlertKind {
    /// Far more requests than the key makes at this time of day.
    RequestSpike,
    /// The share of failed requests (5xx, and 4xx other than 401/403/429) jumped.
    ErrorRateSpike,
    /// Many 401/403 answers: someone presents a revoked or wrong key.
    AuthFailureBurst,
    /// Many 429 answers: the key is being rate limited.
    RateLimitBurst,
    /// A request from outside the key's allowed networks.
    DisallowedNetwork,
    /// A request from a network never seen for this key, after its learning period.
    NewNetwork,
    /// A request outside the key's business hours.
    OffHours,
    /// The key was used after it was revoked.
    UseAfterRevocation,
    /// A test key used from a production network.
    TestKeyFromProduction,
    /// A read-only key (`access = "read-only"`) sent a write (POST, PUT, PATCH, DELETE).
    ReadOnlyWrite,
    /// A request from the network of an environment the key is not assigned to.
    ForeignEnvironment,
    /// The key is used by more services (client products, networks) than it should be.
    SharedKey,
}

impl AlertKind {
    /// Every kind.
    pub const ALL: [AlertKind; 12] = [
        Self::RequestSpike,
        Self::ErrorRateSpike,
        Self::AuthFailureBurst,
        Self::RateLimitBurst,
        Self::DisallowedNetwork,
        Self::NewNetwork,
        Self::OffHours,
        Self::UseAfterRevocation,
        Self::TestKeyFromProduction,
        Self::ReadOnlyWrite,
        Self::ForeignEnvironment,
        Self::SharedKey,
    ];

    /// The stable code (`request_spike`, …).
    pub fn code(self) -> &'static str {
        match self {
            Self::RequestSpike => "request_spike",
            Self::ErrorRateSpike => "error_rate_spike",
            Self::AuthFailureBurst => "auth_failure_burst",
            Self::RateLimitBurst => "rate_limit_burst",
            Self::DisallowedNetwork => "disallowed_network",
            Self::NewNetwork => "new_network",
            Self::OffHours => "off_hours",
            Self::UseAfterRevocation => "use_after_revocation",
            Self::TestKeyFromProduction => "test_key_from_production",
            Self::ReadOnlyWrite => "read_only_write",
            Self::ForeignEnvironment => "foreign_environment",
            Self::SharedKey => "shared_key",
        }
    }

    /// The severity an alert of this kind starts with.
    pub fn severity(self) -> Severity {
        match self {
            Self::UseAfterRevocation => Severity::Critical,
            Self::RequestSpike
            | Self::DisallowedNetwork
            | Self::TestKeyFromProduction
            | Self::ReadOnlyWrite
            | Self::ForeignEnvironment => Severity::High,
            Self::ErrorRateSpike | Self::AuthFailureBurst | Self::NewNetwork | Self::SharedKey => {
                Severity::Medium
            }
            Self::RateLimitBurst | Self::OffHours => Severity::Low,
        }
    }

    /// One line of what to do, after the Pictify security guidance.
    pub fn action(self) -> &'static str {
        match self {
            Self::RequestSpike => "Check whether the traffic is yours (a deploy, a retry loop); if not, rotate the key now and revoke the old one.",
            Self::ErrorRateSpike => "Look at the failing endpoints and recent deploys; errors from unknown IPs can mean the key is being probed.",
            Self::AuthFailureBurst => "Find the client still sending a revoked or wrong key (top IPs and user agents) and update or stop it.",
            Self::RateLimitBurst => "Slow the client down (backoff, Retry-After) or ask for a higher limit; unexpected volume can mean a leaked key.",
            Self::DisallowedNetwork => "Treat the key as leaked: rotate it, revoke the old one, and review what the listed IPs did.",
            Self::NewNetwork => "Confirm the new network is yours (new region, CI runner, office); if not, rotate the key.",
            Self::OffHours => "Confirm the job running outside business hours is expected; if not, rotate the key.",
            Self::UseAfterRevocation => "Someone still holds the revoked key: find and update the client; if requests succeeded, revoke it again and contact Pictify support.",
            Self::TestKeyFromProduction => "Production must use a live key: move the test key out of the production configuration.",
            Self::ReadOnlyWrite => "Find the client sending writes with the read-only key (top IPs, user agents): give it a key of its own with the access it needs, or stop it; a write that succeeded means the key can write, so check its access level in the dashboard.",
            Self::ForeignEnvironment => "Give each environment its own key: create one for the environment the requests came from, and remove this key from that environment's configuration.",
            Self::SharedKey => "Give each service its own key (least privilege): a shared key cannot be rotated or revoked without breaking every service that holds it.",
        }
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Severity {
    /// Worth a look.
    Low,
    /// Look today.
    Medium,
    /// Look now.
    High,
    /// Act now.
    Critical,
}

impl Severity {
    /// `low`, `medium`, `high`, `critical`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Critical => "critical",
        }
    }
}

/// Where in the input an event was read: source name and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Evidence {
    /// The file name (`-` for stdin, `memory` for events handed over in memory).
    pub source: String,
    /// 1-based line (the event's ordinal for events handed over in memory).
    pub line: u64,
}

/// One alert.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// Stable id, shared by the start, updates and end: `kind:keyId:start`.
    pub id: String,
    /// What it is about.
    pub kind: AlertKind,
    /// How urgent.
    pub severity: Severity,
    /// The key.
    #[serde(rename = "keyId")]
    pub key_id: String,
    /// Whether it has ended (after the cool-down) or is still open.
    pub open: bool,
    /// Start of the first window that fired (UTC).
    #[serde(serialize_with = "ser_time")]
    pub start: i64,
    /// End of the last window that fired (UTC).
    #[serde(serialize_with = "ser_time")]
    pub end: i64,
    /// Windows that fired.
    pub windows: u32,
    /// The strongest window's observed figure (requests, error rate, matching requests).
    pub observed: f64,
    /// The baseline for that window, when the detector has one.
    pub expected: Option<f64>,
    /// The figures behind it, for people (`median 40, MAD 6, threshold 100`).
    pub detail: String,
    /// Requests that matched, over all firing windows.
    pub events: u64,
    /// Top client IPs with counts.
    pub top_ips: Vec<(String, u64)>,
    /// Top networks (/24, /48) with counts.
    pub top_networks: Vec<(String, u64)>,
    /// Top user agents with counts.
    pub top_user_agents: Vec<(String, u64)>,
    /// Top `METHOD endpoint` with counts.
    pub top_endpoints: Vec<(String, u64)>,
    /// The first lines that show it.
    pub evidence: Vec<Evidence>,
    /// What to do.
    pub action: &'static str,
    /// The top IPs' class and, with a geo database, country and AS; empty until
    /// [`Report::locate`](super::Report::locate) fills it.
    pub locations: Vec<super::geo::Location>,
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_timestamp(*t))
}

/// Where an alert is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Phase {
    /// First firing window.
    Start,
    /// Fired again (or still firing) before the cool-down ran out.
    Update,
    /// The cool-down ran out; the alert is closed.
    End,
}

/// A lifecycle notification, as [`Monitor::drain_updates`](super::Monitor::drain_updates)
/// hands them out.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertUpdate {
    /// Start, update or end.
    pub phase: Phase,
    /// The alert as it stands.
    pub alert: Alert,
}

/// What a detector found in one window for one key.
pub(crate) struct Firing {
    pub observed: f64,
    pub expected: Option<f64>,
    pub detail: String,
    pub severity: Severity,
    pub events: u64,
    pub top: Top,
    pub evidence: Vec<Evidence>,
}

/// Evidence lines kept per alert.
pub(crate) const EVIDENCE_KEPT: usize = 5;

struct OpenAlert {
    alert: Alert,
    top: Top,
    quiet_windows: u32,
}

/// Open alerts by (key, kind), and the closed ones in the order they ended.
#[derive(Default)]
pub(crate) struct Tracker {
    open: BTreeMap<(String, AlertKind), OpenAlert>,
    closed: Vec<Alert>,
    updates: Vec<AlertUpdate>,
}

impl Tracker {
    /// A window `[start, end)` of `key` fired for `kind`.
    pub fn fire(&mut self, key: &str, kind: AlertKind, start: i64, end: i64, f: Firing) {
        let entry = self.open.entry((key.to_owned(), kind));
        let phase;
        let open = match entry {
            std::collections::btree_map::Entry::Occupied(o) => {
                phase = Phase::Update;
                let o = o.into_mut();
                let a = &mut o.alert;
                a.end = end;
                a.windows += 1;
                a.events += f.events;
                if f.severity > a.severity {
                    a.severity = f.severity;
                }
                if f.observed > a.observed {
                    a.observed = f.observed;
                    a.expected = f.expected;
                    a.detail = f.detail;
                }
                let room = EVIDENCE_KEPT.saturating_sub(a.evidence.len());
                a.evidence.extend(f.evidence.into_iter().take(room));
                o.top.merge(&f.top);
                o.quiet_windows = 0;
                o
            }
            std::collections::btree_map::Entry::Vacant(v) => {
                phase = Phase::Start;
                let mut evidence = f.evidence;
                evidence.truncate(EVIDENCE_KEPT);
                v.insert(OpenAlert {
                    alert: Alert {
                        id: format!("{}:{key}:{}", kind.code(), format_timestamp(start)),
                        kind,
                        severity: f.severity,
                        key_id: key.to_owned(),
                        open: true,
                        start,
                        end,
                        windows: 1,
                        observed: f.observed,
                        expected: f.expected,
                        detail: f.detail,
                        events: f.events,
                        top_ips: Vec::new(),
                        top_networks: Vec::new(),
                        top_user_agents: Vec::new(),
                        top_endpoints: Vec::new(),
                        evidence,
                        action: kind.action(),
                        locations: Vec::new(),
                    },
                    top: f.top,
                    quiet_windows: 0,
                })
            }
        };
        open.top.fill(&mut open.alert);
        self.updates.push(AlertUpdate {
            phase,
            alert: open.alert.clone(),
        });
    }

    /// A window of `key` closed without `kind` firing.
    pub fn quiet(&mut self, key: &str, kind: AlertKind, cooldown: u32) {
        let id = (key.to_owned(), kind);
        let Some(open) = self.open.get_mut(&id) else {
            return;
        };
        open.quiet_windows += 1;
        if open.quiet_windows >= cooldown.max(1) {
            if let Some(mut o) = self.open.remove(&id) {
                o.alert.open = false;
                self.updates.push(AlertUpdate {
                    phase: Phase::End,
                    alert: o.alert.clone(),
                });
                self.closed.push(o.alert);
            }
        }
    }

    pub fn drain_updates(&mut self) -> Vec<AlertUpdate> {
        std::mem::take(&mut self.updates)
    }

    /// Every alert, closed and open, by start time, then key, then kind.
    pub fn all(&self) -> Vec<Alert> {
        let mut all: Vec<Alert> = self.closed.clone();
        all.extend(self.open.values().map(|o| o.alert.clone()));
        all.sort_by(|a, b| (a.start, &a.key_id, a.kind).cmp(&(b.start, &b.key_id, b.kind)));
        all
    }
}

/// Count maps kept small: keys beyond the cap are added up under `other`.
pub(crate) fn top_n(map: &HashMap<String, u64>, n: usize) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, c)| (k.clone(), *c)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(n);
    v
}
