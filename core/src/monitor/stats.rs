//! Per-key usage: counts, first and last seen, endpoints, IPs, networks, user agents and an
//! hour-of-week profile. Every map is capped, so memory is bounded by keys × networks
//! whatever the number of events.

use std::borrow::Borrow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::net::IpAddr;

use serde::Serialize;

use super::alert::{top_n, Alert};
use super::line::{format_timestamp, EventRef};
use super::net::Network;

/// Distinct entries a count map keeps; later newcomers are added up under `(other)`.
pub(crate) const TOP_CAP: usize = 64;
/// Distinct IPs counted exactly per key; beyond this `distinct_ips` is a lower bound.
pub const IP_CAP: usize = 10_000;
/// Distinct networks kept per key (for the new-network detector too).
pub const NETWORK_CAP: usize = 4_096;
/// Distinct `METHOD endpoint` pairs kept per key.
pub const ENDPOINT_CAP: usize = 256;
/// Entries shown in a top list.
pub const TOP_SHOWN: usize = 5;
/// Buckets a key's timeline keeps at most: past this the bucket width doubles (one hour
/// at first, so up to 42 days are kept hour by hour).
pub const TIMELINE_CAP: usize = 1024;
/// The first width of a timeline bucket, in seconds.
pub const TIMELINE_FIRST_BUCKET_SECS: i64 = 3600;

const OTHER: &str = "(other)";

/// The hasher of the per-event counters: foldhash, seeded per process (nothing here depends
/// on iteration order: every list is sorted before it is shown).
type Fast = foldhash::fast::RandomState;

/// Counts per name, capped: newcomers beyond the cap are summed under `(other)`. Keys are
/// typed (an `IpAddr`, a `Network`) or strings looked up by `&str`, so counting an event
/// allocates nothing unless the name is new.
#[derive(Debug, Clone)]
pub(crate) struct Counts<K> {
    map: HashMap<K, u64, Fast>,
    other: u64,
}

impl<K> Default for Counts<K> {
    fn default() -> Self {
        Self {
            map: HashMap::default(),
            other: 0,
        }
    }
}

impl<K: Hash + Eq + Ord + Clone + fmt::Display> Counts<K> {
    pub fn add<Q>(&mut self, key: &Q, n: u64, cap: usize)
    where
        K: Borrow<Q>,
        Q: ?Sized + Hash + Eq + ToOwned<Owned = K>,
    {
        if let Some(c) = self.map.get_mut(key) {
            *c += n;
        } else if self.map.len() < cap {
            self.map.insert(key.to_owned(), n);
        } else {
            self.other += n;
        }
    }

    /// Adds `other`'s counts, in name order (so the result does not depend on hash order).
    pub fn merge(&mut self, other: &Self, cap: usize) {
        let mut entries: Vec<(&K, &u64)> = other.map.iter().collect();
        entries.sort();
        for (k, n) in entries {
            self.add(k, *n, cap);
        }
        self.other += other.other;
    }

    /// The `n` largest, most first, ties by name; `(other)` takes its place by count.
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = self.map.iter().map(|(k, c)| (k.to_string(), *c)).collect();
        if self.other > 0 {
            v.push((OTHER.to_owned(), self.other));
        }
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(n);
        v
    }
}

/// Top IPs, networks, user agents and endpoints of a set of events.
#[derive(Debug, Clone, Default)]
pub(crate) struct Top {
    ips: Counts<IpAddr>,
    networks: Counts<Network>,
    user_agents: Counts<String>,
    endpoints: Counts<String>,
}

impl Top {
    /// Counts `e`, whose `METHOD endpoint` is `label`.
    pub fn add(&mut self, e: &EventRef<'_>, label: &str) {
        if let Some(ip) = e.ip {
            self.ips.add(&ip, 1, TOP_CAP);
            self.networks.add(&Network::of(ip), 1, TOP_CAP);
        }
        if let Some(ua) = &e.user_agent {
            self.user_agents.add(&**ua, 1, TOP_CAP);
        }
        self.endpoints.add(label, 1, TOP_CAP);
    }

