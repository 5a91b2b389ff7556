//! `pictify-keys scan`: the I/O around `pictify_keys::scan` — walking trees (respecting
//! .gitignore, [`walk`]), reading the git index for `--staged` ([`staged`]), and printing
//! text or JSON ([`output`]) or SARIF ([`sarif`]). Every decision about what is a key, a
//! placeholder or a fixture, what is skipped, what is allowed, where the allow-list is and
//! what the exit status is comes from the core (`pictify_keys::scan::Scanner`).

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pictify_keys::scan::{
    find_allowlist, Allowlist, FileOutcome, Finding, Scanner, Summary, DEFAULT_MAX_FILE_SIZE,
};
use serde_json::{json, Value};

use crate::report;

pub(crate) mod history;
mod output;
mod sarif;
mod staged;
mod walk;

/// Output format.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per finding and a summary.
    Text,
    /// One JSON document.
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
}

/// Arguments of `pictify-keys scan`.
#[derive(Args)]
pub struct ScanArgs {
    /// Files or directories to scan (default: the current directory). With --staged, git
    /// pathspecs that limit the staged files.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Scan the contents staged in the git index (what the next commit will contain)
    /// instead of the working tree; for pre-commit hooks.
    #[arg(long)]
    staged: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,

    /// Also list placeholders (`pk_live_your_api_key`, `pk_test_xxxx…`); they never fail a
    /// scan and are always counted.
    #[arg(long)]
    include_placeholders: bool,

    /// Also list fixtures (fake keys whose body starts with FAKE); they never fail a scan
    /// (unless --fixtures-as-real) and are always counted.
    #[arg(long)]
    include_fixtures: bool,

    /// Treat fixtures as real keys (to try a hook or CI setup with fake keys).
    #[arg(long)]
    fixtures_as_real: bool,

    /// Skip files larger than this many bytes (they are counted).
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_SIZE)]
    max_file_size: u64,

    /// The allow-list of hashes or fingerprints (default: the nearest .pictify-keys-ignore
    /// from the current directory up to the top of its git work tree, when there is one).
    #[arg(long, value_name = "PATH")]
    ignore_file: Option<PathBuf>,

    /// Also scan files that .gitignore (and .ignore, global git excludes) exclude.
    #[arg(long)]
    no_ignore: bool,

    /// Never show the progress bar (it is shown only when stdout and stderr are terminals).
    #[arg(long)]
    no_progress: bool,

    /// Worker threads for walking trees (default: one per CPU).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,

    /// Scan git history instead of the working tree: every commit reachable from the refs,
    /// or RANGE (git range syntax: main~50..main, v1.0..HEAD, a branch). Each finding names
    /// the commit that added the key, its author and date, the path and line, the commit that
    /// first introduced the key and whether HEAD still holds it. PATHs are git pathspecs
    /// (after RANGE, or after `--` without one: `scan --history -- src`).
    #[arg(long, value_name = "RANGE", num_args = 0..=1, conflicts_with = "staged")]
    history: Option<Option<String>>,

    /// With --history: only the findings of one key, given by its hash (sha256:…, as scan
    /// prints it), its fingerprint (pk_live_****a1b2) or the key itself.
    #[arg(long, value_name = "KEY", requires = "history")]
    key: Option<String>,
}

/// The findings of one file.
struct FileFindings {
    path: String,
    findings: Vec<Finding>,
}

/// What a scan gathered.
#[derive(Default)]
struct Gathered {
    files: Vec<FileFindings>,
    summary: Summary,
    errors: Vec<(String, String)>,
}

impl Gathered {
    /// Records one file's outcome (from the core's [`Scanner`]).
    fn add(&mut self, path: String, outcome: FileOutcome) {
        self.summary.add(&outcome);
        if let FileOutcome::Scanned { findings, .. } = outcome {
            if !findings.is_empty() {
                self.files.push(FileFindings { path, findings });
            }
        }
    }

    fn error(&mut self, path: String, message: String) {
        self.summary.errors += 1;
        self.errors.push((path, message));
    }

    fn merge(&mut self, other: Self) {
        self.files.extend(other.files);
        self.summary.merge(&other.summary);
        self.errors.extend(other.errors);
    }
}

/// Runs the scan and returns the exit status: 0 none, 1 findings, 2 errors.
pub fn run(args: &ScanArgs) -> u8 {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let allowlist = match load_allowlist(args.ignore_file.as_deref(), &start) {
        Ok(list) => list,
        Err(error) => return fail(args.format, &error),
    };
    let scanner = Scanner {
        allowlist,
        fixtures_as_real: args.fixtures_as_real,
        max_file_size: args.max_file_size,
    };
    if let Some(range) = &args.history {
        return history::run(args, range.as_deref(), &scanner);
    }
    let gathered = if args.staged {
        match staged::scan_staged(args, &scanner) {
            Ok(g) => g,
            Err(message) => {
                return fail(
                    args.format,
                    &report::command_error("git_failed", "input", &message),
                )
            }
        }
    } else {
        walk::scan_tree(args, &scanner)
    };
    let mut gathered = gathered;
    gathered.files.sort_by(|a, b| a.path.cmp(&b.path));
    gathered.errors.sort();
    let status = gathered.summary.exit_status();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let listed = output::Listed {
        placeholders: args.include_placeholders,
        fixtures: args.include_fixtures,
    };
    let written = match args.format {
        Format::Text => output::write_text(&mut out, &gathered, listed),
        Format::Json => output::write_json(&mut out, &gathered, listed, status),
        Format::Sarif => sarif::write_sarif(&mut out, &gathered, listed),
    };
    for (path, message) in &gathered.errors {
        eprintln!("error[unreadable]: {path}: {message}");
    }
    if written.and_then(|()| out.flush()).is_err() {
        return 2;
    }
    status
}

/// Reads the allow-list: the file given (it must exist), or else the project's, found from
/// `start` by the core's rule ([`find_allowlist`]); none is an empty list. The core parses
/// it and refuses secrets in it.
pub fn load_allowlist(given: Option<&Path>, start: &Path) -> Result<Allowlist, Value> {
    let (path, required) = match given {
        Some(p) => (p.to_path_buf(), true),
        None => match find_allowlist(start, Path::exists) {
            Some(found) => (found, false),
            None => return Ok(Allowlist::default()),
        },
    };
    // Named relative to where the search started when it is there.
    let shown = path
        .strip_prefix(start)
        .unwrap_or(&path)
        .display()
        .to_string();
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !required => {
            return Ok(Allowlist::default())
        }
        Err(e) => {
            return Err(report::command_error(
                "ignore_file_unreadable",
                "source",
                &format!("{shown}: cannot read the file: {}", e.kind()),
            ))
        }
    };
    Allowlist::parse(&text).map_err(|e| report::in_file(report::core_error(&e.into()), &shown))
}

fn fail(format: Format, error: &Value) -> u8 {
    if format == Format::Json {
        println!("{}", json!({ "error": error, "findings": [], "exit": 2 }));
    }
    report::eprint(error);
    2
}

/// A spinner on stderr, only when both stdout and stderr are terminals.
fn progress(args: &ScanArgs) -> ProgressBar {
    if args.no_progress || !io::stderr().is_terminal() || !io::stdout().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {pos} files, {msg} [{elapsed}]") {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_owned()
}
