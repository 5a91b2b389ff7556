//! The detectors: what each window of each key is judged on, and the statistics behind it.
//!
//! Per event, as it arrives: outside the allowed networks, a new network after learning,
//! outside business hours, after revocation, a test key from a production network, and
//! least privilege: a write with a read-only key, another environment's network, one
//! client product or network more than a shared-key threshold allows (each fires when at
//! least one request in the window matches). Per closed window: request spike, error-rate
//! spike, 401/403 burst, 429 burst.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::alert::{AlertKind, Evidence, Firing, Severity, Tracker, EVIDENCE_KEPT};
use super::config::{Access, Config, KeyConfig};
use super::line::EventRef;
use super::net::Network;
use super::stats::{is_error, Top, Usage};

/// Days of comparable windows the request-spike baseline looks back over.
pub const HISTORY_DAYS: usize = 28;

/// The events of one window that matter to one detector.
#[derive(Default)]
pub(crate) struct Match {
    pub count: u64,
    pub succeeded: u64,
    pub top: Top,
    pub evidence: Vec<Evidence>,
    /// Names behind the match (an environment, a new service), at most [`LABELS_KEPT`].
    pub labels: BTreeSet<String>,
}

/// Labels kept per match.
const LABELS_KEPT: usize = 8;
/// Distinct client products remembered per key for the shared-key detector.
pub const PRODUCTS_KEPT: usize = 64;

/// Whether `method` writes (POST, PUT, PATCH, DELETE).
pub fn is_write(method: &str) -> bool {
    ["POST", "PUT", "PATCH", "DELETE"]
        .iter()
        .any(|m| method.eq_ignore_ascii_case(m))
}

/// The client product of a user agent: the text before its first `/` or space
/// (`pictify-node/1.0.0` → `pictify-node`), so version upgrades are one service.
pub fn client_product(user_agent: &str) -> &str {
    user_agent
        .trim()
        .split(|c: char| c == '/' || c.is_whitespace())
        .next()
        .unwrap_or("")
}

impl Match {
    fn add(&mut self, e: &EventRef<'_>, label: &str, at: &Here<'_>) {
        self.count += 1;
        self.succeeded += u64::from((200..300).contains(&e.status));
        self.top.add(e, label);
        if self.evidence.len() < EVIDENCE_KEPT {
            self.evidence.push(at.evidence());
        }
    }
}

/// Where the event being analysed was read: made into an [`Evidence`] only when kept.
pub(crate) struct Here<'a> {
    pub source: &'a str,
    pub line: u64,
}

impl Here<'_> {
    fn evidence(&self) -> Evidence {
        Evidence {
            source: self.source.to_owned(),
            line: self.line,
        }
    }
}

/// The alert kinds one event matches, as a set (no allocation per event).
#[derive(Clone, Copy, Default)]
struct Kinds(u32);

impl Kinds {
    fn push(&mut self, kind: AlertKind) {
        self.0 |= 1 << kind as u32;
    }

    fn contains(self, kind: AlertKind) -> bool {
        self.0 & (1 << kind as u32) != 0
    }

    fn iter(self) -> impl Iterator<Item = AlertKind> {
        AlertKind::ALL
            .into_iter()
            .filter(move |k| self.contains(*k))
    }
}

/// One key's events in one open window.
#[derive(Default)]
pub(crate) struct WindowAcc {
    pub requests: u64,
    pub errors: u64,
    pub matches: BTreeMap<AlertKind, Match>,
}

/// Everything the monitor keeps about one key.
pub(crate) struct KeyState {
    pub config: KeyConfig,
    pub configured: bool,
    pub usage: Usage,
    pub open: BTreeMap<i64, WindowAcc>,
    /// Requests of each closed window since the key's first, newest last.
    history: VecDeque<u32>,
    closed_windows: u64,
    closed_requests: u64,
    closed_errors: u64,
    pub first_window: i64,
    /// Distinct client products seen (shared-key detector), at most [`PRODUCTS_KEPT`].
    products: BTreeSet<String>,
}

