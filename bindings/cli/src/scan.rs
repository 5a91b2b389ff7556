//! `pictify-keys scan`: the I/O around `pictify_keys::scan` — walking trees (respecting
//! .gitignore), reading the git index for `--staged`, and printing text, JSON or SARIF.
//! Every decision about what is a key, a placeholder or a fixture, what is allowed and what
//! the exit status is comes from the core.

use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use clap::{Args, ValueEnum};
use ignore::{WalkBuilder, WalkState};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pictify_keys::scan::{
    fixtures_as_real, looks_binary, scan_bytes, Allowlist, Class, Finding, Summary, BINARY_SNIFF,
    DEFAULT_MAX_FILE_SIZE,
};
use serde_json::{json, Value};

use crate::report;

/// The allow-list file looked up in the current directory.
pub const IGNORE_FILE: &str = ".pictify-keys-ignore";

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

    /// The allow-list of hashes or fingerprints (default: .pictify-keys-ignore in the
    /// current directory, when it exists).
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
}

/// The findings of one file.
struct FileFindings {
    path: String,
    findings: Vec<Finding>,
}

/// What a scan gathered.
#[derive(Default)]
struct Gathered {
    fixtures_as_real: bool,
    files: Vec<FileFindings>,
    summary: Summary,
    errors: Vec<(String, String)>,
}

impl Gathered {
    fn new(fixtures_as_real: bool) -> Self {
        Self {
            fixtures_as_real,
            ..Self::default()
        }
    }

    /// Scans one file's bytes and records the findings.
    fn add(&mut self, path: String, bytes: &[u8], allowlist: &Allowlist) {
        if looks_binary(&bytes[..bytes.len().min(BINARY_SNIFF)]) {
            self.summary.skipped_binary += 1;
            return;
        }
        self.summary.files += 1;
        self.summary.bytes += bytes.len() as u64;
        let mut findings = scan_bytes(bytes);
        if findings.is_empty() {
            return;
        }
        if self.fixtures_as_real {
            fixtures_as_real(&mut findings);
        }
        allowlist.apply(&mut findings);
        self.summary.count(&findings);
        self.files.push(FileFindings { path, findings });
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
    let allowlist = match load_allowlist(args.ignore_file.as_deref()) {
        Ok(list) => list,
        Err(error) => return fail(args.format, &error),
    };
    let gathered = if args.staged {
        match scan_staged(args, &allowlist) {
            Ok(g) => g,
            Err(message) => {
                return fail(
                    args.format,
                    &report::command_error("git_failed", "input", &message),
                )
            }
        }
    } else {
        scan_tree(args, &allowlist)
    };
    let mut gathered = gathered;
    gathered.files.sort_by(|a, b| a.path.cmp(&b.path));
    gathered.errors.sort();
    let status = gathered.summary.exit_status();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let listed = Listed {
        placeholders: args.include_placeholders,
        fixtures: args.include_fixtures,
    };
    let written = match args.format {
        Format::Text => write_text(&mut out, &gathered, listed),
        Format::Json => write_json(&mut out, &gathered, listed, status),
        Format::Sarif => write_sarif(&mut out, &gathered, listed),
    };
    for (path, message) in &gathered.errors {
        eprintln!("error[unreadable]: {path}: {message}");
    }
    if written.and_then(|()| out.flush()).is_err() {
        return 2;
    }
    status
}

/// Reads the allow-list (the core parses it and refuses secrets in it).
pub fn load_allowlist(path: Option<&Path>) -> Result<Allowlist, Value> {
    let (path, required) = match path {
        Some(p) => (p.to_path_buf(), true),
        None => (PathBuf::from(IGNORE_FILE), false),
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound && !required => {
            return Ok(Allowlist::default())
        }
        Err(e) => {
            return Err(report::command_error(
                "ignore_file_unreadable",
                "source",
                &format!("{}: cannot read the file: {}", path.display(), e.kind()),
            ))
        }
    };
    Allowlist::parse(&text)
        .map_err(|e| report::in_file(report::core_error(&e.into()), &path.display().to_string()))
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

/// Walks the given paths in parallel, respecting .gitignore (hidden files such as .env are
/// scanned; the .git directory is not).
fn scan_tree(args: &ScanArgs, allowlist: &Allowlist) -> Gathered {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(false)
        .git_ignore(!args.no_ignore)
        .git_global(!args.no_ignore)
        .git_exclude(!args.no_ignore)
        .ignore(!args.no_ignore)
        .parents(!args.no_ignore)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git");
    if let Some(n) = args.threads {
        builder.threads(n);
    }
    let bar = progress(args);
    let total = Mutex::new(Gathered::new(args.fixtures_as_real));
    // Real keys found so far by all walker threads, for the progress message.
    let real = AtomicU64::new(0);
    let max = args.max_file_size;
    builder.build_parallel().run(|| {
        let bar = bar.clone();
        let total = &total;
        let real = &real;
        let mut local = Local {
            gathered: Gathered::new(args.fixtures_as_real),
            total,
            buf: Vec::new(),
        };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    local.gathered.error(String::new(), e.to_string());
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            bar.inc(1);
            let path = display_path(entry.path());
            match read_limited(entry.path(), max, &mut local.buf) {
                Ok(None) => local.gathered.summary.skipped_large += 1,
                Ok(Some(len)) => {
                    let before = local.gathered.summary.real;
                    let buf = std::mem::take(&mut local.buf);
                    local.gathered.add(path, &buf[..len], allowlist);
                    local.buf = buf;
                    let new = local.gathered.summary.real - before;
                    if new > 0 {
                        real.fetch_add(new, Ordering::Relaxed);
                    }
                }
                Err(e) => local.gathered.error(path, e.kind().to_string()),
            }
            if bar.position() % 256 == 0 {
                bar.set_message(format!("{} real key(s)", real.load(Ordering::Relaxed)));
            }
            WalkState::Continue
        })
    });
    bar.finish_and_clear();
    total
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads the file at `path` into `buf` (reusing its allocation) unless it is larger than `max`
/// bytes; returns the number of bytes read into `buf[..n]`, or `None` for a file over the
/// limit. One `open`, one `statx` and (for a file that does not change meanwhile) one `read`:
/// the size from the open file bounds the read, and `buf` only grows (it is zeroed once, when
/// it grows). A file that reports size 0 (procfs and the like) is read to its end, up to the
/// limit.
fn read_limited(path: &Path, max: u64, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Ok(None);
    }
    if size == 0 {
        buf.clear();
        file.take(max + 1).read_to_end(buf)?;
        return Ok((buf.len() as u64 <= max).then_some(buf.len()));
    }
    let size = usize::try_from(size).map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    if buf.len() < size {
        buf.resize(size, 0);
    }
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buf[filled..size]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(filled))
}