    pub fn merge(&mut self, other: &Top) {
        self.ips.merge(&other.ips, TOP_CAP);
        self.networks.merge(&other.networks, TOP_CAP);
        self.user_agents.merge(&other.user_agents, TOP_CAP);
        self.endpoints.merge(&other.endpoints, TOP_CAP);
    }

    pub fn fill(&self, alert: &mut Alert) {
        alert.top_ips = self.ips.top(TOP_SHOWN);
        alert.top_networks = self.networks.top(TOP_SHOWN);
        alert.top_user_agents = self.user_agents.top(TOP_SHOWN);
        alert.top_endpoints = self.endpoints.top(TOP_SHOWN);
    }
}

/// `METHOD endpoint`, as top lists and the usage table show it, written into `out`.
pub(crate) fn endpoint_label(e: &EventRef<'_>, out: &mut String) {
    out.clear();
    match (e.method.is_empty(), e.endpoint.is_empty()) {
        (true, true) => out.push_str("(none)"),
        (true, false) => out.push_str(&e.endpoint),
        (false, _) => {
            out.push_str(&e.method);
            out.push(' ');
            out.push_str(&e.endpoint);
        }
    }
}

/// Whether a status counts as an error for the error-rate detector: 5xx, and 4xx other than
/// 401, 403 and 429 (those have detectors of their own).
pub fn is_error(status: u16) -> bool {
    status >= 500 || (400..500).contains(&status) && !matches!(status, 401 | 403 | 429)
}

/// Usage of one key over the whole input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyUsage {
    /// The key's ID or fingerprint.
    #[serde(rename = "keyId")]
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
    /// Errors as the error-rate detector counts them ([`is_error`]).
    pub errors: u64,
    /// `errors / requests`.
    pub error_rate: f64,
    /// First request (UTC).
    pub first_seen: String,
    /// Last request (UTC).
    pub last_seen: String,
    /// Distinct client IPs (a lower bound once it reaches [`IP_CAP`]).
    pub distinct_ips: u64,
    /// Distinct networks (/24, /48), up to [`NETWORK_CAP`].
    pub distinct_networks: u64,
    /// Top networks with counts.
    pub top_networks: Vec<(String, u64)>,
    /// Top user agents with counts.
    pub top_user_agents: Vec<(String, u64)>,
    /// Requests per `METHOD endpoint`, most first (up to [`ENDPOINT_CAP`] pairs, then `(other)`).
    pub endpoints: Vec<(String, u64)>,
    /// Requests per hour of the week in UTC, Monday 00:00 first (168 entries).
    pub hour_of_week: Vec<u64>,
    /// Requests and failures over time, for charts.
    pub timeline: Timeline,
    /// Whether the statistical detectors are still learning this key's normal traffic.
    pub learning: bool,
    /// Whether the configuration lists this key.
    pub configured: bool,
}

/// Requests and failures of one key over time, in equal buckets aligned on the Unix epoch:
/// one hour wide, doubled whenever the key's span would need more than [`TIMELINE_CAP`]
/// buckets. Because buckets are aligned, the result depends only on the events, not on
/// their order or chunking.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Timeline {
    /// Start of the first bucket (UTC).
    #[serde(serialize_with = "ser_time")]
    pub start: i64,
    /// Width of a bucket in seconds (3600 × a power of two).
    pub bucket_secs: i64,
    /// Requests per bucket.
    pub requests: Vec<u64>,
    /// Errors per bucket, as [`is_error`] counts them (5xx and 4xx but 401, 403, 429).
    pub errors: Vec<u64>,
    /// 401, 403 and 429 answers per bucket.
    pub denied: Vec<u64>,
}

fn ser_time<S: serde::Serializer>(t: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_timestamp(*t))
}

/// The running timeline: `[requests, errors, denied]` per bucket from bucket `first`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TimelineAcc {
    width: i64,
    first: i64,
    buckets: Vec<[u64; 3]>,
}

