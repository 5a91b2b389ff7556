//! Per-key usage: counts, first and last seen, endpoints, IPs, networks, user agents and an
//! hour-of-week profile. Every map is capped, so memory is bounded by keys × networks
//! whatever the number of events.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::IpAddr;

use serde::Serialize;

use super::alert::{top_n, Alert};
use super::line::{format_timestamp, Event};
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

const OTHER: &str = "(other)";

fn bump(map: &mut HashMap<String, u64>, key: &str, n: u64, cap: usize) {
    if let Some(c) = map.get_mut(key) {
        *c += n;
    } else if map.len() < cap {
        map.insert(key.to_owned(), n);
    } else {
        *map.entry(OTHER.to_owned()).or_insert(0) += n;
    }
}

/// Top IPs, networks, user agents and endpoints of a set of events.
#[derive(Debug, Clone, Default)]
pub(crate) struct Top {
    ips: HashMap<String, u64>,
    networks: HashMap<String, u64>,
    user_agents: HashMap<String, u64>,
    endpoints: HashMap<String, u64>,
}

impl Top {
    pub fn add(&mut self, e: &Event) {
        if let Some(ip) = e.ip {
            bump(&mut self.ips, &ip.to_string(), 1, TOP_CAP);
            bump(&mut self.networks, &Network::of(ip).to_string(), 1, TOP_CAP);
        }
        if let Some(ua) = &e.user_agent {
            bump(&mut self.user_agents, ua, 1, TOP_CAP);
        }
        bump(&mut self.endpoints, &endpoint_label(e), 1, TOP_CAP);
    }

    pub fn merge(&mut self, other: &Top) {
        for (mine, theirs) in [
            (&mut self.ips, &other.ips),
            (&mut self.networks, &other.networks),
            (&mut self.user_agents, &other.user_agents),
            (&mut self.endpoints, &other.endpoints),
        ] {
            let mut entries: Vec<_> = theirs.iter().collect();
            entries.sort();
            for (k, n) in entries {
                bump(mine, k, *n, TOP_CAP);
            }
        }
    }

    pub fn fill(&self, alert: &mut Alert) {
        alert.top_ips = top_n(&self.ips, TOP_SHOWN);
        alert.top_networks = top_n(&self.networks, TOP_SHOWN);
        alert.top_user_agents = top_n(&self.user_agents, TOP_SHOWN);
        alert.top_endpoints = top_n(&self.endpoints, TOP_SHOWN);
    }
}

fn endpoint_label(e: &Event) -> String {
    match (e.method.is_empty(), e.endpoint.is_empty()) {
        (true, true) => "(none)".to_owned(),
        (true, false) => e.endpoint.clone(),
        (false, _) => format!("{} {}", e.method, e.endpoint),
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
    /// Whether the statistical detectors are still learning this key's normal traffic.
    pub learning: bool,
    /// Whether the configuration lists this key.
    pub configured: bool,
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
    ips: HashSet<IpAddr>,
    ips_overflow: bool,
    pub networks: BTreeMap<Network, u64>,
    user_agents: HashMap<String, u64>,
    endpoints: HashMap<String, u64>,
    hour_of_week: Vec<u64>,
}

impl Usage {
    pub fn add(&mut self, e: &Event) {
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
            bump(&mut self.user_agents, ua, 1, TOP_CAP);
        }
        bump(&mut self.endpoints, &endpoint_label(e), 1, ENDPOINT_CAP);
        // 1970-01-01 was a Thursday: hour 0 of Unix time is hour 72 of a Monday-first week.
        let how = (e.unix_secs.div_euclid(3600) + 72).rem_euclid(168);
        if let Some(slot) = usize::try_from(how)
            .ok()
            .and_then(|h| self.hour_of_week.get_mut(h))
        {
            *slot += 1;
        }
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
            top_user_agents: top_n(&self.user_agents, TOP_SHOWN),
            endpoints: top_n(&self.endpoints, ENDPOINT_CAP + 1),
            hour_of_week: self.hour_of_week.clone(),
            learning,
            configured,
        }
    }
}
