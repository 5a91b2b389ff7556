//! Reading the TOML: the raw shapes serde fills in, and their checks into a [`Config`].

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{Access, BusinessHours, Config, ConfigError, KeyConfig, PartialThresholds, Thresholds};
use crate::key::Mode;
use crate::monitor::net::Cidr;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    thresholds: PartialThresholds,
    #[serde(default)]
    networks: RawNetworks,
    #[serde(default)]
    keys: BTreeMap<String, RawKey>,
    reorder_grace_minutes: Option<u32>,
    window_minutes: Option<u32>,
    zone: Option<String>,
    #[serde(default)]
    audit_logs: Vec<String>,
}

/// `[networks]`: blocks per environment name (`production = [...]`, `staging = [...]`).
type RawNetworks = BTreeMap<String, Vec<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKey {
    name: Option<String>,
    purpose: Option<String>,
    environment: Option<String>,
    #[serde(default)]
    allowed_networks: Vec<String>,
    revoked_at: Option<String>,
    business_hours: Option<RawHours>,
    #[serde(default)]
    thresholds: PartialThresholds,
    // Inventory fields (issue 16).
    mode: Option<String>,
    access: Option<String>,
    #[serde(default)]
    environments: Vec<String>,
    owner: Option<String>,
    created: Option<toml::Value>,
    fingerprint: Option<String>,
    services: Option<u32>,
    source: Option<String>,
}

/// The inventory fields of one key, checked into `key`.
fn inventory_fields(k: &RawKey, what: &str, key: &mut KeyConfig) -> Result<(), ConfigError> {
    key.mode = match &k.mode {
        None => None,
        Some(m) => Some(
            Mode::from_name(m).ok_or_else(|| bad(format!("{what}.mode"), "write live or test"))?,
        ),
    };
    key.access = match &k.access {
        None => None,
        Some(a) => Some(
            Access::from_name(a)
                .ok_or_else(|| bad(format!("{what}.access"), "write full, test or read-only"))?,
        ),
    };
    for env in k.environment.iter().chain(&k.environments) {
        if env.trim().is_empty() {
            return Err(bad(
                format!("{what}.environments"),
                "an environment name is empty",
            ));
        }
        if !key.environments.contains(env) {
            key.environments.push(env.clone());
        }
    }
    key.owner = match k.owner.as_deref().map(str::trim) {
        Some("") => return Err(bad(format!("{what}.owner"), "empty; name a person or team")),
        o => o.map(str::to_owned),
    };
    key.created = match &k.created {
        None => None,
        Some(v) => Some(created_at(v).ok_or_else(|| {
            bad(
                format!("{what}.created"),
                "write a date such as 2026-01-05 or a UTC time such as 2026-01-05T00:00:00Z",
            )
        })?),
    };
    key.fingerprint = match &k.fingerprint {
        None => None,
        Some(f) => Some(fingerprint(f).ok_or_else(|| {
            bad(
                format!("{what}.fingerprint"),
                "write a fingerprint such as pk_live_****a1b2 or the hash `pictify-keys scan` prints",
            )
        })?),
    };
    if let (Some(mode), Some(fp)) = (key.mode, &key.fingerprint) {
        let other = match mode {
            Mode::Live => Mode::Test,
            Mode::Test => Mode::Live,
        };
        if fp.starts_with(other.prefix()) {
            return Err(bad(
                format!("{what}.fingerprint"),
                format!("a {other} key's fingerprint, but mode is {mode}"),
            ));
        }
    }
    key.source = match k.source.as_deref().map(str::trim) {
        None => None,
        Some(s) => {
            if !crate::secrets::is_reference(s) {
                return Err(bad(
                    format!("{what}.source"),
                    "write a secrets-manager reference such as vault://secret/pictify#api_key, aws-sm://NAME or gcp-sm://projects/P/secrets/S",
                ));
            }
            crate::secrets::SecretRef::parse(s, &format!("{what}.source"))
                .map_err(|e| bad(format!("{what}.source"), e.to_string()))?;
            Some(s.to_owned())
        }
    };
    key.services = match k.services {
        Some(0) => return Err(bad(format!("{what}.services"), "must be at least 1")),
        s => s,
    };
    Ok(())
}

