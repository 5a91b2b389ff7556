//! The investigation of a compromised key, as Pictify's guidance lays it out: revoke,
//! replace, update services, review logs; then the scope (what could have been accessed),
//! the usage, the source (where the key appears) (feature `monitor`).
//!
//! Sans-IO: [`Investigation`] is fed audit events ([`Event`], from
//! [`parse_line`](crate::monitor::parse_line)) and the places the key was found
//! ([`Appearance`], from the scanner over the working tree, env files, git history and the
//! logs), and [`Investigation::finish`] gives the [`IncidentReport`]. Memory is bounded: per-IP
//! and per-endpoint tables and the list of suspicious requests are capped, and overflow is
//! counted.
//!
//! ```
//! use pictify_keys::incident::{Investigation, Target, ActionState};
//! use pictify_keys::monitor::{parse_line, parse_timestamp, Config, Evidence};
//!
//! let config = Config::parse("[keys.key_abc]\nallowed_networks = [\"10.0.0.0/8\"]\n")?;
//! let target = Target::resolve(&config, "key_abc");
//! let revoked = parse_timestamp("2026-11-30T00:00:00Z").ok();
//! let mut inv = Investigation::new(target, None, revoked);
//! let line = br#"{"timestamp":"2026-11-30T10:00:00Z","keyId":"key_abc","endpoint":"/v1/render","method":"POST","status":200,"ip":"198.51.100.7"}"#;
//! inv.feed(&parse_line(line).unwrap(), Evidence { source: "audit.log".into(), line: 1 });
//! let report = inv.finish(parse_timestamp("2026-12-01T00:00:00Z").unwrap());
//! assert_eq!(report.actions[0].state, ActionState::Critical);
//! assert_eq!(report.networks[0].allowed, Some(false));
//! # Ok::<(), pictify_keys::monitor::ConfigError>(())
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use serde::Serialize;

use crate::key::Mode;
use crate::monitor::{format_timestamp, Cidr, Config, Event, Evidence, Network};

mod template;
#[cfg(test)]
mod tests;

pub use template::RUNBOOK_TEMPLATE;

/// Distinct client IPs kept in the per-IP table; later newcomers are counted as overflow.
pub const IP_ROWS: usize = 10_000;
/// Distinct `method × endpoint × status` rows kept.
pub const ACCESS_ROWS: usize = 1_024;
/// Suspicious requests listed one by one (all are counted).
pub const SUSPICIOUS_LISTED: usize = 200;

/// The key under investigation, resolved against the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    /// What was asked for (an ID or a fingerprint).
    pub query: String,
    /// The configured key ID, when the configuration knows the key.
    pub id: Option<String>,
    /// Its fingerprint (configured, or the query when it is one).
    pub fingerprint: Option<String>,
    /// Its name, mode, access, environments and owner from the inventory.
    pub name: Option<String>,
    /// Live or test.
    pub mode: Option<Mode>,
    /// `full`, `test` or `read-only`.
    pub access: Option<String>,
    /// Environments it is assigned to.
    pub environments: Vec<String>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// The networks it may be used from: its `allowed_networks`, else the production
    /// networks; empty when the configuration names none.
    pub allowed_networks: Vec<String>,
    /// Its revocation time from the configuration (Unix seconds).
    #[serde(skip)]
    pub configured_revoked_at: Option<i64>,
    #[serde(skip)]
    cidrs: Vec<Cidr>,
}

impl Target {
    /// Whether `query` can name a key: a key ID, a fingerprint `pk_live_****a1b2` or a scan
    /// hash. A key itself (or any text holding one) is refused, so it is never echoed.
    pub fn is_valid_query(query: &str) -> bool {
        is_fingerprint(query)
            || hash_of(query).is_some()
            || crate::audit::KeyRef::from_id(query).is_ok()
    }