impl KeyState {
    pub fn new(config: &Config, key_id: &str, first_window: i64) -> Self {
        Self {
            configured: config.keys.contains_key(key_id),
            config: config.key(key_id),
            usage: Usage::default(),
            open: BTreeMap::new(),
            history: VecDeque::new(),
            closed_windows: 0,
            closed_requests: 0,
            closed_errors: 0,
            first_window,
            products: BTreeSet::new(),
        }
    }

    /// Whether the statistical detectors still learn this key (fewer than `learning_days`
    /// days of closed windows).
    pub fn learning(&self, slots_per_day: usize) -> bool {
        self.closed_windows < u64::from(self.config.thresholds.learning_days) * slots_per_day as u64
    }

    /// Records an event in window `w`, matching the per-event detectors.
    pub fn add(
        &mut self,
        e: &EventRef<'_>,
        w: i64,
        at: &Here<'_>,
        networks: &Config,
        label: &mut String,
    ) {
        let production = &networks.production_networks;
        let learned_at = self
            .usage
            .first_seen
            .saturating_add(i64::from(self.config.thresholds.learning_days) * 86_400);
        let mut kinds = Kinds::default();
        let mut labels: Vec<(AlertKind, String)> = Vec::new();
        kinds.push(AlertKind::RequestSpike);
        if is_error(e.status) {
            kinds.push(AlertKind::ErrorRateSpike);
        }
        if matches!(e.status, 401 | 403) {
            kinds.push(AlertKind::AuthFailureBurst);
        }
        if e.status == 429 {
            kinds.push(AlertKind::RateLimitBurst);
        }
        if let Some(ip) = e.ip {
            let c = &self.config;
            if !c.allowed_networks.is_empty() && !c.allowed_networks.iter().any(|n| n.contains(ip))
            {
                kinds.push(AlertKind::DisallowedNetwork);
            }
            let net = Network::of(ip);
            if self.usage.requests > 0
                && e.unix_secs >= learned_at
                && !self.usage.knows_network(&net)
                && self.usage.networks.len() < super::stats::NETWORK_CAP
            {
                kinds.push(AlertKind::NewNetwork);
            }
            let test_in_production =
                c.is_test_key_for(e) && production.iter().any(|n| n.contains(ip));
            if test_in_production {
                kinds.push(AlertKind::TestKeyFromProduction);
            }
            // Least privilege: the network of an environment the key is not assigned to
            // (a test key in production has its own alert).
            if !c.environments.is_empty() && !test_in_production {
                let envs: Vec<&String> = networks
                    .environment_networks
                    .iter()
                    .filter(|(_, nets)| nets.iter().any(|n| n.contains(ip)))
                    .map(|(env, _)| env)
                    .collect();
                if !envs.is_empty() && !envs.iter().any(|env| c.environments.contains(env)) {
                    kinds.push(AlertKind::ForeignEnvironment);
                    labels.push((AlertKind::ForeignEnvironment, envs[0].clone()));
                }
            }
            // Shared key: one network more than the threshold allows.
            let net_count = self.usage.networks.len();
            if !self.usage.knows_network(&net)
                && net_count < super::stats::NETWORK_CAP
                && net_count + 1 > self.config.thresholds.shared_networks as usize
            {
                kinds.push(AlertKind::SharedKey);
                labels.push((AlertKind::SharedKey, format!("network {net}")));
            }
        }
        if self.config.access == Some(Access::ReadOnly) && is_write(&e.method) {
            kinds.push(AlertKind::ReadOnlyWrite);
        }
        // Shared key: one client product more than the threshold allows.
        if let Some(ua) = &e.user_agent {
            let product = client_product(ua);
            if !product.is_empty()
                && !self.products.contains(product)
                && self.products.len() < PRODUCTS_KEPT
            {
                self.products.insert(product.to_owned());
                if self.products.len() > self.config.thresholds.shared_user_agents as usize {
                    kinds.push(AlertKind::SharedKey);
                    labels.push((AlertKind::SharedKey, format!("client {product}")));
                }
            }
        }
        if let Some(h) = &self.config.business_hours {
            if !h.contains(e.unix_secs) {
                kinds.push(AlertKind::OffHours);
            }
        }
        if self.config.revoked_at.is_some_and(|t| e.unix_secs >= t) {
            kinds.push(AlertKind::UseAfterRevocation);
        }
        let acc = self.open.entry(w).or_default();
        acc.requests += 1;
        acc.errors += u64::from(is_error(e.status));
        super::stats::endpoint_label(e, label);
        let label = label.as_str();
        for kind in kinds.iter() {
            acc.matches.entry(kind).or_default().add(e, label, at);
        }
        for (kind, name) in labels {
            if let Some(m) = acc.matches.get_mut(&kind) {
                if m.labels.len() < LABELS_KEPT {
                    m.labels.insert(name);
                }
            }
        }
        self.usage.add(e, label);
    }

