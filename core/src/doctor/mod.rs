//! The security checklist behind `pictify-keys doctor`, as pure rules over collected facts.
//!
//! The command gathers [`ProjectFacts`] (which `.env` files exist, whether git tracks or
//! ignores them, which keys they hold, the hard-coded keys a scan found, the current
//! environment's check and the key sources, the key inventory and the audit logs that feed
//! the monitor, the incident-response plan); [`diagnose_project`] turns them into one
//! [`ChecklistItem`] per check, each `pass`, `warn`, `fail` or `manual` with a one-line fix,
//! grouped under the eight items of Pictify's security checklist ([`GUIDANCE`]).
//! Nothing here reads a file or runs git, so the same rules can be tested on plain data.
//!
//! ```
//! use pictify_keys::doctor::{diagnose_project, EnvFileFacts, KeyFact, ProjectFacts, Status};
//! use pictify_keys::Mode;
//!
//! let facts = ProjectFacts {
//!     git: true,
//!     env_files: vec![EnvFileFacts {
//!         path: ".env.development".into(),
//!         tracked: false,
//!         ignored: true,
//!         keys: vec![KeyFact { variable: "PICTIFY_API_KEY".into(), mode: Mode::Live, fingerprint: "pk_live_****a1b2".into(), hash: "0011223344556677".into() }],
//!         error: None,
//!     }],
//!     ..ProjectFacts::default()
//! };
//! let report = diagnose_project(&facts);
//! let separation = report.checks.iter().find(|c| c.id == "live_test_separation").unwrap();
//! assert_eq!(separation.status, Status::Fail);
//! ```

use std::fmt;

use crate::check::CheckReport;
use crate::key::Mode;
use crate::source::ShadowedKey;

mod checklist;
mod env_files;
mod items;
#[cfg(test)]
mod tests;

pub use env_files::{
    detect_env_file_environment, env_file_environment, is_env_file, is_template_env_file,
};

/// The outcome of one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Status {
    /// The item holds.
    Pass,
    /// Cannot be checked from the project: the details say what to check by hand (in the
    /// Pictify dashboard); does not fail the command.
    Manual,
    /// Something to look at; does not fail the command.
    Warn,
    /// The item is violated: fails the command.
    Fail,
}

impl Status {
    /// `pass`, `manual`, `warn` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Manual => "manual",
            Self::Warn => "warn",
            Self::Fail => "fail",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One key found in an environment file (fingerprint and hash only, never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFact {
    /// The variable that holds it.
    pub variable: String,
    /// Live or test.
    pub mode: Mode,
    /// `pk_live_****a1b2`.
    pub fingerprint: String,
    /// The allow-list hash (see `scan::Finding::hash`), to tell equal keys apart from
    /// keys that merely share their last four characters.
    pub hash: String,
}

/// What is known about one `.env*` file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFileFacts {
    /// Path relative to the project root, e.g. `.env.production`.
    pub path: String,
    /// Whether git tracks it (it is committed or staged).
    pub tracked: bool,
    /// Whether `.gitignore` (or another git exclude) ignores it.
    pub ignored: bool,
    /// The well-formed keys it sets.
    pub keys: Vec<KeyFact>,
    /// Why it could not be read or parsed, if so.
    pub error: Option<String>,
}

/// A hard-coded key found outside environment files (a blocking scan finding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HardcodedKey {
    /// Path relative to the project root.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// `pk_live_****a1b2`.
    pub fingerprint: String,
}

/// The key sources as loaded for the current environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourcesFact {
    /// Keys resolved from this source; lower sources hold these different keys.
    Resolved {
        /// The source whose keys are used, e.g. `env` or `env-file:.env`.
        source: String,
        /// Keys in lower-priority sources that differ from those used.
        shadowed: Vec<ShadowedKey>,
    },
    /// No source holds a key.
    NoKey,
    /// A source failed (unreadable file, malformed key): its code and message.
    Broken {
        /// The stable error code.
        code: String,
        /// The message.
        message: String,
    },
}

/// Everything the checklist looks at, gathered by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFacts {
    /// Whether the directory is inside a git work tree.
    pub git: bool,
    /// The `.env*` files of the project root.
    pub env_files: Vec<EnvFileFacts>,
    /// Real keys the scan found outside environment files, not allowed.
    pub hardcoded: Vec<HardcodedKey>,
    /// Whether the scan of the source could not read some files.
    pub scan_errors: u64,
    /// The `check` of the current environment's keys, if it ran.
    pub current: Option<CheckReport>,
    /// The key sources.
    pub sources: Option<SourcesFact>,
    /// The project's configuration (key inventory, monitor rules) and the audit logs that
    /// feed it; `None` when the project has no configuration.
    pub monitoring: Option<MonitoringFacts>,
    /// The incident-response plan found, if any.
    pub incident_plan: Option<IncidentPlanFact>,
}