/// A creation time: a TOML date-time with an offset, a TOML date (midnight UTC), or the same
/// written as a string.
fn created_at(v: &toml::Value) -> Option<i64> {
    let text = match v {
        toml::Value::String(s) => s.trim().to_owned(),
        toml::Value::Datetime(d) => d.to_string(),
        _ => return None,
    };
    if text.len() == 10 {
        return crate::monitor::line::parse_timestamp(&format!("{text}T00:00:00Z")).ok();
    }
    if let Ok(t) = crate::monitor::line::parse_timestamp(&text) {
        return Some(t);
    }
    // A numeric offset (`+02:00`): RFC 3339 through jiff.
    text.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

/// `pk_live_****a1b2` as written, or a 16/64-hex hash (optionally after `sha256:`) lowercased.
fn fingerprint(text: &str) -> Option<String> {
    if crate::monitor::line::is_fingerprint(text) {
        return Some(text.to_owned());
    }
    let hex = text.strip_prefix("sha256:").unwrap_or(text);
    ((hex.len() == 16 || hex.len() == 64) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHours {
    zone: String,
    #[serde(default = "weekdays")]
    days: Vec<String>,
    start: String,
    end: String,
}

fn weekdays() -> Vec<String> {
    ["mon", "tue", "wed", "thu", "fri"]
        .map(String::from)
        .to_vec()
}

fn bad(what: impl Into<String>, message: impl Into<String>) -> ConfigError {
    ConfigError::BadValue {
        what: what.into(),
        message: message.into(),
    }
}

fn cidrs(list: &[String], what: &str) -> Result<Vec<Cidr>, ConfigError> {
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            s.parse().map_err(|e: crate::monitor::net::CidrError| {
                bad(format!("{what}[{i}]"), e.to_string())
            })
        })
        .collect()
}

fn minute_of_day(text: &str, what: &str) -> Result<u16, ConfigError> {
    let parsed = text.split_once(':').and_then(|(h, m)| {
        let ok = h.len() == 2 && m.len() == 2;
        let (h, m) = (h.parse::<u16>().ok()?, m.parse::<u16>().ok()?);
        (ok && (h < 24 && m < 60 || h == 24 && m == 0)).then_some(h * 60 + m)
    });
    parsed.ok_or_else(|| bad(what, "write a time of day as HH:MM, 00:00 to 24:00"))
}

impl Config {
    /// Reads a configuration from TOML text. A key anywhere in the text is refused first
    /// ([`ConfigError::ContainsSecret`], the scan allow-list's check), before any parsing,
    /// so no error message can echo it.
    ///
    /// ```
    /// use pictify_keys::monitor::Config;
    ///
    /// let config = Config::parse("[keys.key_abc]\nallowed_networks = [\"203.0.113.0/24\"]\n")?;
    /// assert_eq!(config.keys.len(), 1);
    /// let err = Config::parse("[keys.key_abc]\nname = \"pk_live_FAKE3Wwd25rq4f5zra1b2\"\n").unwrap_err();
    /// assert_eq!(err.code(), "config_contains_secret");
    /// # Ok::<(), pictify_keys::monitor::ConfigError>(())
    /// ```
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        if let Some(f) = crate::scan::scan_bytes(text.as_bytes())
            .iter()
            .find(|f| f.class != crate::scan::Class::Placeholder)
        {
            return Err(ConfigError::ContainsSecret { line: f.line });
        }
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| line_column(text, s.start));
            ConfigError::Invalid {
                line,
                column,
                message: e.message().trim().to_owned(),
            }
        })?;
        let window_minutes = raw.window_minutes.unwrap_or(60);
        if window_minutes == 0 || 1440 % window_minutes != 0 {
            return Err(bad(
                "window_minutes",
                "must divide a day (1440 minutes), e.g. 5, 15, 60",
            ));
        }
        let team_zone = match &raw.zone {
            None => None,
            Some(name) => Some(
                jiff::tz::TimeZone::get(name)
                    .map_err(|_| bad("zone", "not an IANA time zone name such as Europe/Paris"))?,
            ),
        };
        let thresholds = raw.thresholds.apply(Thresholds::default());
        check_thresholds(&thresholds, "thresholds")?;
        let mut keys = BTreeMap::new();
        for (id, k) in &raw.keys {
            let what = format!("keys.{id}");
            crate::monitor::line::check_key_id(id).map_err(|_| {
                bad(
                    &what,
                    "not a key ID (letters, digits, _ - . :) or fingerprint",
                )
            })?;
            let business_hours = match &k.business_hours {
                None => None,
                Some(h) => Some(hours(h, &format!("{what}.business_hours"))?),
            };
            let revoked_at = match &k.revoked_at {
                None => None,
                Some(t) => Some(crate::monitor::line::parse_timestamp(t).map_err(|_| {
                    bad(
                        format!("{what}.revoked_at"),
                        "write a UTC time such as 2026-01-20T00:00:00Z",
                    )
                })?),
            };
            let key_thresholds = k.thresholds.apply(thresholds);
            check_thresholds(&key_thresholds, &format!("{what}.thresholds"))?;
            let mut key = KeyConfig {
                name: k.name.clone(),
                purpose: k.purpose.clone(),
                environment: k.environment.clone(),
                allowed_networks: cidrs(&k.allowed_networks, &format!("{what}.allowed_networks"))?,
                revoked_at,
                zone_name: business_hours
                    .as_ref()
                    .map(|h| h.zone_name.clone())
                    .or_else(|| raw.zone.clone()),
                zone: business_hours
                    .as_ref()
                    .map(|h| h.zone.clone())
                    .or_else(|| team_zone.clone()),
                business_hours,
                thresholds: key_thresholds,
                ..KeyConfig::default()
            };
            inventory_fields(k, &what, &mut key)?;
            // `services = N`: the key serves N client products; more is a shared key.
            if let Some(n) = key.services {
                key.thresholds.shared_user_agents = n;
            }
            keys.insert(id.clone(), key);
        }
        let mut environment_networks = BTreeMap::new();
        for (env, list) in &raw.networks {
            environment_networks.insert(env.clone(), cidrs(list, &format!("networks.{env}"))?);
        }
        Ok(Self {
            thresholds,
            production_networks: environment_networks
                .get("production")
                .cloned()
                .unwrap_or_default(),
            environment_networks,
            keys,
            reorder_grace_minutes: raw.reorder_grace_minutes.unwrap_or(5),
            window_minutes,
            zone_name: raw.zone.clone(),
            zone: team_zone,
            audit_logs: raw.audit_logs,
        })
    }
}

