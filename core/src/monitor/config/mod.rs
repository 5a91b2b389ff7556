//! The monitor's configuration: keys by ID, networks, business hours and detector
//! thresholds, read from TOML. It never holds a secret.
//!
//! ```toml
//! zone = "Europe/Paris"      # the team's day, for keys without business hours (default UTC)
//!
//! [thresholds]              # every detector's defaults (see Thresholds), all optional
//! spike_floor = 200
//!
//! [networks]
//! production = ["10.0.0.0/8", "2001:db8:100::/48"]   # where production runs
//!
//! [keys.key_abc123]
//! name = "render worker"
//! purpose = "renders share images"
//! environment = "production"       # "test" keys alert when used from a production network
//! allowed_networks = ["203.0.113.0/24"]
//! revoked_at = "2026-01-20T00:00:00Z"
//! business_hours = { zone = "Europe/Paris", days = ["mon", "tue", "wed", "thu", "fri"], start = "08:00", end = "19:00" }
//! thresholds = { auth_burst = 5 }  # per-key overrides
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use super::net::Cidr;
use crate::key::Mode;

mod parse;

pub use crate::error::ConfigError;

macro_rules! thresholds {
    ($( $(#[doc = $doc:literal])* $name:ident : $ty:ty = $default:expr ),* $(,)?) => {
        /// Detector thresholds. Defaults are documented per field and in docs/monitor.md.
        #[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
        pub struct Thresholds {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }
        impl Default for Thresholds {
            fn default() -> Self {
                Self { $( $name: $default, )* }
            }
        }
        /// The same fields, each optional, as written in TOML.
        #[derive(Debug, Clone, Copy, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct PartialThresholds {
            $( $name: Option<$ty>, )*
        }
        impl PartialThresholds {
            fn apply(&self, base: Thresholds) -> Thresholds {
                Thresholds { $( $name: self.$name.unwrap_or(base.$name), )* }
            }
        }
    };
}

thresholds! {
    /// Days of history a key needs before the request-spike, error-rate and new-network
    /// detectors judge it (default 7). Until then the key is reported as learning.
    learning_days: u32 = 7,
    /// Request spike: MADs (scaled to a standard deviation) above the median of the
    /// comparable windows (same time of day on earlier days) (default 6).
    spike_mads: f64 = 6.0,
    /// Request spike: at least this many requests in the window (default 100), so a quiet
    /// key cannot alert on a handful of requests.
    spike_floor: u64 = 100,
    /// Request spike: the Poisson tail P(X ≥ observed) at the baseline must be below this
    /// (default 1e-6).
    spike_p_value: f64 = 1e-6,
    /// Error-rate spike: at least this many requests in the window (default 20).
    error_min_requests: u64 = 20,
    /// Error-rate spike: the window's error rate is at least this (default 0.25) …
    error_rate_floor: f64 = 0.25,
    /// … and at least this many times the key's baseline error rate (default 3).
    error_rate_factor: f64 = 3.0,
    /// 401/403 responses in one window that make a burst (default 20).
    auth_burst: u64 = 20,
    /// 429 responses in one window that make a burst (default 50).
    rate_limit_burst: u64 = 50,
    /// Quiet windows after which an alert ends (default 3); firing again before that
    /// updates the same alert.
    cooldown_windows: u32 = 3,
    /// Shared key: more distinct client products (the user agent up to its first `/` or
    /// space: `pictify-node`, `curl`) than this over the whole input (default 3; a key's
    /// `services = N` sets it for that key).
    shared_user_agents: u32 = 3,
    /// Shared key: more distinct networks (/24, /48) than this over the whole input
    /// (default 8).
    shared_networks: u32 = 8,
}

/// Business hours in an IANA time zone.
#[derive(Debug, Clone)]
pub struct BusinessHours {
    /// The zone name, e.g. `Europe/Paris`.
    pub zone_name: String,
    pub(crate) zone: jiff::tz::TimeZone,
    /// Working days, Monday = 0.
    pub days: [bool; 7],
    /// Start, minutes after local midnight (inclusive).
    pub start_minute: u16,
    /// End, minutes after local midnight (exclusive); `24:00` is 1440.
    pub end_minute: u16,
}

impl BusinessHours {
    /// Whether `unix_secs` falls inside these hours, in local time of the zone (so a
    /// daylight-saving change moves the UTC window with it).
    pub fn contains(&self, unix_secs: i64) -> bool {
        let Ok(ts) = jiff::Timestamp::from_second(unix_secs) else {
            return false;
        };
        let local = self.zone.to_datetime(ts);
        let day = usize::from(local.weekday().to_monday_zero_offset().unsigned_abs());
        let minute =
            u16::try_from(i32::from(local.hour()) * 60 + i32::from(local.minute())).unwrap_or(0);
        self.days.get(day).copied().unwrap_or(false)
            && minute >= self.start_minute
            && minute < self.end_minute
    }
}

/// One key as the configuration describes it.
#[derive(Debug, Clone, Default)]
pub struct KeyConfig {
    /// A name for people.
    pub name: Option<String>,
    /// What the key is for.
    pub purpose: Option<String>,
    /// `production`, `staging`, `test`, …
    pub environment: Option<String>,
    /// When non-empty, a request from any other network alerts.
    pub allowed_networks: Vec<Cidr>,
    /// When the key was revoked (Unix seconds); any later use alerts.
    pub revoked_at: Option<i64>,
    /// When set, a request outside these hours alerts.
    pub business_hours: Option<BusinessHours>,
    /// Thresholds for this key.
    pub thresholds: Thresholds,
    /// The IANA zone the key's day is read in (its business hours' zone, else the file's
    /// `zone`, else UTC): the request-spike baseline compares the same local time of day,
    /// so a daylight-saving change does not shift it.
    pub zone_name: Option<String>,
    pub(crate) zone: Option<jiff::tz::TimeZone>,
    // Inventory fields (issue 16): what the key is, who owns it, what it may do.
    /// `live` or `test` (`mode = "live"`).
    pub mode: Option<Mode>,
    /// The access level the key was created with in the dashboard (`access = "read-only"`).
    pub access: Option<Access>,
    /// Every environment the key is assigned to: `environments = [...]` plus the single
    /// `environment`, in the order written, without duplicates.
    pub environments: Vec<String>,
    /// The person or team answerable for the key (`owner = "ops@example.com"`).
    pub owner: Option<String>,
    /// When the key was created (Unix seconds): `created = 2026-01-05T00:00:00Z` (a TOML
    /// date-time or date, or the same as a string).
    pub created: Option<i64>,
    /// The public fingerprint that links this ID to a key: `pk_live_****a1b2`, or the scan
    /// hash (16 or 64 hex digits, optionally after `sha256:`, stored lowercase without it).
    pub fingerprint: Option<String>,
    /// Distinct services (user agents or networks) above which the key counts as shared.
    pub services: Option<u32>,
}

/// The access level of a key, as chosen when it was created in the Pictify dashboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Every endpoint, reads and writes.
    Full,
    /// Test-mode access only.
    Test,
    /// Reads only (GET, HEAD, OPTIONS).
    ReadOnly,
}