    /// `query` (a key ID, or a fingerprint `pk_live_****a1b2` / hash that the
    /// configuration's `fingerprint` fields link to an ID) against `config`.
    pub fn resolve(config: &Config, query: &str) -> Self {
        let found = config.keys.get_key_value(query).or_else(|| {
            config
                .keys
                .iter()
                .find(|(_, k)| k.fingerprint.as_deref() == Some(query))
        });
        let mut t = Self {
            query: query.to_owned(),
            id: None,
            fingerprint: if is_fingerprint(query) {
                Some(query.to_owned())
            } else {
                hash_of(query)
            },
            name: None,
            mode: None,
            access: None,
            environments: Vec::new(),
            owner: None,
            allowed_networks: Vec::new(),
            configured_revoked_at: None,
            cidrs: config.production_networks.clone(),
        };
        if let Some((id, k)) = found {
            t.id = Some(id.clone());
            t.fingerprint = k.fingerprint.clone().or(t.fingerprint);
            t.name = k.name.clone();
            t.mode = crate::inventory::mode_of(id, k);
            t.access = k.access.map(|a| a.as_str().to_owned());
            t.environments = k.environments.clone();
            t.owner = k.owner.clone();
            t.configured_revoked_at = k.revoked_at;
            if !k.allowed_networks.is_empty() {
                t.cidrs = k.allowed_networks.clone();
            }
        }
        t.allowed_networks = t.cidrs.iter().map(ToString::to_string).collect();
        t
    }

    /// Whether an audit event's `keyId` is this key (its ID, its fingerprint or the query).
    pub fn matches(&self, key_id: &str) -> bool {
        key_id == self.query
            || self.id.as_deref() == Some(key_id)
            || self.fingerprint.as_deref() == Some(key_id)
    }

    /// Whether a scan finding is this key: its fingerprint (`pk_live_****a1b2`, four
    /// characters: two keys may share it) or its hash (exact) equals the target's.
    /// Placeholders (and fingerprints already redacted, `pk_live_****a1b2`) are not the key.
    pub fn matches_finding(&self, finding: &crate::scan::Finding) -> bool {
        if finding.class == crate::scan::Class::Placeholder {
            return false;
        }
        match self.fingerprint.as_deref() {
            Some(fp) if is_fingerprint(fp) => finding.fingerprint == fp,
            Some(hash) => hash.starts_with(&finding.hash) && !finding.hash.is_empty(),
            None => false,
        }
    }

    /// Whether `ip` is in the allowed networks; `None` when none are configured.
    pub fn allows(&self, ip: IpAddr) -> Option<bool> {
        (!self.cidrs.is_empty()).then(|| self.cidrs.iter().any(|c| c.contains(ip)))
    }
}

/// Where the key was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appearance {
    /// `working_tree`, `env_file`, `git_history` or `log`.
    pub kind: &'static str,
    /// The file (relative to the repository, or as given for a log).
    pub path: String,
    /// 1-based line (the first one, for a log).
    pub line: u64,
    /// The commit, for `git_history`.
    pub commit: Option<String>,
    /// The commit's author, for `git_history`.
    pub author: Option<String>,
    /// The commit's date (RFC 3339), for `git_history`.
    pub date: Option<String>,
    /// More, for people (e.g. how many log lines name the key).
    pub detail: Option<String>,
}

/// The state of an immediate action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionState {
    /// Done, as far as the project can tell.
    Done,
    /// Needs a person (the dashboard, other teams): the detail says what.
    Manual,
    /// Still to do.
    Todo,
    /// Done, but the evidence says it did not hold: act now.
    Critical,
}

/// One immediate action of the guidance with its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Action {
    /// `revoke`, `remove_from_project`, `replace_and_update_services`, `review_logs`.
    pub id: &'static str,
    /// The action in words.
    pub title: &'static str,
    /// Its state.
    pub state: ActionState,
    /// The facts behind the state.
    pub detail: String,
}

/// A milestone of the usage timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Milestone {
    /// RFC 3339 UTC.
    pub time: String,
    /// What happened.
    pub what: String,
    #[serde(skip)]
    at: i64,
}

