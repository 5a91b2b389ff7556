//! `pictify-keys incident`: the investigation of a compromised key (the core's
//! `incident` module fed with the audit logs, the working tree and the env files), and
//! `--template`, which writes the incident-response runbook.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use pictify_keys::doctor::is_env_file;
use pictify_keys::incident::{
    ActionState, Appearance, IncidentReport, Investigation, Target, RUNBOOK_TEMPLATE,
};
use pictify_keys::monitor::{parse_line, parse_timestamp, Config, Evidence};
use pictify_keys::scan::{FileOutcome, Scanner};

use crate::keys::{audit_paths, load_config, now, read_lines, Failure};

/// Where `--template` writes, relative to `--repo`.
pub const TEMPLATE_PATH: &str = "docs/incident-response.md";

/// Arguments of `pictify-keys incident`.
#[derive(Args)]
pub struct IncidentArgs {
    /// The key's public ID (`key_abc123`) or fingerprint (`pk_live_****a1b2`, or the hash
    /// `pictify-keys scan` prints). Never the key itself.
    #[arg(
        value_name = "KEY_ID|FINGERPRINT",
        required_unless_present = "template"
    )]
    key: Option<String>,

    /// The configuration (default: pictify-keys.toml or monitor.toml in --repo).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Audit logs (JSON lines, plain or gzip); default: the configuration's `audit_logs`.
    #[arg(long, value_name = "LOG", num_args = 1..)]
    audit: Vec<PathBuf>,

    /// When the key was exposed (RFC 3339 UTC).
    #[arg(long, value_name = "TIME")]
    exposed_at: Option<String>,

    /// When the key was revoked (RFC 3339 UTC); default: the configuration's `revoked_at`.
    #[arg(long, value_name = "TIME")]
    revoked_at: Option<String>,

    /// The project to search for the key (working tree and env files).
    #[arg(long, value_name = "DIR", default_value = ".")]
    repo: PathBuf,

    /// Output format: `html` is the self-contained page that --html writes.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json", "html"])]
    format: String,

    /// Also write the report as a self-contained HTML page (the style of `audit --html`).
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    /// Judge at this time instead of now (RFC 3339 UTC).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,

    /// Write the incident-response runbook to docs/incident-response.md in --repo (or
    /// --output) instead of investigating.
    #[arg(long, conflicts_with = "key")]
    template: bool,

    /// Where --template writes (`-` for stdout).
    #[arg(long, value_name = "FILE", requires = "template")]
    output: Option<PathBuf>,

    /// Let --template replace an existing file.
    #[arg(long, requires = "template")]
    force: bool,
}

/// Runs the command; exit 0 nothing to act on, 1 something to act on, 2 an input error.
pub fn run(args: &IncidentArgs) -> u8 {
    let json = args.format == "json";
    if args.template {
        return match write_template(args) {
            Ok(()) => 0,
            Err(f) => f.report(json),
        };
    }
    match investigate(args) {
        Ok(report) => {
            if let Some(path) = &args.html {
                if !crate::html::write_page(path, &crate::html_incident::render(&report)) {
                    return 2;
                }
            }
            let out = if args.format == "html" {
                crate::html_incident::render(&report)
            } else if json {
                serde_json::to_string_pretty(&report)
                    .map(|s| s + "\n")
                    .unwrap_or_default()
            } else {
                text(&report)
            };
            if let Err(e) = io::stdout().lock().write_all(out.as_bytes()) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("error[write_failed]: cannot write the output: {}", e.kind());
                    return 2;
                }
            }
            report.exit_status()
        }
        Err(f) => f.report(json),
    }
}

fn write_template(args: &IncidentArgs) -> Result<(), Failure> {
    let path = args
        .output
        .clone()
        .unwrap_or_else(|| args.repo.join(TEMPLATE_PATH));
    if path.as_os_str() == "-" {
        print!("{RUNBOOK_TEMPLATE}");
        return Ok(());
    }
    if path.exists() && !args.force {
        return Err(Failure {
            code: "file_exists".into(),
            message: format!(
                "{}: already exists; pass --force to replace it",
                path.display()
            ),
        });
    }
    let written = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&path, RUNBOOK_TEMPLATE));
    written.map_err(|e| Failure {
        code: "write_failed".into(),
        message: format!("{}: cannot write the file: {}", path.display(), e.kind()),
    })?;
    eprintln!(
        "wrote {}: fill in each [fill in: …] (pictify-keys doctor warns while one is left)",
        path.display()
    );
    Ok(())
}

fn time(flag: &str, value: Option<&str>) -> Result<Option<i64>, Failure> {
    value
        .map(|t| {
            parse_timestamp(t).map_err(|_| Failure {
                code: "invalid_argument".into(),
                message: format!("{flag}: write a UTC time such as 2026-01-20T09:00:00Z"),
            })
        })
        .transpose()
}

