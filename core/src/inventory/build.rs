//! The inventory from the monitor's configuration and the audit logs' last use.

use std::collections::BTreeMap;

use crate::env::{generic_value, Environment};
use crate::key::Mode;
use crate::monitor::{Config, KeyConfig, Report};

use super::{
    Flag, FlagKind, Inventory, InventoryKey, LastUse, LogsCovered, ManagerDates, ManagerEntry,
    ROTATE_DAYS, UNUSED_DAYS,
};
use crate::secrets::metadata::SecretDates;

const DAY: i64 = 86_400;

impl LastUse {
    /// Last use per key from the monitor's report over the audit logs given.
    pub fn from_report(report: &Report) -> Self {
        let mut last = Self {
            given: true,
            ..Self::default()
        };
        for k in &report.keys {
            let (Ok(first), Ok(seen)) = (
                crate::monitor::parse_timestamp(&k.first_seen),
                crate::monitor::parse_timestamp(&k.last_seen),
            ) else {
                continue;
            };
            last.record(&k.key_id, first, seen, k.requests);
        }
        last
    }
}

/// The key's mode: as configured, else from its fingerprint or ID (`pk_live_****a1b2`).
pub(crate) fn mode_of(id: &str, k: &KeyConfig) -> Option<Mode> {
    k.mode.or_else(|| {
        [k.fingerprint.as_deref(), Some(id)]
            .into_iter()
            .flatten()
            .find_map(|s| {
                [Mode::Live, Mode::Test]
                    .into_iter()
                    .find(|m| s.starts_with(m.prefix()))
            })
    })
}

impl Inventory {
    /// Judges every key of `config` at `now` (Unix seconds), with last use from `usage`.
    pub fn build(config: &Config, usage: &LastUse, now: i64) -> Self {
        Self::build_with(config, usage, &ManagerDates::default(), now)
    }

    /// The same, with what secrets managers said about keys configured with a `source`: a
    /// key without `created` takes the time its current value was written as its creation,
    /// and without audit logs, AWS's last read of the secret as its last use.
    pub fn build_with(config: &Config, usage: &LastUse, managers: &ManagerDates, now: i64) -> Self {
        // One fingerprint under several IDs.
        let mut by_fingerprint: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (id, k) in &config.keys {
            if let Some(fp) = &k.fingerprint {
                by_fingerprint.entry(fp).or_default().push(id);
            }
        }
        let keys: Vec<InventoryKey> = config
            .keys
            .iter()
            .map(|(id, k)| {
                let dates = managers.keys.get(id).and_then(|d| d.as_ref().ok());
                let mut e = entry(id, k, usage, dates, now, &by_fingerprint);
                e.manager = managers.keys.get(id).map(manager_entry);
                e
            })
            .collect();
        let unlisted = usage
            .keys
            .keys()
            .filter(|used| {
                !config.keys.contains_key(*used)
                    && !config
                        .keys
                        .values()
                        .any(|k| k.fingerprint.as_deref() == Some(used.as_str()))
            })
            .cloned()
            .collect();
        Self {
            now: rfc3339(now),
            keys,
            unlisted,
            logs: LogsCovered {
                given: usage.given,
                from: usage.span.map(|s| rfc3339(s.0)),
                to: usage.span.map(|s| rfc3339(s.1)),
            },
        }
    }
}