/// Requests of one UTC day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Day {
    /// `2026-11-30`.
    pub date: String,
    /// Requests.
    pub requests: u64,
    /// 2xx answers.
    pub success: u64,
    /// From outside the allowed networks.
    pub outside: u64,
    /// At or after the exposure.
    pub after_exposure: u64,
    /// At or after the revocation.
    pub after_revocation: u64,
}

/// One client address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NetworkRow {
    /// The address.
    pub ip: String,
    /// Its /24 or /48.
    pub network: String,
    /// First request (RFC 3339).
    pub first_seen: String,
    /// Last request (RFC 3339).
    pub last_seen: String,
    /// Requests.
    pub count: u64,
    /// 2xx answers.
    pub success: u64,
    /// In the allowed networks? `None` when none are configured.
    pub allowed: Option<bool>,
    /// Requests at or after the exposure.
    pub after_exposure: u64,
}

/// One `method × endpoint × status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRow {
    /// HTTP method.
    pub method: String,
    /// Path without query.
    pub endpoint: String,
    /// HTTP status.
    pub status: u16,
    /// Whether the method writes (POST, PUT, PATCH, DELETE).
    pub write: bool,
    /// Requests.
    pub count: u64,
    /// First (RFC 3339).
    pub first_seen: String,
    /// Last (RFC 3339).
    pub last_seen: String,
}

/// A request from outside the allowed networks, or at or after the exposure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuspiciousRequest {
    /// RFC 3339 UTC.
    pub time: String,
    /// Client address, when logged.
    pub ip: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path.
    pub endpoint: String,
    /// HTTP status.
    pub status: u16,
    /// `outside_allowed_networks`, `after_exposure`, `after_revocation`.
    pub reasons: Vec<&'static str>,
    /// The log line.
    pub evidence: Evidence,
}

/// The investigation report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentReport {
    /// The key.
    pub key: Target,
    /// When it was judged (RFC 3339).
    pub now: String,
    /// When it was exposed, if known (RFC 3339).
    pub exposed_at: Option<String>,
    /// When it was revoked, if known (RFC 3339).
    pub revoked_at: Option<String>,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: &'static str,
    /// The immediate actions with their state, in the guidance's order.
    pub actions: Vec<Action>,
    /// Audit events of this key.
    pub events: u64,
    /// Milestones, in time order.
    pub timeline: Vec<Milestone>,
    /// Requests per UTC day.
    pub days: Vec<Day>,
    /// Per client IP, by first seen.
    pub networks: Vec<NetworkRow>,
    /// IPs beyond [`IP_ROWS`] (their requests are in no row).
    pub networks_overflow: u64,
    /// What could have been accessed: writes first, then by count.
    pub access: Vec<AccessRow>,
    /// Requests beyond [`ACCESS_ROWS`] distinct rows.
    pub access_overflow: u64,
    /// Requests outside the allowed networks or after the exposure (the first
    /// [`SUSPICIOUS_LISTED`]).
    pub suspicious: Vec<SuspiciousRequest>,
    /// All of them.
    pub suspicious_total: u64,
    /// 2xx answers at or after the revocation.
    pub success_after_revocation: u64,
    /// Where the key appears.
    pub appearances: Vec<Appearance>,
    /// Whether git history was searched (set by whoever adds its appearances).
    pub history_searched: bool,
    /// Audit logs read.
    pub logs: Vec<String>,
    /// Lines of those logs that are not audit events (by the monitor's issue code), left
    /// out of every figure.
    pub lines_left_out: BTreeMap<&'static str, u64>,
}

impl IncidentReport {
    /// 0 nothing to act on, 1 something to act on (a todo or critical action, a suspicious
    /// request), like `audit` exits 1 on alerts.
    pub fn exit_status(&self) -> u8 {
        u8::from(
            self.suspicious_total > 0
                || self
                    .actions
                    .iter()
                    .any(|a| matches!(a.state, ActionState::Todo | ActionState::Critical)),
        )
    }
}

