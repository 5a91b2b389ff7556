//! `pictify-keys doctor`: gathers facts about a project (env files, git status, a scan of
//! the source, the current environment's keys and their sources) and prints the verdicts
//! that `pictify_keys::doctor` gives for them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use clap::Args;
use pictify_keys::doctor::{
    diagnose_project, is_env_file, DoctorReport, EnvFileFacts, HardcodedKey, IncidentPlanFact,
    KeyFact, MonitoringFacts, ProjectFacts, SourcesFact, Status, FILL_IN,
};
use pictify_keys::inventory::{Inventory, LastUse};
use pictify_keys::scan::{key_hash, FileOutcome, Scanner};
use pictify_keys::secrets::CachingResolver;
use pictify_keys::source::{DotEnvFile, KeySource};
use pictify_keys::{
    check_keys_with, ApiKey, DotEnv, EnvLookup, Error, Policy, ProcessEnv, SourceChain,
};
use serde_json::json;

use crate::check::{env_file_warnings, EnvFileWarning};
use crate::report;

use crate::scan::load_allowlist;

/// Arguments of `pictify-keys doctor`.
#[derive(Args)]
pub struct DoctorArgs {
    /// The project directory (default: the current directory).
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,

    /// Treat fixtures (fake keys whose body starts with FAKE) found in the source as real
    /// keys, e.g. to try doctor on an example project.
    #[arg(long)]
    fixtures_as_real: bool,

    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,

    /// The project's configuration (key inventory and monitor rules); default:
    /// pictify-keys.toml or monitor.toml in DIR.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Audit logs (JSON lines, plain or gzip) for last use and monitoring; default: the
    /// configuration's `audit_logs`.
    #[arg(long, value_name = "LOG", num_args = 1..)]
    audit: Vec<PathBuf>,

    /// Judge key ages at this time instead of now (RFC 3339 UTC).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
}

/// The process environment first, then the project's `.env`.
struct Layered<'a> {
    dotenv: Option<&'a DotEnv>,
    /// The `.env` file's source name as the core's `DotEnvFile` gives it (`env-file:<path>`).
    dotenv_name: String,
}

impl Layered<'_> {
    /// Where `variable` was read from, in the core's provenance form: `env:VARIABLE` for the
    /// process environment, `env-file:<path>:VARIABLE` for the `.env` file.
    fn origin(&self, variable: &str) -> String {
        if ProcessEnv.get(variable).is_none() && self.dotenv.is_some() {
            format!("{}:{variable}", self.dotenv_name)
        } else {
            format!("env:{variable}")
        }
    }
}

impl EnvLookup for Layered<'_> {
    fn get(&self, name: &str) -> Option<String> {
        ProcessEnv
            .get(name)
            .or_else(|| self.dotenv.and_then(|d| d.get(name)))
    }
}

/// Gathers the facts, prints the report and returns the exit status (1 when an item fails).
pub fn run(args: &DoctorArgs) -> u8 {
    if !args.dir.is_dir() {
        let message = format!("{}: not a directory", args.dir.display());
        let error = report::command_error("not_a_directory", "input", &message);
        if args.json {
            println!("{}", json!({ "error": error, "exit": 2 }));
        }
        report::eprint(&error);
        return 2;
    }
    let now = match crate::keys::now(args.now.as_deref()) {
        Ok(t) => t,
        Err(f) => return f.report(args.json),
    };
    // Odd lines of the .env files (bare names, colon form): reported, never fatal.
    let mut warnings = Vec::new();
    let mut facts = gather(&args.dir, args.fixtures_as_real, &mut warnings);
    facts.monitoring = monitoring(args, now);
    facts.incident_plan = incident_plan(&args.dir);
    let report = diagnose_project(&facts);
    if args.json {
        let doc = json!({ "directory": args.dir.display().to_string(), "guidance": report.guidance(), "checks": report.checks, "env_file_warnings": warnings, "status": report.worst(), "exit": report.exit_status() });
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        print_text(&args.dir, &report);
        for w in &warnings {
            println!("warning[{}]: {}", w.code, w.message);
        }
    }
    report.exit_status()
}

fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Manual => "MANUAL",
        Status::Warn => "WARN",
        Status::Fail => "FAIL",
    }
}