impl Access {
    /// `full`, `test` or `read-only`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Full => "full",
            Self::Test => "test",
            Self::ReadOnly => "read-only",
        }
    }

    /// The level named `full`, `test` or `read-only` (exactly as [`Access::as_str`]
    /// spells it); `None` for any other name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "full" => Some(Self::Full),
            "test" => Some(Self::Test),
            "read-only" => Some(Self::ReadOnly),
            _ => None,
        }
    }
}

impl std::fmt::Display for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl KeyConfig {
    /// Whether this is a test key: `environment = "test"` (or `"test"` among
    /// `environments`), `mode = "test"`, `access = "test"`, or a `pk_test_` fingerprint.
    pub fn is_test_key(&self, key_id: &str) -> bool {
        self.environment.as_deref() == Some("test")
            || self.environments.iter().any(|e| e == "test")
            || self.mode == Some(Mode::Test)
            || self.access == Some(Access::Test)
            || key_id.starts_with("pk_test_")
    }
}

/// The whole configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Default thresholds (for keys the file does not list too).
    pub thresholds: Thresholds,
    /// Networks production runs in (`[networks] production`).
    pub production_networks: Vec<Cidr>,
    /// Networks of every environment named under `[networks]` (production too): a key
    /// with `environments` used from another environment's network alerts.
    pub environment_networks: BTreeMap<String, Vec<Cidr>>,
    /// Keys by ID.
    pub keys: BTreeMap<String, KeyConfig>,
    /// Minutes an event may arrive late (older than the newest one seen) and still count
    /// (default 5).
    pub reorder_grace_minutes: u32,
    /// Window length in minutes; must divide a day (default 60).
    pub window_minutes: u32,
    /// The team's IANA zone (`zone = "Europe/Paris"`), for keys without business hours.
    pub zone_name: Option<String>,
    zone: Option<jiff::tz::TimeZone>,
    /// Audit logs the project writes (`audit_logs = ["logs/audit.jsonl"]`), as written:
    /// relative paths are relative to the configuration file. `doctor` reads them to tell
    /// whether usage is monitored; `keys` and `incident` read them when no log is given.
    pub audit_logs: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            thresholds: Thresholds::default(),
            production_networks: Vec::new(),
            environment_networks: BTreeMap::new(),
            keys: BTreeMap::new(),
            reorder_grace_minutes: 5,
            window_minutes: 60,
            zone_name: None,
            zone: None,
            audit_logs: Vec::new(),
        }
    }
}