fn entry(
    id: &str,
    k: &KeyConfig,
    usage: &LastUse,
    dates: Option<&SecretDates>,
    now: i64,
    by_fingerprint: &BTreeMap<&str, Vec<&str>>,
) -> InventoryKey {
    // Logs may name the key by its ID or by its fingerprint.
    let (mut last, requests) = [Some(id), k.fingerprint.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|name| usage.keys.get(name))
        .fold((None::<i64>, 0u64), |(last, n), (t, c)| {
            (Some(last.map_or(*t, |l| l.max(*t))), n + c)
        });
    let mut last_used_from = last.map(|_| "audit");
    // Without audit logs, AWS's last read of the secret is the best sign of use there is.
    if let (false, Some(read)) = (usage.given, dates.and_then(|d| d.read)) {
        last = Some(read);
        last_used_from = Some("aws");
    }
    // The inventory's own date first; else when the manager's current value was written.
    let (created, created_from) = match (k.created, dates) {
        (Some(c), _) => (Some(c), Some("inventory")),
        (None, Some(d)) => match d.changed.or(d.created) {
            Some(c) => (Some(c), Some(d.manager)),
            None => (None, None),
        },
        (None, None) => (None, None),
    };
    let mode = mode_of(id, k);
    let revoked = k.revoked_at.is_some_and(|t| t <= now);
    let mut flags = Vec::new();
    let mut flag = |kind: FlagKind, message: String| {
        flags.push(Flag {
            kind,
            message,
            fix: kind.fix(),
        });
    };
    if !revoked {
        match last {
            Some(t) if days_between(t, now) >= UNUSED_DAYS => flag(
                FlagKind::Unused,
                format!(
                    "{} {} days ago ({}), {UNUSED_DAYS} or more",
                    if last_used_from == Some("aws") {
                        "its secret was last read (AWS LastAccessedDate)"
                    } else {
                        "last used"
                    },
                    days_between(t, now),
                    rfc3339(t)
                ),
            ),
            None if usage.given
                && usage
                    .span
                    .is_some_and(|(from, _)| from <= now - UNUSED_DAYS * DAY)
                && created.map_or(true, |c| c <= now - UNUSED_DAYS * DAY) =>
            {
                flag(
                    FlagKind::Unused,
                    format!(
                        "not used in the audit logs given, which cover {UNUSED_DAYS} days or more"
                    ),
                );
            }
            _ => {}
        }
        if let Some(c) = created {
            let age = days_between(c, now);
            if age > ROTATE_DAYS {
                let how = match created_from {
                    Some("inventory") | None => "created",
                    Some(_) => "its current value was written to the secrets manager",
                };
                flag(
                    FlagKind::Old,
                    format!(
                        "{how} {age} days ago ({}), more than {ROTATE_DAYS}",
                        rfc3339(c)
                    ),
                );
            }
        }
        if k.owner.is_none() {
            flag(FlagKind::NoOwner, "no owner".to_owned());
        }
        if mode == Some(Mode::Live) {
            let elsewhere: Vec<&str> = k
                .environments
                .iter()
                .filter(|e| generic_value(e).is_some_and(|v| v != Environment::Production))
                .map(String::as_str)
                .collect();
            if !elsewhere.is_empty() {
                flag(
                    FlagKind::LiveOutsideProduction,
                    format!(
                        "a live key assigned to {} (not production)",
                        elsewhere.join(", ")
                    ),
                );
            }
        }
        if let Some(fp) = &k.fingerprint {
            let others: Vec<&str> = by_fingerprint
                .get(fp.as_str())
                .into_iter()
                .flatten()
                .copied()
                .filter(|o| *o != id)
                .collect();
            if !others.is_empty() {
                flag(
                    FlagKind::SharedKey,
                    format!(
                        "the same key ({fp}) is also listed as {}",
                        others.join(", ")
                    ),
                );
            }
        }
    }
    flags.sort_by_key(|f| f.kind);
    InventoryKey {
        id: id.to_owned(),
        name: k.name.clone(),
        mode,
        purpose: k.purpose.clone(),
        access: k.access.map(|a| a.as_str().to_owned()),
        environments: k.environments.clone(),
        owner: k.owner.clone(),
        created: created.map(rfc3339),
        age_days: created.map(|c| days_between(c, now)),
        last_used: last.map(rfc3339),
        last_used_days: last.map(|t| days_between(t, now)),
        requests,
        fingerprint: k.fingerprint.clone(),
        revoked_at: k.revoked_at.map(rfc3339),
        revoked,
        flags,
        created_from: created_from.map(str::to_owned),
        last_used_from: last_used_from.map(str::to_owned),
        source: k.source.clone(),
        manager: None,
    }
}

/// The inventory's view of a manager's answer.
fn manager_entry(answer: &Result<SecretDates, String>) -> ManagerEntry {
    match answer {
        Ok(d) => ManagerEntry {
            manager: Some(d.manager.to_owned()),
            created: d.created.map(rfc3339),
            changed: d.changed.map(rfc3339),
            rotated: d.rotated.map(rfc3339),
            read: d.read.map(rfc3339),
            version: d.version.clone(),
            error: None,
        },
        Err(e) => ManagerEntry {
            manager: None,
            created: None,
            changed: None,
            rotated: None,
            read: None,
            version: None,
            error: Some(e.clone()),
        },
    }
}

/// Unix seconds as `2026-01-29T10:30:00Z`.
pub(crate) fn rfc3339(unix_secs: i64) -> String {
    let mut s =
        crate::audit::Timestamp::from_unix_millis(unix_secs.saturating_mul(1000)).to_string();
    if s.ends_with(".000Z") {
        s.replace_range(s.len() - 5..s.len() - 1, "");
    }
    s
}

/// Whole days from `then` to `now` (negative when `then` is in the future).
pub(crate) fn days_between(then: i64, now: i64) -> i64 {
    now.saturating_sub(then).div_euclid(DAY)
}