/// A walker thread's results, merged into the total when the thread's visitor is dropped.
struct Local<'a> {
    gathered: Gathered,
    total: &'a Mutex<Gathered>,
    buf: Vec<u8>,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.gathered);
        let mut total = self
            .total
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        total.merge(mine);
    }
}

/// Scans the blobs staged in the git index: `git ls-files -s` lists them, one
/// `git cat-file --batch` process streams their contents.
fn scan_staged(args: &ScanArgs, allowlist: &Allowlist) -> Result<Gathered, String> {
    let mut ls = Command::new("git");
    ls.args(["ls-files", "--stage", "-z", "--"])
        .args(&args.paths);
    let listed = ls
        .output()
        .map_err(|e| format!("cannot run git: {}", e.kind()))?;
    if !listed.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&listed.stderr).trim()
        ));
    }
    // `<mode> <object> <stage>\t<path>\0`; regular files only (no symlinks, no submodules).
    let mut entries = Vec::new();
    for record in listed.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(record);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (Some(mode), Some(object)) = (parts.next(), parts.next()) else {
            continue;
        };
        if mode.starts_with("100") {
            entries.push((object.to_owned(), path.to_owned()));
        }
    }
    let mut gathered = Gathered::new(args.fixtures_as_real);
    if entries.is_empty() {
        return Ok(gathered);
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git cat-file: {}", e.kind()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("git cat-file: no pipes".into());
    };
    let objects: Vec<String> = entries.iter().map(|(o, _)| o.clone()).collect();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        for o in objects {
            writeln!(stdin, "{o}")?;
        }
        Ok(())
    });
    let mut reader = BufReader::new(stdout);
    let mut header = String::new();
    let mut buf = Vec::new();
    let bar = progress(args);
    for (_, path) in &entries {
        header.clear();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {}", e.kind()))?;
        // `<object> blob <size>` or `<object> missing`.
        let size: u64 = match header.trim_end().rsplit_once(' ') {
            Some((_, n)) if header.contains(" blob ") => n
                .parse()
                .map_err(|_| "git cat-file: bad header".to_owned())?,
            _ => {
                gathered.error(path.clone(), "object missing from the index".into());
                continue;
            }
        };
        buf.clear();
        (&mut reader)
            .take(size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("git cat-file: {}", e.kind()))?;
        buf.pop(); // the newline after each object
        bar.inc(1);
        if size > args.max_file_size {
            gathered.summary.skipped_large += 1;
            continue;
        }
        gathered.add(path.clone(), &buf, allowlist);
    }
    bar.finish_and_clear();
    let _ = writer.join();
    let _ = child.wait();
    Ok(gathered)
}

/// Which findings are listed (all are counted): real keys always, placeholders and
/// fixtures on request.
#[derive(Clone, Copy)]
struct Listed {
    placeholders: bool,
    fixtures: bool,
}

fn shown(f: &Finding, listed: Listed) -> bool {
    match f.class {
        Class::Real => true,
        Class::Placeholder => listed.placeholders,
        Class::Fixture => listed.fixtures,
    }
}