impl TimelineAcc {
    fn add(&mut self, unix_secs: i64, status: u16) {
        if self.buckets.is_empty() {
            self.width = TIMELINE_FIRST_BUCKET_SECS;
            self.first = unix_secs.div_euclid(self.width);
            self.buckets.push([0; 3]);
        }
        // Widen until the whole span, this event included, fits.
        let idx = loop {
            let idx = unix_secs.div_euclid(self.width);
            let last = self.first + self.buckets.len() as i64 - 1;
            if idx.max(last) - idx.min(self.first) < TIMELINE_CAP as i64 {
                break idx;
            }
            self.double();
        };
        if idx < self.first {
            let n = usize::try_from(self.first - idx).unwrap_or(0);
            self.buckets.splice(0..0, std::iter::repeat([0; 3]).take(n));
            self.first = idx;
        }
        let i = usize::try_from(idx - self.first).unwrap_or(0);
        if i >= self.buckets.len() {
            self.buckets.resize(i + 1, [0; 3]);
        }
        let b = &mut self.buckets[i];
        b[0] += 1;
        b[1] += u64::from(is_error(status));
        b[2] += u64::from(matches!(status, 401 | 403 | 429));
    }

    /// Merges bucket pairs: twice the width, half the buckets (aligned on the epoch).
    fn double(&mut self) {
        let first = self.first.div_euclid(2);
        let last = (self.first + self.buckets.len() as i64 - 1).div_euclid(2);
        let mut merged = vec![[0u64; 3]; usize::try_from(last - first + 1).unwrap_or(1)];
        for (i, b) in self.buckets.iter().enumerate() {
            let j = usize::try_from((self.first + i as i64).div_euclid(2) - first).unwrap_or(0);
            if let Some(m) = merged.get_mut(j) {
                for (m, b) in m.iter_mut().zip(b) {
                    *m += b;
                }
            }
        }
        self.width = self.width.saturating_mul(2);
        self.first = first;
        self.buckets = merged;
    }

    fn summary(&self) -> Timeline {
        Timeline {
            start: self.first.saturating_mul(self.width),
            bucket_secs: self.width,
            requests: self.buckets.iter().map(|b| b[0]).collect(),
            errors: self.buckets.iter().map(|b| b[1]).collect(),
            denied: self.buckets.iter().map(|b| b[2]).collect(),
        }
    }
}

/// Running usage of one key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Usage {
    pub requests: u64,
    pub by_class: [u64; 6],
    pub auth_failures: u64,
    pub rate_limited: u64,
    pub errors: u64,
    pub first_seen: i64,
    pub last_seen: i64,
    ips: HashSet<IpAddr, Fast>,
    ips_overflow: bool,
    pub networks: BTreeMap<Network, u64>,
    user_agents: Counts<String>,
    endpoints: Counts<String>,
    hour_of_week: Vec<u64>,
    timeline: TimelineAcc,
}

impl Usage {
    /// Counts `e`, whose `METHOD endpoint` is `label`.
    pub fn add(&mut self, e: &EventRef<'_>, label: &str) {
        if self.requests == 0 {
            self.first_seen = e.unix_secs;
            self.last_seen = e.unix_secs;
            self.hour_of_week = vec![0; 168];
        }
        self.requests += 1;
        self.first_seen = self.first_seen.min(e.unix_secs);
        self.last_seen = self.last_seen.max(e.unix_secs);
        self.by_class[usize::from(e.status / 100).min(5)] += 1;
        self.auth_failures += u64::from(matches!(e.status, 401 | 403));
        self.rate_limited += u64::from(e.status == 429);
        self.errors += u64::from(is_error(e.status));
        if let Some(ip) = e.ip {
            if self.ips.len() < IP_CAP {
                self.ips.insert(ip);
            } else if !self.ips.contains(&ip) {
                self.ips_overflow = true;
            }
            let net = Network::of(ip);
            if let Some(c) = self.networks.get_mut(&net) {
                *c += 1;
            } else if self.networks.len() < NETWORK_CAP {
                self.networks.insert(net, 1);
            }
        }
        if let Some(ua) = &e.user_agent {
            self.user_agents.add(&**ua, 1, TOP_CAP);
        }
        self.endpoints.add(label, 1, ENDPOINT_CAP);
        // 1970-01-01 was a Thursday: hour 0 of Unix time is hour 72 of a Monday-first week.
        let how = (e.unix_secs.div_euclid(3600) + 72).rem_euclid(168);
        if let Some(slot) = usize::try_from(how)
            .ok()
            .and_then(|h| self.hour_of_week.get_mut(h))
        {
            *slot += 1;
        }
        self.timeline.add(e.unix_secs, e.status);
    }