/// The eight checklist items, each with its checks.
fn print_text(dir: &Path, report: &DoctorReport) {
    println!("pictify-keys doctor: {}", dir.display());
    for g in report.guidance() {
        println!("\n{}. {} [{}]", g.number, g.title, mark(g.status));
        for c in report.checks.iter().filter(|c| c.guidance == g.number) {
            println!("  {:<6} {}", mark(c.status), c.title);
            for d in &c.details {
                println!("         {d}");
            }
            if let Some(fix) = &c.fix {
                println!("         fix: {fix}");
            }
        }
    }
    let count = |s: Status| report.checks.iter().filter(|c| c.status == s).count();
    println!(
        "\n{} passed, {} warned, {} failed, {} to check by hand",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Manual)
    );
}

/// The configuration and the audit logs that feed it; `None` when there is no configuration.
fn monitoring(args: &DoctorArgs, now: i64) -> Option<MonitoringFacts> {
    let shown = |p: &Path| p.strip_prefix(&args.dir).unwrap_or(p).display().to_string();
    let (config, path) = match crate::keys::load_config(args.config.as_deref(), &args.dir) {
        Ok(None) => return None,
        Ok(Some(found)) => found,
        Err(f) => {
            let config = args
                .config
                .as_deref()
                .map_or_else(|| "configuration".to_owned(), shown);
            return Some(MonitoringFacts {
                config,
                error: Some(format!("[{}] {}", f.code, f.message)),
                ..MonitoringFacts::default()
            });
        }
    };
    let rules = config
        .keys
        .values()
        .map(|k| {
            usize::from(!k.allowed_networks.is_empty())
                + usize::from(k.business_hours.is_some())
                + usize::from(k.revoked_at.is_some())
        })
        .sum::<usize>()
        + usize::from(!config.production_networks.is_empty());
    let mut facts = MonitoringFacts {
        config: shown(&path),
        keys: config.keys.len(),
        rules,
        ..MonitoringFacts::default()
    };
    let mut readable = Vec::new();
    for log in crate::keys::audit_paths(&args.audit, &config, &path) {
        if log.is_file() {
            readable.push(log);
        } else {
            facts
                .audit_errors
                .push(format!("{}: not a readable file", shown(&log)));
        }
    }
    facts.audit_logs = readable.iter().map(|p| shown(p)).collect();
    let usage = match crate::keys::last_use(&config, &readable) {
        Ok(u) => u,
        Err(f) => {
            facts.audit_errors.push(f.message);
            LastUse::default()
        }
    };
    facts.events = usage.keys.values().map(|(_, n)| n).sum();
    facts.inventory = Some(Inventory::build(&config, &usage, now));
    Some(facts)
}

/// Where an incident-response plan is usually kept, first match wins; then any Markdown file
/// in the root or docs/ whose name mentions an incident.
const PLAN_PATHS: [&str; 6] = [
    "docs/incident-response.md",
    "docs/incident_response.md",
    "docs/INCIDENT_RESPONSE.md",
    "INCIDENT_RESPONSE.md",
    "incident-response.md",
    "docs/runbooks/incident-response.md",
];

fn incident_plan(dir: &Path) -> Option<IncidentPlanFact> {
    let found = PLAN_PATHS
        .iter()
        .map(|p| (*p).to_owned())
        .find(|p| dir.join(p).is_file())
        .or_else(|| {
            ["", "docs"].iter().find_map(|sub| {
                let mut names: Vec<String> = std::fs::read_dir(dir.join(sub))
                    .ok()?
                    .filter_map(Result::ok)
                    .filter_map(|e| e.file_name().into_string().ok())
                    .filter(|n| {
                        let l = n.to_ascii_lowercase();
                        l.contains("incident") && l.ends_with(".md")
                    })
                    .collect();
                names.sort();
                names.into_iter().next().map(|n| {
                    if sub.is_empty() {
                        n
                    } else {
                        format!("{sub}/{n}")
                    }
                })
            })
        })?;
    let text = std::fs::read_to_string(dir.join(&found)).unwrap_or_default();
    Some(IncidentPlanFact {
        unfilled: text.matches(FILL_IN).count(),
        path: found,
    })
}

fn git(dir: &Path, args: &[&str]) -> Option<Vec<u8>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