    /// Closes window `w` (`[start, end)`): judges it, then adds it to the history.
    pub fn close(
        &mut self,
        key: &str,
        w: i64,
        start: i64,
        end: i64,
        slots_per_day: usize,
        tracker: &mut Tracker,
    ) {
        let acc = self.open.remove(&w).unwrap_or_default();
        let t = self.config.thresholds;
        let learning = self.learning(slots_per_day);
        let mut fired: Vec<(AlertKind, Firing)> = Vec::new();
        let mut matches = acc.matches;

        #[allow(clippy::cast_precision_loss)]
        let requests = acc.requests as f64;
        // Request spike: against the same time of day on earlier days.
        if !learning {
            let window_secs = end - start;
            let comparable: Vec<f64> = (1..=HISTORY_DAYS)
                .filter_map(|d| {
                    let back = windows_back(start, d, self.config.zone.as_ref(), window_secs)
                        .unwrap_or(d * slots_per_day);
                    self.history.len().checked_sub(back)
                })
                .filter_map(|i| self.history.get(i))
                .map(|&c| f64::from(c))
                .collect();
            if comparable.len()
                >= usize::try_from(t.learning_days)
                    .unwrap_or(usize::MAX)
                    .min(HISTORY_DAYS)
            {
                let med = median(&comparable);
                let mad = median(
                    &comparable
                        .iter()
                        .map(|v| (v - med).abs())
                        .collect::<Vec<_>>(),
                );
                let spread = (1.4826 * mad).max(1.0);
                let threshold = med + t.spike_mads * spread;
                #[allow(clippy::cast_precision_loss)]
                let floor = t.spike_floor as f64;
                if requests >= floor && requests > threshold {
                    let p = poisson_tail(acc.requests, med.max(1.0));
                    if p < t.spike_p_value {
                        take(&mut matches, &mut fired,
                            AlertKind::RequestSpike,
                            requests,
                            Some(med),
                            format!("{} requests vs median {med:.0}, MAD {mad:.0} of {} comparable windows; threshold {threshold:.0}, floor {}; Poisson tail {p:.1e}", acc.requests, comparable.len(), t.spike_floor),
                            AlertKind::RequestSpike.severity(),
                        );
                    }
                }
            }
        }
        // Error-rate spike: against the key's own error rate so far.
        if !learning && acc.requests >= t.error_min_requests && acc.requests > 0 {
            #[allow(clippy::cast_precision_loss)]
            let rate = acc.errors as f64 / requests;
            #[allow(clippy::cast_precision_loss)]
            let base = if self.closed_requests == 0 {
                0.0
            } else {
                self.closed_errors as f64 / self.closed_requests as f64
            };
            if rate >= t.error_rate_floor && rate >= t.error_rate_factor * base {
                take(&mut matches, &mut fired,
                    AlertKind::ErrorRateSpike,
                    rate,
                    Some(base),
                    format!("{} errors in {} requests ({:.1}%) vs baseline {:.2}%; floor {:.0}%, factor {}", acc.errors, acc.requests, rate * 100.0, base * 100.0, t.error_rate_floor * 100.0, t.error_rate_factor),
                    AlertKind::ErrorRateSpike.severity(),
                );
            }
        }
        for (kind, limit) in [
            (AlertKind::AuthFailureBurst, t.auth_burst),
            (AlertKind::RateLimitBurst, t.rate_limit_burst),
        ] {
            let n = matches.get(&kind).map_or(0, |m| m.count);
            if n >= limit.max(1) {
                #[allow(clippy::cast_precision_loss)]
                take(
                    &mut matches,
                    &mut fired,
                    kind,
                    n as f64,
                    None,
                    format!("{n} answers in one window; threshold {limit}"),
                    kind.severity(),
                );
            }
        }
        for kind in [
            AlertKind::DisallowedNetwork,
            AlertKind::NewNetwork,
            AlertKind::OffHours,
            AlertKind::UseAfterRevocation,
            AlertKind::TestKeyFromProduction,
            AlertKind::ReadOnlyWrite,
            AlertKind::ForeignEnvironment,
            AlertKind::SharedKey,
        ] {
            let Some(m) = matches.get(&kind) else {
                continue;
            };
            let (n, ok) = (m.count, m.succeeded);
            let names = m.labels.iter().cloned().collect::<Vec<_>>().join(", ");
            let detail = match kind {
                AlertKind::DisallowedNetwork => {
                    format!("{n} request(s) from outside the allowed networks")
                }
                AlertKind::NewNetwork => {
                    format!("{n} request(s) from networks not seen for this key before")
                }
                AlertKind::OffHours => format!(
                    "{n} request(s) outside business hours ({})",
                    self.config
                        .business_hours
                        .as_ref()
                        .map_or("", |h| h.zone_name.as_str())
                ),
                AlertKind::UseAfterRevocation => {
                    format!("{n} request(s) after revocation, {ok} of them answered 2xx")
                }
                AlertKind::ReadOnlyWrite => {
                    format!("{n} write request(s) (POST, PUT, PATCH, DELETE) with a read-only key, {ok} of them answered 2xx")
                }
                AlertKind::ForeignEnvironment => format!(
                    "{n} request(s) from the network of {names}; the key is assigned to {}",
                    self.config.environments.join(", ")
                ),
                AlertKind::SharedKey => format!(
                    "new beyond the thresholds: {names}; {} client products ({}) and {} networks seen so far; thresholds {} client products, {} networks",
                    self.products.len(),
                    self.products.iter().cloned().collect::<Vec<_>>().join(", "),
                    self.usage.networks.len(),
                    t.shared_user_agents,
                    t.shared_networks
                ),
                _ => format!("{n} request(s) from a production network"),
            };
            // Refused attempts are less urgent than ones that went through.
            let severity = match kind {
                AlertKind::UseAfterRevocation if ok == 0 => Severity::High,
                AlertKind::ReadOnlyWrite if ok == 0 => Severity::Medium,
                _ => kind.severity(),
            };
            #[allow(clippy::cast_precision_loss)]
            take(
                &mut matches,
                &mut fired,
                kind,
                n as f64,
                None,
                detail,
                severity,
            );
        }

        let fired_kinds: Vec<AlertKind> = fired.iter().map(|(k, _)| *k).collect();
        for (kind, firing) in fired {
            tracker.fire(key, kind, start, end, firing);
        }
        for kind in AlertKind::ALL {
            if !fired_kinds.contains(&kind) {
                tracker.quiet(key, kind, t.cooldown_windows);
            }
        }

        self.history
            .push_back(u32::try_from(acc.requests).unwrap_or(u32::MAX));
        while self.history.len() > HISTORY_DAYS * slots_per_day {
            self.history.pop_front();
        }
        self.closed_windows += 1;
        self.closed_requests += acc.requests;
        self.closed_errors += acc.errors;
    }
}