#[derive(Default)]
struct IpStats {
    first: i64,
    last: i64,
    count: u64,
    success: u64,
    after_exposure: u64,
}

struct AccessStats {
    first: i64,
    last: i64,
    count: u64,
}

/// The running investigation. See the [module documentation](self).
pub struct Investigation {
    target: Target,
    exposed_at: Option<i64>,
    revoked_at: Option<i64>,
    events: u64,
    first: Option<(i64, Evidence)>,
    last: Option<i64>,
    first_after_exposure: Option<(i64, Option<IpAddr>)>,
    first_after_revocation: Option<(i64, Option<IpAddr>, u16)>,
    first_success_after_revocation: Option<(i64, Option<IpAddr>)>,
    first_outside: Option<(i64, IpAddr)>,
    days: BTreeMap<i64, Day>,
    ips: HashMap<IpAddr, IpStats>,
    ips_overflow: u64,
    access: HashMap<(String, String, u16), AccessStats>,
    access_overflow: u64,
    suspicious: Vec<SuspiciousRequest>,
    suspicious_total: u64,
    success_after_revocation: u64,
    logs: BTreeMap<String, (u64, u64)>,
    appearances: Vec<Appearance>,
    history_searched: bool,
    left_out: BTreeMap<&'static str, u64>,
}

/// `pk_live_****a1b2` / `pk_test_****a1b2`.
fn is_fingerprint(id: &str) -> bool {
    id.len() == 16
        && (id.starts_with("pk_live_****") || id.starts_with("pk_test_****"))
        && id.bytes().skip(12).all(|b| b.is_ascii_alphanumeric())
}

/// A scan hash (16 or 64 hex digits, optionally after `sha256:`), lowercased.
fn hash_of(text: &str) -> Option<String> {
    let hex = text.strip_prefix("sha256:").unwrap_or(text);
    ((hex.len() == 16 || hex.len() == 64) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
}

fn is_write(method: &str) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .any(|m| method.eq_ignore_ascii_case(m))
}

impl Investigation {
    /// An investigation of `target`, exposed at `exposed_at` and revoked at `revoked_at`
    /// (Unix seconds; the configuration's `revoked_at` when `None`).
    pub fn new(target: Target, exposed_at: Option<i64>, revoked_at: Option<i64>) -> Self {
        let revoked_at = revoked_at.or(target.configured_revoked_at);
        Self {
            target,
            exposed_at,
            revoked_at,
            events: 0,
            first: None,
            last: None,
            first_after_exposure: None,
            first_after_revocation: None,
            first_success_after_revocation: None,
            first_outside: None,
            days: BTreeMap::new(),
            ips: HashMap::new(),
            ips_overflow: 0,
            access: HashMap::new(),
            access_overflow: 0,
            suspicious: Vec::new(),
            suspicious_total: 0,
            success_after_revocation: 0,
            logs: BTreeMap::new(),
            appearances: Vec::new(),
            history_searched: false,
            left_out: BTreeMap::new(),
        }
    }

    /// Counts a line that is not an audit event (blank lines are not counted).
    pub fn left_out(&mut self, issue: crate::monitor::LineIssue) {
        *self.left_out.entry(issue.code()).or_default() += 1;
    }

    /// The key under investigation.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// Notes that `source` was read (so a log without this key still shows as reviewed).
    pub fn begin_source(&mut self, source: &str) {
        self.logs.entry(source.to_owned()).or_insert((0, 0));
    }