/// 1-based line and column (in characters) of byte `offset` of `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

fn check_thresholds(t: &Thresholds, what: &str) -> Result<(), ConfigError> {
    if t.shared_user_agents == 0 || t.shared_networks == 0 {
        return Err(bad(
            what,
            "shared_user_agents and shared_networks must be at least 1",
        ));
    }
    if !(t.spike_p_value > 0.0 && t.spike_p_value < 1.0) {
        return Err(bad(
            format!("{what}.spike_p_value"),
            "must be between 0 and 1",
        ));
    }
    if !(t.error_rate_floor > 0.0 && t.error_rate_floor <= 1.0) {
        return Err(bad(
            format!("{what}.error_rate_floor"),
            "must be above 0 and at most 1",
        ));
    }
    if !(t.spike_mads.is_finite()
        && t.spike_mads > 0.0
        && t.error_rate_factor.is_finite()
        && t.error_rate_factor > 0.0)
    {
        return Err(bad(
            what,
            "spike_mads and error_rate_factor must be positive numbers",
        ));
    }
    Ok(())
}

fn hours(h: &RawHours, what: &str) -> Result<BusinessHours, ConfigError> {
    let zone = jiff::tz::TimeZone::get(&h.zone).map_err(|_| {
        bad(
            format!("{what}.zone"),
            "not an IANA time zone name such as Europe/Paris",
        )
    })?;
    let mut days = [false; 7];
    for (i, d) in h.days.iter().enumerate() {
        let idx = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
            .iter()
            .position(|n| d.eq_ignore_ascii_case(n))
            .ok_or_else(|| {
                bad(
                    format!("{what}.days[{i}]"),
                    "write mon, tue, wed, thu, fri, sat or sun",
                )
            })?;
        days[idx] = true;
    }
    let start_minute = minute_of_day(&h.start, &format!("{what}.start"))?;
    let end_minute = minute_of_day(&h.end, &format!("{what}.end"))?;
    if start_minute >= end_minute {
        return Err(bad(
            what,
            "start must be before end (hours past midnight are not supported yet)",
        ));
    }
    Ok(BusinessHours {
        zone_name: h.zone.clone(),
        zone,
        days,
        start_minute,
        end_minute,
    })
}