/// The project's configuration (the TOML the monitor reads) and what it was fed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MonitoringFacts {
    /// The configuration file, as found (`pictify-keys.toml`).
    pub config: String,
    /// Why the configuration was refused (`[code] message`, never a secret), if it was.
    pub error: Option<String>,
    /// Keys the configuration lists.
    pub keys: usize,
    /// Per-key alert rules it sets (allowed networks, business hours, revocation times) and
    /// production networks.
    pub rules: usize,
    /// Audit logs read (given on the command line or listed in `audit_logs`).
    pub audit_logs: Vec<String>,
    /// Audit logs that could not be read (`path: reason`).
    pub audit_errors: Vec<String>,
    /// Events found in them.
    pub events: u64,
    /// The key inventory judged now, when the configuration was read.
    pub inventory: Option<crate::inventory::Inventory>,
}

/// An incident-response plan found in the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentPlanFact {
    /// Its path relative to the project root.
    pub path: String,
    /// Places still to fill in (the template's [`FILL_IN`] markers).
    pub unfilled: usize,
}

/// The marker the incident-response template leaves where the project must fill in its own
/// facts (contacts, dashboard owners); doctor counts them.
pub const FILL_IN: &str = "[fill in:";

/// The eight items of Pictify's security checklist, by number, in words.
pub const GUIDANCE: [&str; 8] = [
    "keys come from environment variables or a secrets manager",
    ".env files are excluded from git",
    "production and development use separate keys",
    "keys are rotated at least every 365 days",
    "unused keys are revoked",
    "key usage is monitored",
    "access to key creation is restricted",
    "an incident-response plan is in place",
];

/// No facts: not a git repository, no files, nothing checked.
impl Default for ProjectFacts {
    fn default() -> Self {
        Self {
            git: false,
            env_files: Vec::new(),
            hardcoded: Vec::new(),
            scan_errors: 0,
            current: None,
            sources: None,
            monitoring: None,
            incident_plan: None,
        }
    }
}

/// A checklist item: its stable id and what it checks, in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Item {
    /// The stable id.
    pub id: &'static str,
    /// The checklist item in words.
    pub title: &'static str,
    /// The number (1 to 8) of the [`GUIDANCE`] item it checks.
    pub guidance: u8,
}

impl Item {
    /// `.env` files are ignored by git and not tracked.
    pub const ENV_FILES_IGNORED: Self = Self {
        id: "env_files_ignored",
        title: ".env files are ignored by git and not tracked",
        guidance: 2,
    };
    /// No real key outside environment files.
    pub const NO_HARDCODED_KEYS: Self = Self {
        id: "no_hardcoded_keys",
        title: "no hard-coded keys in the source",
        guidance: 1,
    };
    /// Live keys only in production files, test keys elsewhere, no key shared across them.
    pub const LIVE_TEST_SEPARATION: Self = Self {
        id: "live_test_separation",
        title: "live and test keys kept apart across environment files",
        guidance: 3,
    };
    /// The keys of the current environment pass the environment policy.
    pub const ENVIRONMENT_POLICY: Self = Self {
        id: "environment_policy",
        title: "the current environment's key passes the environment policy",
        guidance: 3,
    };
    /// The key sources resolve, and no lower source holds a different key.
    pub const KEY_SOURCES: Self = Self {
        id: "key_sources",
        title: "the key sources resolve without shadowing",
        guidance: 1,
    };
    /// Every active key was created within 365 days (the inventory's `created`).
    pub const KEY_ROTATION: Self = Self {
        id: "key_rotation",
        title: "every key was created (rotated) within 365 days",
        guidance: 4,
    };
    /// No active key unused for 90 days (inventory and audit-log last use).
    pub const UNUSED_KEYS: Self = Self {
        id: "unused_keys",
        title: "no key left active after 90 days without use",
        guidance: 5,
    };
    /// A monitor configuration with alert rules exists and audit logs feed it.
    pub const USAGE_MONITORED: Self = Self {
        id: "usage_monitored",
        title: "a monitor configuration with alert rules is fed with audit logs",
        guidance: 6,
    };
    /// Who may create keys is restricted in the dashboard: a manual check.
    pub const KEY_CREATION_ACCESS: Self = Self {
        id: "key_creation_access",
        title: "only the people who need it can create or revoke keys",
        guidance: 7,
    };
    /// An incident-response plan is present and filled in.
    pub const INCIDENT_PLAN: Self = Self {
        id: "incident_plan",
        title: "an incident-response plan for a leaked key is present",
        guidance: 8,
    };
    /// Every item, in checklist order.
    pub const ALL: [Self; 10] = [
        Self::ENV_FILES_IGNORED,
        Self::NO_HARDCODED_KEYS,
        Self::LIVE_TEST_SEPARATION,
        Self::ENVIRONMENT_POLICY,
        Self::KEY_SOURCES,
        Self::KEY_ROTATION,
        Self::UNUSED_KEYS,
        Self::USAGE_MONITORED,
        Self::KEY_CREATION_ACCESS,
        Self::INCIDENT_PLAN,
    ];