impl Config {
    /// The configuration of `key_id`, or the defaults for a key the file does not list.
    pub fn key(&self, key_id: &str) -> KeyConfig {
        self.keys.get(key_id).cloned().unwrap_or_else(|| KeyConfig {
            thresholds: self.thresholds,
            zone_name: self.zone_name.clone(),
            zone: self.zone.clone(),
            ..KeyConfig::default()
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::monitor::line::parse_timestamp;

    fn at(t: &str) -> i64 {
        parse_timestamp(t).unwrap()
    }

    #[test]
    fn business_hours_follow_both_2026_dst_changes() {
        let c = Config::parse(
            "[keys.k]\nbusiness_hours = { zone = \"Europe/Paris\", start = \"08:00\", end = \"19:00\" }\n\
             [keys.n]\nbusiness_hours = { zone = \"America/New_York\", days = [\"mon\",\"tue\",\"wed\",\"thu\",\"fri\"], start = \"09:00\", end = \"17:00\" }\n",
        )
        .unwrap();
        let paris = c.keys["k"].business_hours.as_ref().unwrap();
        // Before 29 March (CET, UTC+1) 08:00 local is 07:00 UTC; after (CEST, UTC+2) 06:00 UTC.
        assert!(paris.contains(at("2026-03-27T07:30:00Z")));
        assert!(!paris.contains(at("2026-03-27T06:30:00Z")));
        assert!(paris.contains(at("2026-03-30T06:30:00Z")));
        assert!(!paris.contains(at("2026-03-30T05:30:00Z")));
        assert!(!paris.contains(at("2026-03-30T17:30:00Z")));
        // Back to CET on 25 October.
        assert!(paris.contains(at("2026-10-23T06:30:00Z")));
        assert!(!paris.contains(at("2026-10-26T06:30:00Z")));
        assert!(paris.contains(at("2026-10-26T07:30:00Z")));
        assert!(paris.contains(at("2026-10-26T17:30:00Z")));
        // The weekend is outside.
        assert!(!paris.contains(at("2026-03-28T10:00:00Z")));
        let ny = c.keys["n"].business_hours.as_ref().unwrap();
        // 8 March 2026: EST (UTC-5) → EDT (UTC-4); 1 November back.
        assert!(ny.contains(at("2026-03-06T14:30:00Z")));
        assert!(!ny.contains(at("2026-03-06T13:30:00Z")));
        assert!(ny.contains(at("2026-03-09T13:30:00Z")));
        assert!(!ny.contains(at("2026-03-09T21:30:00Z")));
        assert!(ny.contains(at("2026-10-30T13:30:00Z")));
        assert!(!ny.contains(at("2026-11-02T13:30:00Z")));
        assert!(ny.contains(at("2026-11-02T21:30:00Z")));
    }

    #[test]
    fn refusals() {
        let code = |t: &str| Config::parse(t).unwrap_err().code();
        assert_eq!(
            code("[keys.k]\npurpose = \"x pk_test_FAKE3Wwd25rq4f5zra1b2\"\n"),
            "config_contains_secret"
        );
        assert_eq!(
            Config::parse("\n\n# pk_live_FAKE3Wwd25rq4f5zra1b2\n").unwrap_err(),
            ConfigError::ContainsSecret { line: 3 }
        );
        assert_eq!(code("[keys.k]\nnme = \"x\"\n"), "config_invalid");
        assert_eq!(code("[keys.k\n"), "config_invalid");
        assert_eq!(
            code("[keys.k]\nallowed_networks = [\"10.0.0.0/40\"]\n"),
            "config_bad_value"
        );
        assert_eq!(code("[keys.k]\nbusiness_hours = { zone = \"Mars/Olympus\", start = \"08:00\", end = \"19:00\" }\n"), "config_bad_value");
        assert_eq!(code("[keys.k]\nbusiness_hours = { zone = \"UTC\", start = \"19:00\", end = \"08:00\" }\n"), "config_bad_value");
        assert_eq!(
            code("[keys.k]\nrevoked_at = \"yesterday\"\n"),
            "config_bad_value"
        );
        assert_eq!(code("[keys.\"key with space\"]\n"), "config_bad_value");
        assert_eq!(code("window_minutes = 7\n"), "config_bad_value");
        assert_eq!(
            code("[thresholds]\nspike_p_value = 2.0\n"),
            "config_bad_value"
        );
        assert_eq!(
            code("[thresholds]\nshared_networks = 0\n"),
            "config_bad_value"
        );
        let err = Config::parse("[networks]\nstaging = [\"172.16.0.0/33\"]\n").unwrap_err();
        assert!(
            err.to_string().starts_with("networks.staging[0]: "),
            "{err}"
        );
        let c = Config::parse(
            "[networks]\nproduction = [\"10.0.0.0/8\"]\nci = [\"192.0.2.0/24\"]\n[keys.k]\nservices = 2\n",
        )
        .unwrap();
        assert_eq!(c.production_networks.len(), 1);
        assert_eq!(
            c.environment_networks.keys().collect::<Vec<_>>(),
            ["ci", "production"]
        );
        assert_eq!(c.keys["k"].thresholds.shared_user_agents, 2);
        assert_eq!(c.key("other").thresholds.shared_user_agents, 3);
        // A placeholder is no secret.
        assert!(Config::parse("# e.g. pk_live_your_api_key\n").is_ok());
        let err = Config::parse("[keys.k]\nallowed_networks = [\"nope\"]\n").unwrap_err();
        assert_eq!(err.to_string(), "keys.k.allowed_networks[0]: not a network: write an address or a block such as 203.0.113.0/24 or 2001:db8::/48");
    }

    #[test]
    fn per_key_thresholds_inherit_the_defaults() {
        let c = Config::parse(
            "[thresholds]\nspike_floor = 10\n[keys.k]\nthresholds = { auth_burst = 3 }\n",
        )
        .unwrap();
        assert_eq!(c.keys["k"].thresholds.spike_floor, 10);
        assert_eq!(c.keys["k"].thresholds.auth_burst, 3);
        assert_eq!(c.key("other").thresholds.auth_burst, 20);
    }

    #[test]
    fn inventory_fields() {
        let c = Config::parse(
            "audit_logs = [\"logs/audit.jsonl\"]\n\
             [keys.key_prod]\nmode = \"live\"\naccess = \"full\"\nenvironment = \"production\"\n\
             environments = [\"production\", \"staging\"]\nowner = \"ops@example.com\"\n\
             created = 2026-01-05T00:00:00Z\nfingerprint = \"pk_live_****a1b2\"\nservices = 3\n\
             [keys.key_ro]\naccess = \"read-only\"\ncreated = 2025-11-30\nfingerprint = \"sha256:00112233AABBCCDD\"\n\
             [keys.key_str]\ncreated = \"2026-02-01T12:00:00+02:00\"\n",
        )
        .unwrap();
        assert_eq!(c.audit_logs, ["logs/audit.jsonl"]);
        let k = &c.keys["key_prod"];
        assert_eq!(k.mode, Some(Mode::Live));
        assert_eq!(k.access, Some(Access::Full));
        assert_eq!(k.environments, ["production", "staging"]);
        assert_eq!(k.environment.as_deref(), Some("production"));
        assert_eq!(k.owner.as_deref(), Some("ops@example.com"));
        assert_eq!(k.created, Some(at("2026-01-05T00:00:00Z")));
        assert_eq!(k.fingerprint.as_deref(), Some("pk_live_****a1b2"));
        assert_eq!(k.services, Some(3));
        let k = &c.keys["key_ro"];
        assert_eq!(k.access, Some(Access::ReadOnly));
        assert_eq!(k.created, Some(at("2025-11-30T00:00:00Z")));
        assert_eq!(k.fingerprint.as_deref(), Some("00112233aabbccdd"));
        assert_eq!((k.mode, k.owner.as_deref(), k.services), (None, None, None));
        assert_eq!(c.keys["key_str"].created, Some(at("2026-02-01T10:00:00Z")));
        for a in [Access::Full, Access::Test, Access::ReadOnly] {
            assert_eq!(Access::from_name(a.as_str()), Some(a));
        }
        assert_eq!(Access::from_name("readonly"), None);
    }

    #[test]
    fn inventory_refusals() {
        let err = |t: &str| Config::parse(t).unwrap_err();
        let what = |t: &str| match err(t) {
            ConfigError::BadValue { what, .. } => what,
            e => panic!("{e:?}"),
        };
        assert_eq!(what("[keys.k]\nmode = \"prod\"\n"), "keys.k.mode");
        assert_eq!(what("[keys.k]\naccess = \"admin\"\n"), "keys.k.access");
        assert_eq!(
            what("[keys.k]\ncreated = \"last year\"\n"),
            "keys.k.created"
        );
        assert_eq!(
            what("[keys.k]\ncreated = 2026-01-05T10:00:00\n"),
            "keys.k.created"
        );
        assert_eq!(what("[keys.k]\ncreated = 5\n"), "keys.k.created");
        assert_eq!(
            what("[keys.k]\nfingerprint = \"a1b2\"\n"),
            "keys.k.fingerprint"
        );
        assert_eq!(
            what("[keys.k]\nmode = \"test\"\nfingerprint = \"pk_live_****a1b2\"\n"),
            "keys.k.fingerprint"
        );
        assert_eq!(what("[keys.k]\nowner = \" \"\n"), "keys.k.owner");
        assert_eq!(what("[keys.k]\nservices = 0\n"), "keys.k.services");
        assert_eq!(
            what("[keys.k]\nenvironments = [\"\"]\n"),
            "keys.k.environments"
        );
        // A key where the fingerprint belongs is refused before parsing, without echo.
        let e = err("[keys.k]\nowner = \"me\"\nfingerprint = \"pk_live_FAKE3Wwd25rq4f5zra1b2\"\n");
        assert_eq!(e, ConfigError::ContainsSecret { line: 3 });
        assert!(!e.to_string().contains("FAKE"));
        // Malformed TOML names the line and the column.
        let e = err("[keys.k]\nowner = \"me\"\nmode = live\n");
        assert!(
            matches!(
                e,
                ConfigError::Invalid {
                    line: 3,
                    column: 8,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().starts_with("line 3, column 8: "), "{e}");
        match err("[keys.k]\n  ownr = \"me\"\n") {
            ConfigError::Invalid { line, column, .. } => assert_eq!((line, column), (2, 3)),
            e => panic!("{e:?}"),
        }
    }
}