fn investigate(args: &IncidentArgs) -> Result<IncidentReport, Failure> {
    let query = args.key.as_deref().unwrap_or_default();
    // A key on the command line is refused without echo (it would be in shell history).
    if !Target::is_valid_query(query) {
        return Err(Failure {
            code: "invalid_argument".into(),
            message: "KEY_ID: pass the key's public ID (key_abc123) or fingerprint (pk_live_****a1b2), never the key itself; if you pasted a key, revoke it".into(),
        });
    }
    let now = now(args.now.as_deref())?;
    let exposed_at = time("--exposed-at", args.exposed_at.as_deref())?;
    let revoked_at = time("--revoked-at", args.revoked_at.as_deref())?;
    let (config, logs) = match load_config(args.config.as_deref(), &args.repo)? {
        Some((config, path)) => {
            let logs = audit_paths(&args.audit, &config, &path);
            (config, logs)
        }
        None => (Config::default(), args.audit.clone()),
    };
    let target = Target::resolve(&config, query);
    let mut inv = Investigation::new(target, exposed_at, revoked_at);
    for log in &logs {
        let source = log.display().to_string();
        inv.begin_source(&source);
        read_lines(log, |n, line| {
            if line.iter().all(u8::is_ascii_whitespace) {
                return;
            }
            match parse_line(line) {
                Ok(event) => inv.feed(
                    &event,
                    Evidence {
                        source: source.clone(),
                        line: n,
                    },
                ),
                Err(issue) => inv.left_out(issue),
            }
        })?;
    }
    for a in working_tree(&args.repo, inv.target()) {
        inv.add_appearance(a);
    }
    if let Some(found) = history(&args.repo, inv.target()) {
        inv.history_searched();
        for a in found {
            inv.add_appearance(a);
        }
    }
    Ok(inv.finish(now))
}

/// Where the key appears in git history: every commit that added it to a file, with author
/// and date (`kind: "git_history"`), from the same history scan as `scan --history` (every
/// commit reachable from the refs). `None` when `repo` is not a git repository or git failed:
/// the report then says history was not searched. A shallow clone is searched as far as it
/// goes.
fn history(repo: &Path, target: &Target) -> Option<Vec<Appearance>> {
    let scanner = Scanner {
        fixtures_as_real: true,
        ..Scanner::default()
    };
    let bar = indicatif::ProgressBar::hidden();
    let scan = crate::scan::history::scan_history(repo, None, &[], &scanner, None, &bar).ok()?;
    let report = &scan.report;
    let found = report
        .findings
        .iter()
        .filter(|f| target.matches_finding(&f.finding))
        .map(|f| {
            let commit = &report.commits[f.commit];
            let introduced = report.introduced_in(f).id == commit.id;
            Appearance {
                kind: "git_history",
                path: f.path.clone(),
                line: f.finding.line as u64,
                commit: Some(commit.id.clone()),
                author: Some(commit.author.clone()),
                date: Some(commit.date.clone()),
                detail: introduced.then(|| "the commit that introduced the key".to_owned()),
            }
        })
        .collect();
    Some(found)
}

/// Where the key appears in the working tree (respecting .gitignore) and in the env files of
/// the project root (which .gitignore usually hides).
fn working_tree(repo: &Path, target: &Target) -> Vec<Appearance> {
    let scanner = Scanner {
        fixtures_as_real: true,
        ..Scanner::default()
    };
    let mut found = Vec::new();
    let scan = |path: &Path, found: &mut Vec<Appearance>| {
        let Ok(bytes) = std::fs::read(path) else {
            return;
        };
        let FileOutcome::Scanned { findings, .. } = scanner.scan_file(&bytes) else {
            return;
        };
        let rel = path.strip_prefix(repo).unwrap_or(path);
        let name = rel
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for f in findings.iter().filter(|f| target.matches_finding(f)) {
            found.push(Appearance {
                kind: if is_env_file(&name) {
                    "env_file"
                } else {
                    "working_tree"
                },
                path: rel.display().to_string(),
                line: f.line as u64,
                commit: None,
                author: None,
                date: None,
                detail: Some(format!("{} at column {}", f.fingerprint, f.column)),
            });
        }
    };
    let walker = ignore::WalkBuilder::new(repo)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build();
    let mut seen = std::collections::HashSet::new();
    for entry in walker.filter_map(Result::ok) {
        if entry.file_type().is_some_and(|t| t.is_file())
            && !scanner.too_large(entry.metadata().map(|m| m.len()).unwrap_or(0))
        {
            seen.insert(entry.path().to_path_buf());
            scan(entry.path(), &mut found);
        }
    }
    if let Ok(rd) = std::fs::read_dir(repo) {
        let mut env_files: Vec<PathBuf> = rd
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .filter(|e| is_env_file(&e.file_name().to_string_lossy()))
            .map(|e| e.path())
            .filter(|p| !seen.contains(p))
            .collect();
        env_files.sort();
        for p in env_files {
            scan(&p, &mut found);
        }
    }
    found.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    found
}

fn state(s: ActionState) -> &'static str {
    match s {
        ActionState::Done => "DONE",
        ActionState::Manual => "MANUAL",
        ActionState::Todo => "TODO",
        ActionState::Critical => "CRITICAL",
    }
}

