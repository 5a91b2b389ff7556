//! The key inventory: every key the project's configuration lists (by public ID, never the
//! secret), with its age and last use, and the flags Pictify's guidance asks for.
//!
//! The inventory is the monitor's configuration file (`[keys.key_abc123]` tables with
//! `name`, `mode`, `purpose`, `access`, `environments`, `owner`, `created`, `fingerprint`);
//! last use comes from audit logs ([`LastUse`], filled from the monitor's report). The clock
//! is an input (`now`), so the same facts give the same inventory.
//!
//! Flags ([`FlagKind`]): unused for [`UNUSED_DAYS`] days, older than [`ROTATE_DAYS`] days,
//! no owner, a live key assigned to a non-production environment, one key under two IDs
//! (two purposes sharing a key). A revoked key (its `revoked_at` is past) is listed but not
//! flagged: there is nothing left to do with it.
//!
//! ```
//! # #[cfg(feature = "monitor")] {
//! use pictify_keys::inventory::{FlagKind, Inventory, LastUse};
//! use pictify_keys::monitor::{parse_timestamp, Config};
//!
//! let config = Config::parse(r#"
//! [keys.key_render]
//! name = "render worker"
//! mode = "live"
//! environments = ["staging"]
//! created = 2024-01-05
//! "#)?;
//! let now = parse_timestamp("2026-01-05T00:00:00Z").unwrap();
//! let inventory = Inventory::build(&config, &LastUse::default(), now);
//! let flags: Vec<FlagKind> = inventory.keys[0].flags.iter().map(|f| f.kind).collect();
//! assert_eq!(flags, [FlagKind::Old, FlagKind::NoOwner, FlagKind::LiveOutsideProduction]);
//! assert_eq!(inventory.keys[0].age_days, Some(731));
//! # }
//! # Ok::<(), pictify_keys::monitor::ConfigError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;

use crate::key::Mode;

#[cfg(feature = "monitor")]
mod build;
#[cfg(feature = "monitor")]
pub(crate) use build::mode_of;
#[cfg(all(test, feature = "monitor"))]
mod tests;

/// A key not used for this many days should be revoked.
pub const UNUSED_DAYS: i64 = 90;
/// A key older than this many days should be rotated.
pub const ROTATE_DAYS: i64 = 365;

/// What a flag is about. Each has a stable [`code`](FlagKind::code).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum FlagKind {
    /// No use for [`UNUSED_DAYS`] days (or none in audit logs that cover that long): revoke
    /// the key in the dashboard, or say why it is kept.
    Unused,
    /// Created more than [`ROTATE_DAYS`] days ago: rotate it (create a new key, deploy it,
    /// revoke this one).
    Old,
    /// Nobody is named as answerable for the key: set `owner`.
    NoOwner,
    /// A live key assigned to a non-production environment: give that environment a test
    /// key of its own.
    LiveOutsideProduction,
    /// One key (one fingerprint) listed under two IDs, i.e. shared by two purposes: create
    /// one key per purpose.
    SharedKey,
}

impl FlagKind {
    /// `unused`, `old`, `no_owner`, `live_outside_production` or `shared_key`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Unused => "unused",
            Self::Old => "old",
            Self::NoOwner => "no_owner",
            Self::LiveOutsideProduction => "live_outside_production",
            Self::SharedKey => "shared_key",
        }
    }

    /// A one-line fix.
    pub fn fix(self) -> &'static str {
        match self {
            Self::Unused => "revoke the key in the Pictify dashboard (or note why it is kept)",
            Self::Old => "rotate: create a new key, deploy it as PICTIFY_API_KEY_NEW, then revoke this one",
            Self::NoOwner => "set `owner` (a person or team) for the key in the configuration",
            Self::LiveOutsideProduction => {
                "give that environment a pk_test_ key of its own and keep the live key in production"
            }
            Self::SharedKey => "create one key per purpose, with the least access each needs",
        }
    }
}

impl fmt::Display for FlagKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One flag on a key: what and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Flag {
    /// What the flag is about.
    #[cfg_attr(feature = "serde", serde(rename = "code"))]
    pub kind: FlagKind,
    /// The facts behind it, for people (IDs, days, environments; never a secret).
    pub message: String,
    /// A one-line fix.
    pub fix: &'static str,
}