    /// Feeds one audit event read at `at`; events of other keys are ignored. Any order.
    pub fn feed(&mut self, e: &Event, at: Evidence) {
        if !self.target.matches(&e.key_id) {
            return;
        }
        let t = e.unix_secs;
        self.events += 1;
        let log = self.logs.entry(at.source.clone()).or_insert((0, 0));
        if log.0 == 0 {
            log.1 = at.line;
        }
        log.0 += 1;
        // Every "first" breaks ties by what follows the time, so the order of the events
        // does not change the report.
        let here = (t, at.source.as_str(), at.line);
        if self
            .first
            .as_ref()
            .map_or(true, |(f, ev)| here < (*f, ev.source.as_str(), ev.line))
        {
            self.first = Some((t, at.clone()));
        }
        self.last = Some(self.last.map_or(t, |l| l.max(t)));
        let success = (200..300).contains(&e.status);
        let allowed = e.ip.and_then(|ip| self.target.allows(ip));
        let outside = allowed == Some(false);
        let after_exposure = self.exposed_at.is_some_and(|x| t >= x);
        let after_revocation = self.revoked_at.is_some_and(|r| t >= r);
        if after_exposure && self.first_after_exposure.map_or(true, |f| (t, e.ip) < f) {
            self.first_after_exposure = Some((t, e.ip));
        }
        if after_revocation
            && self
                .first_after_revocation
                .map_or(true, |f| (t, e.ip, e.status) < f)
        {
            self.first_after_revocation = Some((t, e.ip, e.status));
        }
        if let (true, Some(ip)) = (outside, e.ip) {
            if self.first_outside.map_or(true, |f| (t, ip) < f) {
                self.first_outside = Some((t, ip));
            }
        }
        if after_revocation && success {
            self.success_after_revocation += 1;
            if self
                .first_success_after_revocation
                .map_or(true, |f| (t, e.ip) < f)
            {
                self.first_success_after_revocation = Some((t, e.ip));
            }
        }
        let day = self.days.entry(t.div_euclid(86_400)).or_default();
        day.requests += 1;
        day.success += u64::from(success);
        day.outside += u64::from(outside);
        day.after_exposure += u64::from(after_exposure);
        day.after_revocation += u64::from(after_revocation);
        if let Some(ip) = e.ip {
            let cap = self.ips.len() >= IP_ROWS;
            match self.ips.get_mut(&ip) {
                Some(s) => {
                    s.first = s.first.min(t);
                    s.last = s.last.max(t);
                    s.count += 1;
                    s.success += u64::from(success);
                    s.after_exposure += u64::from(after_exposure);
                }
                None if cap => self.ips_overflow += 1,
                None => {
                    self.ips.insert(
                        ip,
                        IpStats {
                            first: t,
                            last: t,
                            count: 1,
                            success: u64::from(success),
                            after_exposure: u64::from(after_exposure),
                        },
                    );
                }
            }
        }
        let key = (e.method.to_ascii_uppercase(), e.endpoint.clone(), e.status);
        let cap = self.access.len() >= ACCESS_ROWS;
        match self.access.get_mut(&key) {
            Some(s) => {
                s.first = s.first.min(t);
                s.last = s.last.max(t);
                s.count += 1;
            }
            None if cap => self.access_overflow += 1,
            None => {
                self.access.insert(
                    key,
                    AccessStats {
                        first: t,
                        last: t,
                        count: 1,
                    },
                );
            }
        }
        let mut reasons = Vec::new();
        if outside {
            reasons.push("outside_allowed_networks");
        }
        if after_exposure {
            reasons.push("after_exposure");
        }
        if after_revocation {
            reasons.push("after_revocation");
        }
        if !reasons.is_empty() {
            self.suspicious_total += 1;
            if self.suspicious.len() < SUSPICIOUS_LISTED {
                self.suspicious.push(SuspiciousRequest {
                    time: format_timestamp(t),
                    ip: e.ip.map(|i| i.to_string()),
                    method: e.method.clone(),
                    endpoint: e.endpoint.clone(),
                    status: e.status,
                    reasons,
                    evidence: at,
                });
            }
        }
    }

    /// Adds a place where the key was found (working tree, env file, git history).
    pub fn add_appearance(&mut self, appearance: Appearance) {
        if appearance.kind == "git_history" {
            self.history_searched = true;
        }
        self.appearances.push(appearance);
    }

    /// Marks git history as searched (even when the key was not found in it).
    pub fn history_searched(&mut self) {
        self.history_searched = true;
    }