fn gather(dir: &Path, fixtures_as_real: bool, warnings: &mut Vec<EnvFileWarning>) -> ProjectFacts {
    let is_git =
        git(dir, &["rev-parse", "--is-inside-work-tree"]).is_some_and(|o| o.starts_with(b"true"));
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| is_env_file(n))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut env_files = Vec::new();
    let mut root_dotenv = None;
    for name in &names {
        let tracked = is_git && git(dir, &["ls-files", "--error-unmatch", "--", name]).is_some();
        let ignored =
            is_git && git(dir, &["check-ignore", "-q", "--no-index", "--", name]).is_some();
        let mut facts = EnvFileFacts {
            path: name.clone(),
            tracked,
            ignored,
            ..EnvFileFacts::default()
        };
        match std::fs::read_to_string(dir.join(name))
            .map_err(|e| e.kind().to_string())
            .and_then(|t| DotEnv::parse(&t).map_err(|e| Error::DotEnv(e).to_string()))
        {
            Ok(vars) => {
                warnings.extend(env_file_warnings(name, &vars));
                for variable in vars.names() {
                    if let Some(key) = vars.get(variable).and_then(|v| ApiKey::parse(&v).ok()) {
                        facts.keys.push(KeyFact {
                            variable: variable.to_owned(),
                            mode: key.mode(),
                            fingerprint: key.fingerprint(),
                            hash: key_hash(&key),
                        });
                    }
                }
                if name == ".env" {
                    root_dotenv = Some(vars);
                }
            }
            Err(e) => facts.error = Some(e),
        }
        env_files.push(facts);
    }
    let (hardcoded, scan_errors) = scan_source(dir, fixtures_as_real);
    let dotenv_path = dir.join(".env");
    let lookup = Layered {
        dotenv: root_dotenv.as_ref(),
        dotenv_name: DotEnvFile::new(&dotenv_path).name(),
    };
    let resolver = Arc::new(CachingResolver::native(ProcessEnv));
    let mut current = check_keys_with(&lookup, "env", None, Policy::strict(), Some(&*resolver));
    // A key read from the .env file is labelled with the file, not `env:`.
    for k in &mut current.keys {
        // Keys resolved from a secrets manager keep the reference as their source.
        if k.origin.starts_with("env:") {
            k.origin = lookup.origin(k.variable);
        }
    }
    let current = Some(current);
    let chain = SourceChain::standard_resolving(
        ProcessEnv,
        None,
        dotenv_path.is_file().then_some(dotenv_path),
        Some(resolver),
    );
    let sources = Some(match chain.load_all() {
        Ok(loaded) => SourcesFact::Resolved {
            source: loaded.source_name,
            shadowed: loaded.shadowed,
        },
        Err(Error::NoKey) => SourcesFact::NoKey,
        Err(e) => SourcesFact::Broken {
            code: e.code().to_owned(),
            message: e.to_string(),
        },
    });
    ProjectFacts {
        git: is_git,
        env_files,
        hardcoded,
        scan_errors,
        current,
        sources,
        monitoring: None,
        incident_plan: None,
    }
}

/// Blocking scan findings outside env files (those are judged by the env-file checks),
/// walking the project as `pictify-keys scan` does, through the same core pipeline and with
/// the allow-list `scan` would use from `dir`.
fn scan_source(dir: &Path, fixtures_as_real: bool) -> (Vec<HardcodedKey>, u64) {
    let scanner = Scanner {
        allowlist: load_allowlist(None, dir).unwrap_or_default(),
        fixtures_as_real,
        ..Scanner::default()
    };
    let mut found = Vec::new();
    let mut errors = 0;
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    for entry in walker {
        let Ok(entry) = entry else {
            errors += 1;
            continue;
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let name = entry.file_name().to_string_lossy();
        if is_env_file(&name) {
            continue;
        }
        if scanner.too_large(entry.metadata().map(|m| m.len()).unwrap_or(0)) {
            continue;
        }
        let Ok(bytes) = std::fs::read(entry.path()) else {
            errors += 1;
            continue;
        };
        let FileOutcome::Scanned { findings, .. } = scanner.scan_file(&bytes) else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .display()
            .to_string();
        for f in findings.iter().filter(|f| f.is_blocking()) {
            found.push(HardcodedKey {
                path: rel.clone(),
                line: f.line,
                fingerprint: f.fingerprint.clone(),
            });
        }
    }
    found.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    (found, errors)
}