    /// This item's result; a fix is kept only when the item does not pass.
    fn result(self, status: Status, details: Vec<String>, fix: Option<String>) -> ChecklistItem {
        ChecklistItem {
            id: self.id,
            title: self.title,
            guidance: self.guidance,
            status,
            details,
            fix: if status == Status::Pass { None } else { fix },
        }
    }

    fn pass(self, detail: impl Into<String>) -> ChecklistItem {
        self.result(Status::Pass, vec![detail.into()], None)
    }

    fn warn(self, details: Vec<String>, fix: impl Into<String>) -> ChecklistItem {
        self.result(Status::Warn, details, Some(fix.into()))
    }

    fn fail(self, details: Vec<String>, fix: impl Into<String>) -> ChecklistItem {
        self.result(Status::Fail, details, Some(fix.into()))
    }

    fn manual(self, details: Vec<String>, fix: impl Into<String>) -> ChecklistItem {
        self.result(Status::Manual, details, Some(fix.into()))
    }
}

/// One checklist item's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChecklistItem {
    /// The [`Item`]'s stable id: `env_files_ignored`, `no_hardcoded_keys`,
    /// `live_test_separation`, `environment_policy`, `key_sources`, `key_rotation`,
    /// `unused_keys`, `usage_monitored`, `key_creation_access`, `incident_plan`.
    pub id: &'static str,
    /// The checklist item in words.
    pub title: &'static str,
    /// The number (1 to 8) of the [`GUIDANCE`] item it checks.
    pub guidance: u8,
    /// Pass, manual, warn or fail.
    pub status: Status,
    /// What was found (fingerprints and paths, never secrets).
    pub details: Vec<String>,
    /// A one-line fix, when not passing.
    pub fix: Option<String>,
}

/// The whole checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DoctorReport {
    /// One result per item, in checklist order.
    pub checks: Vec<ChecklistItem>,
}

/// One item of Pictify's checklist ([`GUIDANCE`]) with the checks behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct GuidanceItem {
    /// 1 to 8.
    pub number: u8,
    /// The item in words.
    pub title: &'static str,
    /// The worst status of its checks (manual only when every check is manual).
    pub status: Status,
    /// The ids of its checks.
    pub checks: Vec<&'static str>,
}

/// The worst of `statuses`, a manual check counting as a pass unless all are manual.
fn worst_of(statuses: impl Iterator<Item = Status> + Clone) -> Status {
    let real = statuses.clone().filter(|s| *s != Status::Manual).max();
    match real {
        Some(s) => s,
        None if statuses.clone().next().is_some() => Status::Manual,
        None => Status::Pass,
    }
}

impl DoctorReport {
    /// The worst status of all items (a manual check does not lower a passing report).
    pub fn worst(&self) -> Status {
        match worst_of(self.checks.iter().map(|c| c.status)) {
            Status::Manual => Status::Pass,
            s => s,
        }
    }

    /// The eight checklist items, each with its checks and their worst status.
    pub fn guidance(&self) -> Vec<GuidanceItem> {
        (1u8..=8)
            .zip(GUIDANCE)
            .map(|(number, title)| {
                let checks = self.checks.iter().filter(|c| c.guidance == number);
                GuidanceItem {
                    number,
                    title,
                    status: worst_of(checks.clone().map(|c| c.status)),
                    checks: checks.map(|c| c.id).collect(),
                }
            })
            .collect()
    }

    /// 1 when an item fails, else 0 (warnings do not fail).
    pub fn exit_status(&self) -> u8 {
        u8::from(self.worst() == Status::Fail)
    }
}

/// Runs every checklist item over `facts`.
pub fn diagnose_project(facts: &ProjectFacts) -> DoctorReport {
    DoctorReport {
        checks: vec![
            items::env_files_ignored(facts),
            items::no_hardcoded_keys(facts),
            items::live_test_separation(facts),
            items::environment_policy(facts),
            items::key_sources(facts),
            checklist::key_rotation(facts),
            checklist::unused_keys(facts),
            checklist::usage_monitored(facts),
            checklist::key_creation_access(),
            checklist::incident_plan(facts),
        ],
    }
}