fn take(
    matches: &mut BTreeMap<AlertKind, Match>,
    fired: &mut Vec<(AlertKind, Firing)>,
    kind: AlertKind,
    observed: f64,
    expected: Option<f64>,
    detail: String,
    severity: Severity,
) {
    let m = matches.remove(&kind).unwrap_or_default();
    fired.push((
        kind,
        Firing {
            observed,
            expected,
            detail,
            severity,
            events: m.count,
            top: m.top,
            evidence: m.evidence,
        },
    ));
}

impl KeyState {
    /// `n` windows without an event, after the history is all zeros and every alert of the
    /// key has cooled down: only the window count moves.
    pub fn skip_empty(&mut self, n: u64) {
        self.closed_windows = self.closed_windows.saturating_add(n);
    }
}

impl KeyConfig {
    fn is_test_key_for(&self, e: &EventRef<'_>) -> bool {
        self.is_test_key(&e.key_id)
    }
}

/// How many windows back the same local time of day was `days` days before the window
/// starting at `start` (UTC seconds), in `zone`; `None` without a zone (then it is exactly
/// `days` days of windows).
fn windows_back(
    start: i64,
    days: usize,
    zone: Option<&jiff::tz::TimeZone>,
    window_secs: i64,
) -> Option<usize> {
    let zone = zone?;
    let here = jiff::Timestamp::from_second(start)
        .ok()?
        .to_zoned(zone.clone());
    let then = here
        .checked_sub(jiff::Span::new().days(i64::try_from(days).ok()?))
        .ok()?;
    let back = (start - then.timestamp().as_second()).div_euclid(window_secs.max(1));
    usize::try_from(back).ok().filter(|&b| b > 0)
}