fn describe(f: &Finding) -> String {
    match (f.class, f.allowed, f.reason) {
        (Class::Real, None, _) => {
            format!(
                "real {} key {} — revoke it and remove it from the source",
                f.mode, f.fingerprint
            )
        }
        (Class::Real, Some(a), _) => format!(
            "real {} key {} (allowed: {})",
            f.mode,
            f.fingerprint,
            a.as_str()
        ),
        (Class::Placeholder, _, Some(reason)) => {
            format!("placeholder {} ({reason})", f.fingerprint)
        }
        (Class::Placeholder, _, None) => format!("placeholder {}", f.fingerprint),
        (Class::Fixture, _, _) => format!("fixture {} (body starts with FAKE)", f.fingerprint),
    }
}

fn write_text(out: &mut impl Write, g: &Gathered, listed: Listed) -> io::Result<()> {
    for file in &g.files {
        for f in file.findings.iter().filter(|f| shown(f, listed)) {
            writeln!(
                out,
                "{}:{}:{}: {} [sha256:{}]",
                file.path,
                f.line,
                f.column,
                describe(f),
                f.hash
            )?;
        }
    }
    let s = &g.summary;
    writeln!(
        out,
        "scanned {} files ({:.1} MB): {} real key(s), {} allowed, {} placeholder(s), {} fixture(s); skipped {} binary, {} over the size limit; {} error(s)",
        s.files,
        s.bytes as f64 / 1e6,
        s.real,
        s.allowed,
        s.placeholders,
        s.fixtures,
        s.skipped_binary,
        s.skipped_large,
        s.errors
    )
}

fn finding_json(path: &str, f: &Finding) -> Value {
    json!({
        "path": path,
        "line": f.line,
        "column": f.column,
        "offset": f.offset,
        "length": f.len,
        "mode": f.mode.as_str(),
        "fingerprint": f.fingerprint,
        "hash": format!("sha256:{}", f.hash),
        "class": f.class.as_str(),
        "reason": f.reason,
        "allowed": f.allowed.map(|a| a.as_str()),
        "blocking": f.is_blocking(),
    })
}

fn write_json(out: &mut impl Write, g: &Gathered, listed: Listed, status: u8) -> io::Result<()> {
    let findings: Vec<Value> = g
        .files
        .iter()
        .flat_map(|file| {
            file.findings
                .iter()
                .filter(|f| shown(f, listed))
                .map(|f| finding_json(&file.path, f))
        })
        .collect();
    let errors: Vec<Value> = g
        .errors
        .iter()
        .map(|(p, m)| json!({ "path": p, "message": m }))
        .collect();
    let doc =
        json!({ "findings": findings, "summary": g.summary, "errors": errors, "exit": status });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

const RULES: [(&str, &str, &str, &str); 3] = [
    (
        "pictify-api-key",
        "PictifyApiKey",
        "A Pictify API key (pk_live_/pk_test_) in the source",
        "error",
    ),
    (
        "pictify-api-key-placeholder",
        "PictifyApiKeyPlaceholder",
        "A documentation placeholder shaped like a Pictify API key",
        "note",
    ),
    (
        "pictify-api-key-fixture",
        "PictifyApiKeyFixture",
        "A fake Pictify API key marked as a test fixture (body starts with FAKE)",
        "note",
    ),
];

fn write_sarif(out: &mut impl Write, g: &Gathered, listed: Listed) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, text, level)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": text },
                "fullDescription": { "text": format!("{text}. Pictify keys are secrets: a committed key must be revoked in the dashboard and replaced.") },
                "help": { "text": "Move the key to the PICTIFY_API_KEY environment variable or an ignored .env file, revoke it, and allow reviewed findings with a `pictify-keys:allow` comment or a hash in .pictify-keys-ignore." },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    let mut results = Vec::new();
    for file in &g.files {
        for f in file.findings.iter().filter(|f| shown(f, listed)) {
            let index = match f.class {
                Class::Real => 0,
                Class::Placeholder => 1,
                Class::Fixture => 2,
            };
            let mut result = json!({
                "ruleId": RULES[index].0,
                "ruleIndex": index,
                "level": RULES[index].3,
                "message": { "text": describe(f) },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": file.path.replace('\\', "/"), "uriBaseId": "%SRCROOT%" },
                        "region": {
                            "startLine": f.line,
                            "startColumn": f.column,
                            "endColumn": f.column + f.len,
                            "byteOffset": f.offset,
                            "byteLength": f.len,
                        },
                    },
                }],
                "partialFingerprints": { "pictifyKeyHash/v1": f.hash },
            });
            if let Some(a) = f.allowed {
                let kind = match a {
                    pictify_keys::scan::Allowed::Inline => "inSource",
                    pictify_keys::scan::Allowed::Allowlist => "external",
                };
                result["suppressions"] = json!([{ "kind": kind }]);
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = g
        .errors
        .iter()
        .map(|(p, m)| json!({ "level": "error", "message": { "text": format!("{p}: {m}") } }))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pictify-keys",
                "informationUri": "https://github.com/pictify/pictify-keys",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": g.summary.errors == 0,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