/// One key of the inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct InventoryKey {
    /// The public key ID (`key_abc123`) or fingerprint the configuration lists it under.
    pub id: String,
    /// A name for people.
    pub name: Option<String>,
    /// Live or test: `mode`, else the fingerprint's prefix.
    pub mode: Option<Mode>,
    /// What it is for.
    pub purpose: Option<String>,
    /// `full`, `test` or `read-only`.
    pub access: Option<String>,
    /// Environments it is assigned to.
    pub environments: Vec<String>,
    /// Who answers for it.
    pub owner: Option<String>,
    /// When it was created (RFC 3339 UTC).
    pub created: Option<String>,
    /// Whole days since creation.
    pub age_days: Option<i64>,
    /// Its last use in the audit logs given (RFC 3339 UTC); `None` when not seen or when no
    /// log was given (see [`Inventory::logs`]).
    pub last_used: Option<String>,
    /// Whole days since the last use.
    pub last_used_days: Option<i64>,
    /// Requests in the audit logs given.
    pub requests: u64,
    /// The fingerprint linking the ID to a key.
    pub fingerprint: Option<String>,
    /// When it was revoked (RFC 3339 UTC), if the configuration says so.
    pub revoked_at: Option<String>,
    /// Whether it is revoked at `now`.
    pub revoked: bool,
    /// What needs doing, in [`FlagKind`] order.
    pub flags: Vec<Flag>,
    /// Where `created` comes from: `inventory` (the configuration's `created`), or the
    /// secrets manager that keeps the key (`vault`, `aws`, `gcp`: when its current value was
    /// written); `None` when unknown.
    pub created_from: Option<String>,
    /// Where `last_used` comes from: `audit` (the logs given) or `aws` (the secret's last
    /// read, `LastAccessedDate`, when no audit log was given).
    pub last_used_from: Option<String>,
    /// The key's secrets-manager reference (`source`), if the configuration gives one.
    pub source: Option<String>,
    /// What the manager said about it (dates, or the error that stopped the lookup).
    pub manager: Option<ManagerEntry>,
}

/// A secrets manager's dates for one key, as the inventory shows them (RFC 3339 UTC).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ManagerEntry {
    /// `vault`, `aws` or `gcp` (`None` when the lookup failed).
    pub manager: Option<String>,
    /// When the secret was created.
    pub created: Option<String>,
    /// When its current value was written.
    pub changed: Option<String>,
    /// When the manager last rotated it (AWS).
    pub rotated: Option<String>,
    /// When it was last read (AWS, to the day).
    pub read: Option<String>,
    /// The version in use (Vault, Google).
    pub version: Option<String>,
    /// Why the dates could not be read (`[code] message`, never a secret); the other fields
    /// are then empty.
    pub error: Option<String>,
}

/// What secrets managers said about the keys whose configuration names a `source`, by key ID:
/// the dates, or the error (`[code] message`) that stopped the lookup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManagerDates {
    /// Per key ID.
    pub keys: BTreeMap<String, Result<crate::secrets::metadata::SecretDates, String>>,
}

/// What the audit logs given say about use: per key ID or fingerprint, the last use and the
/// request count, and the time the logs cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LastUse {
    /// Whether any audit log was read (so "not seen" means something).
    pub given: bool,
    /// Per key ID or fingerprint as the logs write it: (last use in Unix seconds, requests).
    pub keys: BTreeMap<String, (i64, u64)>,
    /// The earliest and latest event, Unix seconds.
    pub span: Option<(i64, i64)>,
}

impl LastUse {
    /// Records `requests` uses of `key_id`, the first at `first` and the last at `last`.
    pub fn record(&mut self, key_id: &str, first: i64, last: i64, requests: u64) {
        self.given = true;
        let entry = self.keys.entry(key_id.to_owned()).or_insert((last, 0));
        entry.0 = entry.0.max(last);
        entry.1 += requests;
        self.span = Some(match self.span {
            None => (first, last),
            Some((a, b)) => (a.min(first), b.max(last)),
        });
    }
}

/// The audit logs behind [`InventoryKey::last_used`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct LogsCovered {
    /// Whether any audit log was read.
    pub given: bool,
    /// The earliest event (RFC 3339 UTC).
    pub from: Option<String>,
    /// The latest event (RFC 3339 UTC).
    pub to: Option<String>,
}

/// The whole inventory.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Inventory {
    /// The time it was judged at (RFC 3339 UTC).
    pub now: String,
    /// Keys, by ID.
    pub keys: Vec<InventoryKey>,
    /// Keys used in the audit logs that the inventory does not list (IDs or fingerprints):
    /// add them, or find out who uses them.
    pub unlisted: Vec<String>,
    /// The audit logs behind last use.
    pub logs: LogsCovered,
}

impl Inventory {
    /// Flags of every key, in key order.
    pub fn flags(&self) -> impl Iterator<Item = (&InventoryKey, &Flag)> {
        self.keys
            .iter()
            .flat_map(|k| k.flags.iter().map(move |f| (k, f)))
    }

    /// 1 when a key is flagged or a used key is not listed, else 0 (as `audit` exits 1 on
    /// alerts and `doctor` on a failed item).
    pub fn exit_status(&self) -> u8 {
        u8::from(self.flags().next().is_some() || !self.unlisted.is_empty())
    }
}