fn text(r: &IncidentReport) -> String {
    let mut s = String::new();
    let k = &r.key;
    let _ = writeln!(
        s,
        "Incident report for {} ({}) at {}: severity {}",
        k.id.as_deref().unwrap_or(&k.query),
        [
            k.name.clone(),
            k.fingerprint.clone(),
            k.mode.map(|m| m.as_str().to_owned()),
            k.access.clone().map(|a| format!("access {a}")),
            k.owner.clone().map(|o| format!("owner {o}")),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", "),
        r.now,
        r.severity.to_uppercase()
    );
    let _ = writeln!(
        s,
        "exposed at {}, revoked at {}; allowed networks: {}",
        r.exposed_at.as_deref().unwrap_or("unknown"),
        r.revoked_at.as_deref().unwrap_or("not revoked"),
        if k.allowed_networks.is_empty() {
            "none configured".to_owned()
        } else {
            k.allowed_networks.join(", ")
        }
    );
    s.push_str("\nImmediate actions:\n");
    for a in &r.actions {
        let _ = writeln!(
            s,
            "  {:<8} {}\n           {}",
            state(a.state),
            a.title,
            a.detail
        );
    }
    let _ = writeln!(s, "\nTimeline ({} event(s) of this key):", r.events);
    for m in &r.timeline {
        let _ = writeln!(s, "  {}  {}", m.time, m.what);
    }
    if !r.days.is_empty() {
        let _ = writeln!(
            s,
            "\n  {:<10} {:>8} {:>8} {:>8} {:>14} {:>16}",
            "DAY", "REQUESTS", "2XX", "OUTSIDE", "AFTER EXPOSURE", "AFTER REVOCATION"
        );
        for d in &r.days {
            let _ = writeln!(
                s,
                "  {:<10} {:>8} {:>8} {:>8} {:>14} {:>16}",
                d.date, d.requests, d.success, d.outside, d.after_exposure, d.after_revocation
            );
        }
    }
    if !r.networks.is_empty() {
        let _ = writeln!(
            s,
            "\nClients:\n  {:<39} {:<20} {:<20} {:>7} {:>6} {:>8}  ALLOWED",
            "IP", "FIRST SEEN", "LAST SEEN", "COUNT", "2XX", "EXPOSED"
        );
        for n in &r.networks {
            let _ = writeln!(
                s,
                "  {:<39} {:<20} {:<20} {:>7} {:>6} {:>8}  {}",
                n.ip,
                n.first_seen,
                n.last_seen,
                n.count,
                n.success,
                n.after_exposure,
                match n.allowed {
                    Some(true) => "yes",
                    Some(false) => "NO",
                    None => "?",
                }
            );
        }
        if r.networks_overflow > 0 {
            let _ = writeln!(
                s,
                "  … and {} request(s) from more IPs",
                r.networks_overflow
            );
        }
    }
    if !r.access.is_empty() {
        let _ = writeln!(s, "\nWhat was accessed (writes first):");
        for a in &r.access {
            let _ = writeln!(
                s,
                "  {:<6} {:<40} {:>3} x{:<6} {} .. {}{}",
                a.method,
                a.endpoint,
                a.status,
                a.count,
                a.first_seen,
                a.last_seen,
                if a.write { "  write" } else { "" }
            );
        }
    }
    let _ = writeln!(
        s,
        "\nRequests outside the allowed networks or after the exposure: {}",
        r.suspicious_total
    );
    for q in &r.suspicious {
        let _ = writeln!(
            s,
            "  {} {} {} {} {}  [{}]  {}:{}",
            q.time,
            q.ip.as_deref().unwrap_or("-"),
            q.method,
            q.endpoint,
            q.status,
            q.reasons.join(", "),
            q.evidence.source,
            q.evidence.line
        );
    }
    if r.suspicious_total > r.suspicious.len() as u64 {
        let _ = writeln!(s, "  … (first {} listed)", r.suspicious.len());
    }
    s.push_str("\nWhere the key appears:\n");
    for a in &r.appearances {
        let _ = writeln!(
            s,
            "  {:<12} {}:{}{}{}",
            a.kind,
            a.path,
            a.line,
            a.commit
                .as_deref()
                .map(|c| format!(" commit {c}"))
                .unwrap_or_default(),
            a.detail
                .as_deref()
                .map(|d| format!("  ({d})"))
                .unwrap_or_default()
        );
    }
    if r.appearances.is_empty() {
        s.push_str("  nowhere the project can see\n");
    }
    if !r.history_searched {
        s.push_str("  git history: not searched (run `pictify-keys scan --history`)\n");
    }
    if !r.lines_left_out.is_empty() {
        let parts: Vec<String> = r
            .lines_left_out
            .iter()
            .map(|(code, n)| format!("{code} x{n}"))
            .collect();
        let _ = writeln!(
            s,
            "\nLog lines left out (not audit events): {}",
            parts.join(", ")
        );
    }
    s
}