/// The median of `v` (0 for an empty slice).
pub fn median(v: &[f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let mid = s.len() / 2;
    if s.len() % 2 == 1 {
        s[mid]
    } else {
        (s[mid - 1] + s[mid]) / 2.0
    }
}

/// An upper bound of P(X ≥ k) for X ~ Poisson(λ), for k > λ: the first term times the
/// geometric bound of the rest, with ln k! from Stirling's series. 1 when k ≤ λ.
pub fn poisson_tail(k: u64, lambda: f64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let kf = k as f64;
    if kf <= lambda || lambda <= 0.0 {
        return 1.0;
    }
    let ln_fact = if k < 2 {
        0.0
    } else {
        kf * kf.ln() - kf + 0.5 * (2.0 * std::f64::consts::PI * kf).ln() + 1.0 / (12.0 * kf)
    };
    let ln_pmf = kf * lambda.ln() - lambda - ln_fact;
    let ratio = lambda / (kf + 1.0);
    (ln_pmf.exp() / (1.0 - ratio)).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics() {
        assert!((median(&[3.0, 1.0, 2.0]) - 2.0).abs() < 1e-12);
        assert!((median(&[4.0, 1.0, 2.0, 3.0]) - 2.5).abs() < 1e-12);
        // P(X >= 10 | λ=1) ≈ 1.1e-7; the bound is above it and within a factor of 2.
        let p = poisson_tail(10, 1.0);
        assert!(p > 1.1e-7 && p < 2.2e-7, "{p}");
        assert!((poisson_tail(1, 2.0) - 1.0).abs() < 1e-12);
        // λ=40, k=100: far in the tail.
        assert!(poisson_tail(100, 40.0) < 1e-12);
        // λ=40, k=50: not surprising.
        assert!(poisson_tail(50, 40.0) > 0.01);
    }
}