    /// The report, judged at `now` (Unix seconds).
    pub fn finish(mut self, now: i64) -> IncidentReport {
        let revoked = self.revoked_at.is_some_and(|r| r <= now);
        // Log files that name the key are appearances too.
        for (source, (count, first_line)) in &self.logs {
            if *count > 0 {
                self.appearances.push(Appearance {
                    kind: "log",
                    path: source.clone(),
                    line: *first_line,
                    commit: None,
                    author: None,
                    date: None,
                    detail: Some(format!("{count} event(s) of this key")),
                });
            }
        }
        let in_project: Vec<&Appearance> = self
            .appearances
            .iter()
            .filter(|a| matches!(a.kind, "working_tree" | "env_file"))
            .collect();
        let mut actions = Vec::new();
        let ts = format_timestamp;
        actions.push(match (revoked, self.first_after_revocation) {
            (true, _) if self.success_after_revocation > 0 => Action {
                id: "revoke",
                title: "revoke the key in the Pictify dashboard",
                state: ActionState::Critical,
                detail: format!(
                    "revoked at {}, but {} request(s) succeeded (2xx) after it, the first at {}{}: check the revocation in the dashboard and who still holds the key",
                    self.revoked_at.map(ts).unwrap_or_default(),
                    self.success_after_revocation,
                    self.first_success_after_revocation
                        .map(|(t, _)| ts(t))
                        .unwrap_or_default(),
                    self.first_success_after_revocation
                        .and_then(|(_, ip)| ip)
                        .map(|i| format!(" from {i}"))
                        .unwrap_or_default()
                ),
            },
            (true, after) => Action {
                id: "revoke",
                title: "revoke the key in the Pictify dashboard",
                state: ActionState::Done,
                detail: format!(
                    "revoked at {}{}",
                    self.revoked_at.map(ts).unwrap_or_default(),
                    if after.is_some() {
                        "; later requests were refused"
                    } else {
                        "; no request since"
                    }
                ),
            },
            (false, _) => Action {
                id: "revoke",
                title: "revoke the key in the Pictify dashboard",
                state: ActionState::Todo,
                detail: "no revocation time known: revoke the key now, then pass --revoked-at (or set revoked_at in the configuration)".into(),
            },
        });
        actions.push(Action {
            id: "remove_from_project",
            title: "remove the key from every place the project holds it",
            state: if in_project.is_empty() {
                ActionState::Done
            } else {
                ActionState::Todo
            },
            detail: if in_project.is_empty() {
                "not found in the working tree or env files".into()
            } else {
                format!(
                    "still in {}",
                    in_project
                        .iter()
                        .map(|a| format!("{}:{}", a.path, a.line))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            },
        });
        let agents = self.target.environments.join(", ");
        actions.push(Action {
            id: "replace_and_update_services",
            title: "create a replacement key with the least access needed and deploy it to every service that used this one",
            state: ActionState::Manual,
            detail: format!(
                "{}{} client IP(s) used the key; deploy the new key as PICTIFY_API_KEY_NEW, then drop the old one",
                if agents.is_empty() {
                    String::new()
                } else {
                    format!("assigned to {agents}; ")
                },
                self.ips.len() as u64 + self.ips_overflow
            ),
        });
        actions.push(if self.logs.is_empty() {
            Action {
                id: "review_logs",
                title: "review the audit logs for use of the key",
                state: ActionState::Todo,
                detail: "no audit log given: pass --audit LOG… (or set audit_logs)".into(),
            }
        } else {
            Action {
                id: "review_logs",
                title: "review the audit logs for use of the key",
                state: ActionState::Done,
                detail: format!(
                    "{} event(s) of this key in {} log(s); {} suspicious",
                    self.events,
                    self.logs.len(),
                    self.suspicious_total
                ),
            }
        });

        let mut timeline = Vec::new();
        let mut mark = |at: i64, what: String| {
            timeline.push(Milestone {
                time: ts(at),
                what,
                at,
            });
        };
        if let Some((t, ev)) = &self.first {
            mark(
                *t,
                format!("first use in the logs ({}:{})", ev.source, ev.line),
            );
        }
        if let Some(x) = self.exposed_at {
            mark(x, "exposed".into());
        }
        if let Some((t, ip)) = self.first_after_exposure {
            mark(
                t,
                format!(
                    "first use after the exposure{}",
                    ip.map(|i| format!(" from {i}")).unwrap_or_default()
                ),
            );
        }
        if let Some((t, ip)) = self.first_outside {
            mark(
                t,
                format!("first use from outside the allowed networks ({ip})"),
            );
        }
        if let Some(r) = self.revoked_at {
            mark(r, "revoked".into());
        }
        if let Some((t, ip, status)) = self.first_after_revocation {
            mark(
                t,
                format!(
                    "first use after the revocation{} (status {status})",
                    ip.map(|i| format!(" from {i}")).unwrap_or_default()
                ),
            );
        }
        if let Some(t) = self.last {
            mark(t, "last use in the logs".into());
        }
        timeline.sort_by_key(|m| m.at);

        let mut networks: Vec<NetworkRow> = self
            .ips
            .iter()
            .map(|(ip, s)| NetworkRow {
                ip: ip.to_string(),
                network: Network::of(*ip).to_string(),
                first_seen: ts(s.first),
                last_seen: ts(s.last),
                count: s.count,
                success: s.success,
                allowed: self.target.allows(*ip),
                after_exposure: s.after_exposure,
            })
            .collect();
        networks.sort_by(|a, b| (&a.first_seen, &a.ip).cmp(&(&b.first_seen, &b.ip)));
        let mut access: Vec<AccessRow> = self
            .access
            .iter()
            .map(|((method, endpoint, status), s)| AccessRow {
                write: is_write(method),
                method: method.clone(),
                endpoint: endpoint.clone(),
                status: *status,
                count: s.count,
                first_seen: ts(s.first),
                last_seen: ts(s.last),
            })
            .collect();
        access.sort_by(|a, b| {
            b.write
                .cmp(&a.write)
                .then(b.count.cmp(&a.count))
                .then_with(|| {
                    (&a.endpoint, &a.method, a.status).cmp(&(&b.endpoint, &b.method, b.status))
                })
        });
        let outside_success = self.suspicious.iter().any(|s| {
            s.reasons.contains(&"outside_allowed_networks") && (200..300).contains(&s.status)
        });
        let exposed_success = self
            .suspicious
            .iter()
            .any(|s| s.reasons.contains(&"after_exposure") && (200..300).contains(&s.status));
        let severity = if self.success_after_revocation > 0 {
            "critical"
        } else if outside_success || exposed_success {
            "high"
        } else if self.suspicious_total > 0 || !revoked {
            "medium"
        } else {
            "low"
        };
        let mut suspicious = self.suspicious;
        suspicious.sort_by(|a, b| {
            (&a.time, &a.evidence.source, a.evidence.line).cmp(&(
                &b.time,
                &b.evidence.source,
                b.evidence.line,
            ))
        });
        IncidentReport {
            key: self.target,
            now: ts(now),
            exposed_at: self.exposed_at.map(ts),
            revoked_at: self.revoked_at.map(ts),
            severity,
            actions,
            events: self.events,
            timeline,
            days: self
                .days
                .into_iter()
                .map(|(d, mut day)| {
                    day.date = ts(d * 86_400).get(..10).unwrap_or_default().to_owned();
                    day
                })
                .collect(),
            networks,
            networks_overflow: self.ips_overflow,
            access,
            access_overflow: self.access_overflow,
            suspicious,
            suspicious_total: self.suspicious_total,
            success_after_revocation: self.success_after_revocation,
            appearances: self.appearances,
            history_searched: self.history_searched,
            logs: self.logs.into_keys().collect(),
            lines_left_out: self.left_out,
        }
    }
}
