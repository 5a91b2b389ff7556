//! `pictify-keys`: the command-line face of the pictify-keys core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod audit;
mod check;
mod doctor;
mod html;
mod html_audit;
mod html_incident;
mod incident;
mod keys;
mod redact;
mod report;
mod rules;
mod scan;

/// Pictify API-key security checks.
#[derive(Parser)]
#[command(name = "pictify-keys", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that the configured key is well-formed and allowed in this environment.
    ///
    /// Reads PICTIFY_API_KEY (and PICTIFY_API_KEY_NEW / PICTIFY_API_KEY_OLD when set) from the
    /// process environment, or from a .env file with --env-file. Prints one line per key.
    /// Exit status: 0 allowed, 1 policy violation, 2 malformed key or no key.
    Check(check::CheckArgs),
    /// Redact Pictify API keys (and Bearer / X-Api-Key / api_key= tokens) from logs.
    ///
    /// Reads stdin (or each FILE in turn) and writes it to stdout with every key replaced by
    /// its fingerprint (pk_live_****a1b2); everything else passes through byte for byte,
    /// including invalid UTF-8. Streams in constant memory. Exit status: 0, or 2 when an
    /// input could not be read.
    Redact(redact::RedactArgs),
    /// Find Pictify API keys committed or hard-coded in files, or staged for a commit.
    ///
    /// Walks each PATH (default: .) respecting .gitignore, or with --staged reads what the
    /// git index holds. Each finding: file, line, column, mode, fingerprint, hash, and whether
    /// it is a real key, a placeholder or a fixture (body starts with FAKE). Findings on a
    /// line with `pictify-keys:allow`, or whose hash or fingerprint is listed in
    /// .pictify-keys-ignore, are allowed. Binary files and files over --max-file-size are
    /// skipped and counted. Exit status: 0 no real key, 1 a real key that is not allowed,
    /// 2 an error (unreadable file or allow-list, git failure).
    Scan(scan::ScanArgs),
    /// Print a rule that makes gitleaks or detect-secrets catch Pictify API keys.
    Rules(rules::RulesArgs),
    /// Walk the eight items of Pictify's security checklist for a project directory: keys
    /// from the environment or a secrets manager (no hard-coded keys, sources without
    /// shadowing), .env files ignored and not tracked, separate production and development
    /// keys, rotation within 365 days and unused keys revoked (the key inventory and audit
    /// logs), usage monitored, access to key creation (a manual check), an incident plan.
    ///
    /// Each check is pass, warn, fail or manual with a one-line fix. Exit status: 0 no
    /// check fails, 1 a check fails, 2 the directory cannot be read.
    Doctor(doctor::DoctorArgs),
    /// Analyse audit logs (JSON lines, plain or gzip, files or stdin): per-key usage, then
    /// alerts for request spikes, error and 401/403 bursts, 429s, unexpected networks,
    /// off-hours use, use after revocation, test keys in production, and least-privilege
    /// violations (writes with a read-only key, another environment's network, a key
    /// shared by several services). --html FILE also writes a self-contained HTML report.
    ///
    /// Malformed lines are counted and listed by line number, never fatal unless --strict.
    /// Exit status: 0 no alert, 1 alerts, 2 an input error (unreadable file or config,
    /// a malformed line with --strict).
    Audit(audit::AuditArgs),
    /// List the key inventory (the configuration's keys by ID: name, mode, purpose, access,
    /// environments, owner, created, age, last use from audit logs) and flag what needs
    /// doing: unused for 90 days, older than 365 days, no owner, a live key assigned to a
    /// non-production environment, one key under two IDs.
    ///
    /// Exit status: 0 nothing flagged, 1 flags (or keys used but not listed), 2 an input
    /// error (no or unreadable configuration, a configuration holding a key, an unreadable log).
    Keys(keys::KeysArgs),
    /// Investigate a compromised key: immediate actions with their state (any 2xx after the
    /// revocation is critical; the key still held in the project), a usage timeline, a
    /// per-IP table (first, last, count, allowed?), what was accessed (endpoints x methods x
    /// status, writes first), requests outside the allowed networks or after the exposure,
    /// and where the key appears (working tree, env files, the logs given).
    ///
    /// `--template` writes the incident-response runbook (docs/incident-response.md).
    /// Exit status: 0 nothing to act on, 1 something to act on, 2 an input error.
    Incident(incident::IncidentArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Redact(args) => redact::run(&args),
        Command::Scan(args) => scan::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Audit(args) => audit::run(&args),
        Command::Keys(args) => keys::run(&args),
        Command::Incident(args) => incident::run(&args),
    };
    ExitCode::from(status)
}

/// The inputs of a command that reads files or stdin: `None` stands for stdin (no FILE, or
/// `-`), in the order given.
fn inputs(files: &[std::path::PathBuf]) -> Vec<Option<&std::path::PathBuf>> {
    if files.is_empty() {
        return vec![None];
    }
    files
        .iter()
        .map(|f| (f.as_os_str() != "-").then_some(f))
        .collect()
}

/// Opens one input of [`inputs`]: stdin for `None`, else the file, with its size when known.
/// A file that cannot be opened is reported as `file_unreadable` naming `label`; the caller
/// then exits 2 after the other inputs.
fn open_input(
    input: Option<&std::path::PathBuf>,
    label: &str,
) -> Option<(Box<dyn std::io::Read>, Option<u64>)> {
    let Some(path) = input else {
        return Some((Box::new(std::io::stdin().lock()), None));
    };
    match std::fs::File::open(path) {
        Ok(f) => {
            let size = f.metadata().ok().map(|m| m.len());
            Some((Box::new(f), size))
        }
        Err(e) => {
            eprintln!(
                "error[file_unreadable]: {label}: cannot open the file: {}",
                e.kind()
            );
            None
        }
    }
}
