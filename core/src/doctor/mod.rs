//! The security checklist behind `pictify-keys doctor`, as pure rules over collected facts.
//!
//! The command gathers [`ProjectFacts`] (which `.env` files exist, whether git tracks or
//! ignores them, which keys they hold, the hard-coded keys a scan found, the current
//! environment's check and the key sources); [`diagnose_project`] turns them into one
//! [`ChecklistItem`] per checklist item, each `pass`, `warn` or `fail` with a one-line fix.
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
    /// Something to look at; does not fail the command.
    Warn,
    /// The item is violated: fails the command.
    Fail,
}

impl Status {
    /// `pass`, `warn` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
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
}

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
}

impl Item {
    /// `.env` files are ignored by git and not tracked.
    pub const ENV_FILES_IGNORED: Self = Self {
        id: "env_files_ignored",
        title: ".env files are ignored by git and not tracked",
    };
    /// No real key outside environment files.
    pub const NO_HARDCODED_KEYS: Self = Self {
        id: "no_hardcoded_keys",
        title: "no hard-coded keys in the source",
    };
    /// Live keys only in production files, test keys elsewhere, no key shared across them.
    pub const LIVE_TEST_SEPARATION: Self = Self {
        id: "live_test_separation",
        title: "live and test keys kept apart across environment files",
    };
    /// The keys of the current environment pass the environment policy.
    pub const ENVIRONMENT_POLICY: Self = Self {
        id: "environment_policy",
        title: "the current environment's key passes the environment policy",
    };
    /// The key sources resolve, and no lower source holds a different key.
    pub const KEY_SOURCES: Self = Self {
        id: "key_sources",
        title: "the key sources resolve without shadowing",
    };
    /// Every item, in checklist order.
    pub const ALL: [Self; 5] = [
        Self::ENV_FILES_IGNORED,
        Self::NO_HARDCODED_KEYS,
        Self::LIVE_TEST_SEPARATION,
        Self::ENVIRONMENT_POLICY,
        Self::KEY_SOURCES,
    ];

    /// This item's result; a fix is kept only when the item does not pass.
    fn result(self, status: Status, details: Vec<String>, fix: Option<String>) -> ChecklistItem {
        ChecklistItem {
            id: self.id,
            title: self.title,
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
}

/// One checklist item's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ChecklistItem {
    /// The [`Item`]'s stable id: `env_files_ignored`, `no_hardcoded_keys`,
    /// `live_test_separation`, `environment_policy`, `key_sources`.
    pub id: &'static str,
    /// The checklist item in words.
    pub title: &'static str,
    /// Pass, warn or fail.
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

impl DoctorReport {
    /// The worst status of all items.
    pub fn worst(&self) -> Status {
        self.checks
            .iter()
            .map(|c| c.status)
            .max()
            .unwrap_or(Status::Pass)
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
        ],
    }
}