    pub fn knows_network(&self, net: &Network) -> bool {
        self.networks.contains_key(net)
    }

    pub fn summary(
        &self,
        key_id: &str,
        name: Option<String>,
        learning: bool,
        configured: bool,
    ) -> KeyUsage {
        #[allow(clippy::cast_precision_loss)]
        let error_rate = if self.requests == 0 {
            0.0
        } else {
            self.errors as f64 / self.requests as f64
        };
        let mut networks: HashMap<String, u64> = HashMap::new();
        for (n, c) in &self.networks {
            networks.insert(n.to_string(), *c);
        }
        KeyUsage {
            key_id: key_id.to_owned(),
            name,
            requests: self.requests,
            status_2xx: self.by_class[2],
            status_3xx: self.by_class[3],
            status_4xx: self.by_class[4],
            status_5xx: self.by_class[5],
            auth_failures: self.auth_failures,
            rate_limited: self.rate_limited,
            errors: self.errors,
            error_rate,
            first_seen: format_timestamp(self.first_seen),
            last_seen: format_timestamp(self.last_seen),
            distinct_ips: self.ips.len() as u64 + u64::from(self.ips_overflow),
            distinct_networks: self.networks.len() as u64,
            top_networks: top_n(&networks, TOP_SHOWN),
            top_user_agents: self.user_agents.top(TOP_SHOWN),
            endpoints: self.endpoints.top(ENDPOINT_CAP + 1),
            hour_of_week: self.hour_of_week.clone(),
            timeline: self.timeline.summary(),
            learning,
            configured,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const H: i64 = 3600;

    #[test]
    fn timeline_buckets_by_hour_then_doubles_on_epoch_boundaries() {
        // 2026-03-02T00:00:00Z is hour 492,336 since the epoch, an even hour.
        let t0 = 1_772_409_600;
        let mut a = TimelineAcc::default();
        a.add(t0 + 10, 200);
        a.add(t0 + H + 5, 500);
        a.add(t0 + H + 6, 401);
        a.add(t0 + 3 * H, 429);
        let s = a.summary();
        assert_eq!((s.start, s.bucket_secs), (t0, H));
        assert_eq!(s.requests, vec![1, 2, 0, 1]);
        assert_eq!(s.errors, vec![0, 1, 0, 0]);
        assert_eq!(s.denied, vec![0, 1, 0, 1]);
        // An event 1,100 hours later no longer fits 1,024 hourly buckets: two-hour buckets.
        a.add(t0 + 1100 * H, 200);
        let s = a.summary();
        assert_eq!((s.start, s.bucket_secs), (t0, 2 * H));
        assert_eq!(s.requests.len(), 551);
        assert_eq!(&s.requests[..2], &[3, 1]);
        assert_eq!(s.requests[550], 1);
        assert_eq!(s.requests.iter().sum::<u64>(), 5);
        // An event before the first bucket (re-ordered within the grace) is prepended.
        a.add(t0 - 60, 200);
        let s = a.summary();
        assert_eq!((s.start, s.requests[0], s.requests[1]), (t0 - 2 * H, 1, 3));
    }

    #[test]
    fn timeline_depends_on_the_events_not_their_order() {
        let times: Vec<i64> = (0..3000)
            .map(|i| 1_772_409_600 + i * 7919 % 5_000_000)
            .collect();
        let mut fwd = TimelineAcc::default();
        let mut rev = TimelineAcc::default();
        for t in &times {
            fwd.add(*t, 200);
        }
        for t in times.iter().rev() {
            rev.add(*t, 200);
        }
        let (f, r) = (fwd.summary(), rev.summary());
        assert_eq!(f, r);
        assert!(f.requests.len() <= TIMELINE_CAP);
        assert_eq!(f.requests.iter().sum::<u64>(), 3000);
        assert_eq!(f.start % f.bucket_secs, 0);
    }
}
