//! The security checklist behind `pictify-keys doctor`, as pure rules over collected facts.
//!
//! The command gathers [`ProjectFacts`] (which `.env` files exist, whether git tracks or
//! ignores them, which keys they hold, the hard-coded keys a scan found, the current
//! environment's check and the key sources); [`diagnose_project`] turns them into one
//! [`CheckResult`] per checklist item, each `pass`, `warn` or `fail` with a one-line fix.
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

use crate::check::{CheckReport, Verdict};
use crate::env::{detect_environment, Detection, EnvLookup, Environment};
use crate::key::Mode;
use crate::source::ShadowedKey;

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

impl Default for ProjectFacts {
    fn default() -> Self {
        Self {
            git: true,
            env_files: Vec::new(),
            hardcoded: Vec::new(),
            scan_errors: 0,
            current: None,
            sources: None,
        }
    }
}

/// One checklist item's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CheckResult {
    /// A stable id: `env_files_ignored`, `no_hardcoded_keys`, `live_test_separation`,
    /// `environment_policy`, `key_sources`.
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
    pub checks: Vec<CheckResult>,
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

/// Files meant to be committed as documentation of the variables (`.env.example`).
pub fn is_template_env_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".example", ".sample", ".template", ".dist", ".defaults"]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Whether a file name is an environment file (`.env`, `.env.production`, `prod.env`).
pub fn is_env_file(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// The environment for the variables of an env file named `name`: its own variables decide
/// first (as [`detect_environment`] reads them), then its name ([`env_file_environment`]),
/// recorded as the "variable" `file name` with the name as its value. This is how `check
/// --env-file` and doctor agree on `.env.production`.
pub fn detect_env_file_environment(vars: &(impl EnvLookup + ?Sized), name: &str) -> Detection {
    let detected = detect_environment(vars);
    if detected.environment != Environment::Unknown {
        return detected;
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match env_file_environment(base) {
        Environment::Unknown => detected,
        environment => Detection {
            environment,
            variable: Some("file name".to_owned()),
            value: Some(base.to_owned()),
        },
    }
}

/// The environment an env file is for, from its name: `.env.production` / `.env.prod` →
/// production, `.env.development` / `.env.dev` / `.env.local` → development, `.env.test`,
/// `.env.staging` / `.env.stage`; plain `.env` → unknown.
pub fn env_file_environment(name: &str) -> Environment {
    let lower = name.to_ascii_lowercase();
    let parts: Vec<&str> = lower
        .split(['.', '-', '_'])
        .filter(|p| !p.is_empty() && *p != "env")
        .collect();
    let mut found = Environment::Unknown;
    for p in parts {
        let env = match p {
            "production" | "prod" => Environment::Production,
            "staging" | "stage" | "preview" => Environment::Staging,
            "development" | "dev" | "local" => Environment::Development,
            "test" | "testing" | "ci" => Environment::Test,
            _ => continue,
        };
        // `.env.production.local` is production: the first named environment wins.
        if found == Environment::Unknown {
            found = env;
        }
    }
    found
}

/// Runs every checklist item over `facts`.
pub fn diagnose_project(facts: &ProjectFacts) -> DoctorReport {
    DoctorReport {
        checks: vec![
            env_files_ignored(facts),
            no_hardcoded_keys(facts),
            live_test_separation(facts),
            environment_policy(facts),
            key_sources(facts),
        ],
    }
}

fn result(
    id: &'static str,
    title: &'static str,
    status: Status,
    details: Vec<String>,
    fix: Option<String>,
) -> CheckResult {
    CheckResult {
        id,
        title,
        status,
        details,
        fix: if status == Status::Pass { None } else { fix },
    }
}

fn env_files_ignored(facts: &ProjectFacts) -> CheckResult {
    const ID: &str = "env_files_ignored";
    const TITLE: &str = ".env files are ignored by git and not tracked";
    let secret_files: Vec<&EnvFileFacts> = facts
        .env_files
        .iter()
        .filter(|f| !is_template_env_file(&f.path) || !f.keys.is_empty())
        .collect();
    if !facts.git {
        return result(
            ID,
            TITLE,
            Status::Warn,
            vec!["not a git repository: cannot tell what would be committed".into()],
            Some("run doctor inside the project's git work tree".into()),
        );
    }
    let tracked: Vec<&&EnvFileFacts> = secret_files.iter().filter(|f| f.tracked).collect();
    if !tracked.is_empty() {
        let names: Vec<String> = tracked.iter().map(|f| f.path.clone()).collect();
        return result(
            ID,
            TITLE,
            Status::Fail,
            names
                .iter()
                .map(|n| format!("{n} is tracked by git"))
                .collect(),
            Some(format!(
                "git rm --cached {} && printf '.env*\\n!.env.example\\n' >> .gitignore; rotate any key it held",
                names.join(" ")
            )),
        );
    }
    let exposed: Vec<String> = secret_files
        .iter()
        .filter(|f| !f.ignored && !is_template_env_file(&f.path))
        .map(|f| f.path.clone())
        .collect();
    if !exposed.is_empty() {
        return result(
            ID,
            TITLE,
            Status::Warn,
            exposed
                .iter()
                .map(|n| format!("{n} is not ignored: `git add .` would commit it"))
                .collect(),
            Some("add `.env*` (and `!.env.example`) to .gitignore".into()),
        );
    }
    let n = secret_files.len();
    result(
        ID,
        TITLE,
        Status::Pass,
        vec![format!("{n} env file(s), all ignored and untracked")],
        None,
    )
}

fn no_hardcoded_keys(facts: &ProjectFacts) -> CheckResult {
    const ID: &str = "no_hardcoded_keys";
    const TITLE: &str = "no hard-coded keys in the source";
    if !facts.hardcoded.is_empty() {
        let details = facts
            .hardcoded
            .iter()
            .map(|h| format!("{}:{}: {}", h.path, h.line, h.fingerprint))
            .collect();
        return result(
            ID,
            TITLE,
            Status::Fail,
            details,
            Some("move the key to PICTIFY_API_KEY (environment or an ignored .env), revoke it, and run `pictify-keys scan`".into()),
        );
    }
    if facts.scan_errors > 0 {
        return result(
            ID,
            TITLE,
            Status::Warn,
            vec![format!("{} file(s) could not be read", facts.scan_errors)],
            Some("check the file permissions and run `pictify-keys scan`".into()),
        );
    }
    result(
        ID,
        TITLE,
        Status::Pass,
        vec!["no real key outside environment files".into()],
        None,
    )
}

fn live_test_separation(facts: &ProjectFacts) -> CheckResult {
    const ID: &str = "live_test_separation";
    const TITLE: &str = "live and test keys kept apart across environment files";
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    for file in &facts.env_files {
        let env = env_file_environment(&file.path);
        for k in &file.keys {
            match (env, k.mode) {
                (
                    Environment::Development | Environment::Test | Environment::Staging,
                    Mode::Live,
                ) => {
                    fails.push(format!(
                        "{}: {} is a live key in a {env} file",
                        file.path, k.fingerprint
                    ));
                }
                (Environment::Production, Mode::Test) => {
                    fails.push(format!(
                        "{}: {} is a test key in a production file",
                        file.path, k.fingerprint
                    ));
                }
                (Environment::Unknown, Mode::Live) if !is_template_env_file(&file.path) => {
                    warns.push(format!(
                        "{}: {} is a live key in a file for no named environment",
                        file.path, k.fingerprint
                    ));
                }
                _ => {}
            }
        }
    }
    // The same key in files for different environments.
    for (i, a) in facts.env_files.iter().enumerate() {
        for b in &facts.env_files[i + 1..] {
            let (ea, eb) = (env_file_environment(&a.path), env_file_environment(&b.path));
            if ea == eb {
                continue;
            }
            for ka in &a.keys {
                if b.keys.iter().any(|kb| kb.hash == ka.hash) {
                    fails.push(format!(
                        "{} is used in both {} and {}",
                        ka.fingerprint, a.path, b.path
                    ));
                }
            }
        }
    }
    if !fails.is_empty() {
        return result(
            ID,
            TITLE,
            Status::Fail,
            fails,
            Some("use a pk_live_ key only in .env.production and a separate pk_test_ key everywhere else".into()),
        );
    }
    if !warns.is_empty() {
        return result(
            ID,
            TITLE,
            Status::Warn,
            warns,
            Some(
                "keep live keys in .env.production (or the platform's secret store), test keys in .env.development"
                    .into(),
            ),
        );
    }
    let n: usize = facts.env_files.iter().map(|f| f.keys.len()).sum();
    result(
        ID,
        TITLE,
        Status::Pass,
        vec![format!(
            "{n} key(s) in env files, each in a file of its mode"
        )],
        None,
    )
}

fn environment_policy(facts: &ProjectFacts) -> CheckResult {
    const ID: &str = "environment_policy";
    const TITLE: &str = "the current environment's key passes the environment policy";
    let Some(report) = &facts.current else {
        return result(
            ID,
            TITLE,
            Status::Warn,
            vec!["not checked".into()],
            Some("run `pictify-keys check`".into()),
        );
    };
    if report.keys.is_empty() && report.unresolved.is_empty() {
        return result(
            ID,
            TITLE,
            Status::Warn,
            vec![format!(
                "no key is set in this environment ({})",
                report.detection.environment
            )],
            Some("set PICTIFY_API_KEY (in the environment or an ignored .env)".into()),
        );
    }
    let env = report.detection.environment;
    let mut status = Status::Pass;
    let mut details = Vec::new();
    let mut fix = None;
    for k in &report.keys {
        let shown = k
            .fingerprint
            .as_ref()
            .map_or_else(|| k.origin.clone(), |fp| format!("{} {fp}", k.origin));
        let (s, note) = match &k.verdict {
            Verdict::Allowed => (Status::Pass, format!("{shown}: allowed in {env}")),
            Verdict::AllowedWithWarning(w) => (
                Status::Warn,
                format!("{shown}: {} ({})", w.message(), w.code()),
            ),
            Verdict::Refused(e) => (Status::Fail, format!("{shown}: {} ({})", e, e.code())),
            Verdict::Malformed(e) => (Status::Fail, format!("{shown}: {} ({})", e, e.code())),
        };
        if s > status {
            status = s;
            fix = Some(match &k.verdict {
                Verdict::AllowedWithWarning(_) => "set PICTIFY_ENV (or NODE_ENV) so the key can be checked".to_owned(),
                Verdict::Refused(_) => match k.mode {
                    Some(Mode::Live) => "use a pk_test_ key outside production".to_owned(),
                    _ => "use a pk_live_ key in production".to_owned(),
                },
                _ => {
                    "copy the key again from the Pictify dashboard (`pictify-keys check` explains the error)".to_owned()
                }
            });
        }
        details.push(note);
    }
    // A secret reference that could not be resolved (not found, access denied, …).
    for e in &report.unresolved {
        details.push(format!("{} ({})", e, e.code()));
        if status < Status::Fail {
            status = Status::Fail;
            fix = Some(
                "fix the secret reference or the manager's settings (`pictify-keys check` explains the error)"
                    .to_owned(),
            );
        }
    }
    result(ID, TITLE, status, details, fix)
}

fn key_sources(facts: &ProjectFacts) -> CheckResult {
    const ID: &str = "key_sources";
    const TITLE: &str = "the key sources resolve without shadowing";
    match &facts.sources {
        None => result(
            ID,
            TITLE,
            Status::Warn,
            vec!["not checked".into()],
            Some("run doctor in the project root".into()),
        ),
        Some(SourcesFact::NoKey) => result(
            ID,
            TITLE,
            Status::Warn,
            vec!["no source holds a key".into()],
            Some("set PICTIFY_API_KEY (in the environment or an ignored .env)".into()),
        ),
        Some(SourcesFact::Broken { code, message }) => result(
            ID,
            TITLE,
            Status::Fail,
            vec![format!("{message} ({code})")],
            Some("fix the source named above; `pictify-keys check` explains key errors".into()),
        ),
        Some(SourcesFact::Resolved { source, shadowed }) if !shadowed.is_empty() => result(
            ID,
            TITLE,
            Status::Warn,
            shadowed
                .iter()
                .map(|s| format!("{s} ({})", s.code()))
                .collect(),
            Some(format!(
                "remove the stale keys so that only {source} holds the key"
            )),
        ),
        Some(SourcesFact::Resolved { source, .. }) => result(
            ID,
            TITLE,
            Status::Pass,
            vec![format!("keys resolve from {source}")],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(variable: &str, mode: Mode, hash: &str) -> KeyFact {
        KeyFact {
            variable: variable.into(),
            mode,
            fingerprint: format!("{}****a1b2", mode.prefix()),
            hash: hash.into(),
        }
    }

    fn file(path: &str, keys: Vec<KeyFact>) -> EnvFileFacts {
        EnvFileFacts {
            path: path.into(),
            tracked: false,
            ignored: true,
            keys,
            error: None,
        }
    }

    fn status(facts: &ProjectFacts, id: &str) -> Status {
        diagnose_project(facts)
            .checks
            .into_iter()
            .find(|c| c.id == id)
            .unwrap()
            .status
    }

    #[test]
    fn env_file_names() {
        assert_eq!(
            env_file_environment(".env.production"),
            Environment::Production
        );
        assert_eq!(
            env_file_environment(".env.production.local"),
            Environment::Production
        );
        assert_eq!(env_file_environment(".env.local"), Environment::Development);
        assert_eq!(env_file_environment("staging.env"), Environment::Staging);
        assert_eq!(env_file_environment(".env"), Environment::Unknown);
        assert!(is_template_env_file(".env.example") && !is_template_env_file(".env"));
        assert!(is_env_file(".env.test") && is_env_file("prod.env") && !is_env_file("env.rs"));
    }

    #[test]
    fn tracked_and_unignored_env_files() {
        let mut facts = ProjectFacts {
            env_files: vec![file(".env", vec![])],
            ..ProjectFacts::default()
        };
        assert_eq!(status(&facts, "env_files_ignored"), Status::Pass);
        facts.env_files[0].ignored = false;
        assert_eq!(status(&facts, "env_files_ignored"), Status::Warn);
        facts.env_files[0].tracked = true;
        assert_eq!(status(&facts, "env_files_ignored"), Status::Fail);
        facts.env_files[0].path = ".env.example".into();
        assert_eq!(status(&facts, "env_files_ignored"), Status::Pass);
        facts.git = false;
        assert_eq!(status(&facts, "env_files_ignored"), Status::Warn);
    }

    #[test]
    fn separation_rules() {
        let mut facts = ProjectFacts {
            env_files: vec![
                file(
                    ".env.production",
                    vec![key("PICTIFY_API_KEY", Mode::Live, "aa")],
                ),
                file(
                    ".env.development",
                    vec![key("PICTIFY_API_KEY", Mode::Test, "bb")],
                ),
            ],
            ..ProjectFacts::default()
        };
        assert_eq!(status(&facts, "live_test_separation"), Status::Pass);
        facts.env_files[1].keys[0].hash = "aa".into();
        assert_eq!(status(&facts, "live_test_separation"), Status::Fail);
        facts.env_files[1].keys[0] = key("PICTIFY_API_KEY", Mode::Live, "cc");
        assert_eq!(status(&facts, "live_test_separation"), Status::Fail);
        facts.env_files[1] = file(".env", vec![key("PICTIFY_API_KEY", Mode::Live, "cc")]);
        assert_eq!(status(&facts, "live_test_separation"), Status::Warn);
    }

    #[test]
    fn hardcoded_and_exit() {
        let mut facts = ProjectFacts::default();
        assert_eq!(status(&facts, "no_hardcoded_keys"), Status::Pass);
        facts.hardcoded.push(HardcodedKey {
            path: "src/a.py".into(),
            line: 3,
            fingerprint: "pk_live_****a1b2".into(),
        });
        let report = diagnose_project(&facts);
        assert_eq!(report.checks[1].status, Status::Fail);
        assert_eq!(report.exit_status(), 1);
        assert_eq!(report.checks[1].details, ["src/a.py:3: pk_live_****a1b2"]);
    }
}
