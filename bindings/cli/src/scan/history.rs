//! `scan --history [RANGE]`: the git processes around the core's sans-IO history scan
//! (`pictify_keys::scan::history`). One `git log` lists each commit's changed blobs, one
//! `git cat-file --batch` streams every unique blob once while the log is still being read,
//! and one `git ls-tree` lists HEAD; the core decides what is a finding, which commit
//! introduced each key and whether HEAD still holds it.

use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use indicatif::ProgressBar;
use pictify_keys::scan::history::{
    parse_batch_header, parse_tree_entry, BatchHeader, BlobScans, HistoryIndex, HistoryReport,
    KeySelector, LogParser, BATCH_ARGS, LOG_ARGS, TREE_ARGS,
};
use pictify_keys::scan::{FileOutcome, Scanner};
use serde_json::{json, Value};

use super::output::{describe, finding_json, shown, Listed};
use super::{fail, progress, sarif, Format, ScanArgs};
use crate::report;

/// A finished history scan.
pub(crate) struct HistoryScan {
    /// What the core made of it.
    pub(crate) report: HistoryReport,
    /// The repository is a shallow clone: commits before its boundary were not scanned.
    pub(crate) shallow: bool,
}

/// Runs `scan --history` and prints the result; returns the exit status (0 none, 1 a real
/// key that is not allowed, 2 an error).
pub(super) fn run(args: &ScanArgs, range: Option<&str>, scanner: &Scanner) -> u8 {
    let selector = match args.key.as_deref().map(KeySelector::parse).transpose() {
        Ok(s) => s,
        Err(e) => {
            return fail(
                args.format,
                &report::command_error(e.code(), "input", &e.to_string()),
            )
        }
    };
    let bar = progress(args);
    let scanned = scan_history(
        Path::new("."),
        range,
        &args.paths,
        scanner,
        selector.as_ref(),
        &bar,
    );
    bar.finish_and_clear();
    let scanned = match scanned {
        Ok(s) => s,
        Err(error) => return fail(args.format, &error),
    };
    if scanned.shallow {
        eprintln!("warning[shallow_history]: this repository is a shallow clone, so the history is partial: commits before the shallow boundary were not scanned, and a key found in a boundary commit may be older; run `git fetch --unshallow` for the whole history");
    }
    let status = scanned.report.summary.exit_status();
    let listed = Listed {
        placeholders: args.include_placeholders,
        fixtures: args.include_fixtures,
    };
    // Stdout is line-buffered: a report of thousands of findings would be one write per line.
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let written = match args.format {
        Format::Text => write_text(&mut out, &scanned, listed),
        Format::Json => write_json(&mut out, &scanned, range, listed, status),
        Format::Sarif => write_sarif(&mut out, &scanned, listed),
    };
    if written.and_then(|()| out.flush()).is_err() {
        return 2;
    }
    status
}

/// Scans the history of the repository at `dir`: every commit reachable from its refs, or
/// `range` (git range syntax: `main~50..main`, `v1.0..`, a branch), limited to `pathspecs`,
/// each unique blob scanned once by `scanner`; with `selector`, only that key. The entry
/// point for any command that asks where a key appears in history.
pub(crate) fn scan_history(
    dir: &Path,
    range: Option<&str>,
    pathspecs: &[PathBuf],
    scanner: &Scanner,
    selector: Option<&KeySelector>,
    bar: &ProgressBar,
) -> Result<HistoryScan, Value> {
    let shallow = is_shallow(dir)?;
    let mut index = HistoryIndex::default();
    let mut batch = spawn(
        git(dir)
            .args(BATCH_ARGS)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
        "cat-file",
    )?;
    let (Some(stdin), Some(stdout)) = (batch.stdin.take(), batch.stdout.take()) else {
        return Err(git_failed("git cat-file: no pipes"));
    };
    widen_pipe(&stdout);
    let mut wanted = BufWriter::with_capacity(64 * 1024, stdin);
    let mut write_error = None;
    let (walked, scans) = std::thread::scope(|s| {
        let reader = s.spawn(|| read_blobs(stdout, scanner, bar));
        let mut fetch = |id: pictify_keys::scan::history::ObjectId| {
            if write_error.is_none() {
                if let Err(e) = writeln!(wanted, "{id}") {
                    write_error = Some(e.kind());
                }
            }
        };
        // HEAD first: its blobs are the ones most likely to be asked for again.
        let walked = read_head(dir, &mut index, &mut fetch)
            .and_then(|()| read_log(dir, range, pathspecs, &mut index, &mut fetch));
        // Closing cat-file's input ends its output once every blob is out.
        let flushed = wanted.flush();
        drop(wanted);
        let scans = reader
            .join()
            .unwrap_or_else(|_| Err("the blob reader stopped".into()));
        (
            walked.and_then(|()| {
                flushed.map_err(|e| git_failed(&format!("git cat-file: {}", e.kind())))
            }),
            scans,
        )
    });
    let _ = batch.wait();
    walked?;
    if let Some(kind) = write_error {
        return Err(git_failed(&format!("git cat-file: {kind}")));
    }
    let scans = scans.map_err(|m| git_failed(&m))?;
    Ok(HistoryScan {
        report: index.report(&scans, selector),
        shallow,
    })
}

fn git(dir: &Path) -> Command {
    let mut c = Command::new("git");
    c.arg("-C").arg(dir).arg("--no-pager");
    // Never prompt for credentials, never fetch missing objects of a partial clone.
    c.env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_NO_LAZY_FETCH", "1");
    c
}

/// Asks Linux for a 1 MiB pipe (the unprivileged maximum; 64 KiB by default): git's ~100 MB
/// of blob content then crosses in 16x fewer wake-ups of the reader and of git. Best effort:
/// a smaller limit (`/proc/sys/fs/pipe-max-size`) or another OS keeps the default.
#[cfg(target_os = "linux")]
fn widen_pipe(pipe: &impl std::os::fd::AsFd) {
    let _ = rustix::pipe::fcntl_setpipe_size(pipe, 1 << 20);
}

#[cfg(not(target_os = "linux"))]
fn widen_pipe<T>(_pipe: &T) {}

fn spawn(cmd: &mut Command, what: &str) -> Result<Child, Value> {
    cmd.spawn()
        .map_err(|e| git_failed(&format!("cannot run git {what}: {}", e.kind())))
}

fn git_failed(message: &str) -> Value {
    report::command_error("git_failed", "input", message)
}

/// git's own message (its first line), with any key in it redacted.
fn git_message(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    pictify_keys::redact::redact(line.trim()).into_owned()
}

/// Whether the repository is shallow; also the check that `dir` is in a git repository.
fn is_shallow(dir: &Path) -> Result<bool, Value> {
    let out = git(dir)
        .args(["rev-parse", "--is-shallow-repository"])
        .stdin(Stdio::null())
        .output()
        .map_err(|e| git_failed(&format!("cannot run git: {}", e.kind())))?;
    if out.status.success() {
        return Ok(out.stdout.starts_with(b"true"));
    }
    let message = git_message(&out.stderr);
    if message.contains("not a git repository") {
        return Err(report::command_error(
            "not_a_git_repository",
            "input",
            &format!(
                "{}: not inside a git repository; run the history scan in a clone (git clone URL) or its work tree",
                if dir == Path::new(".") { "the current directory".to_owned() } else { dir.display().to_string() }
            ),
        ));
    }
    Err(git_failed(&format!("git rev-parse failed: {message}")))
}

/// Lists the HEAD tree into the index (an unborn HEAD, as in an empty repository, leaves
/// "still in HEAD" unknown).
fn read_head(
    dir: &Path,
    index: &mut HistoryIndex,
    fetch: &mut impl FnMut(pictify_keys::scan::history::ObjectId),
) -> Result<(), Value> {
    let out = git(dir)
        .args(TREE_ARGS)
        .arg("HEAD")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| git_failed(&format!("cannot run git ls-tree: {}", e.kind())))?;
    if !out.status.success() {
        return Ok(());
    }
    index.head_read();
    for record in out.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let (side, path) = parse_tree_entry(record)
            .ok_or_else(|| git_failed("git ls-tree printed a line that cannot be read"))?;
        index.add_head(side, path, fetch);
    }
    Ok(())
}

/// Streams `git log` into the index, asking for each new blob as soon as it is named.
fn read_log(
    dir: &Path,
    range: Option<&str>,
    pathspecs: &[PathBuf],
    index: &mut HistoryIndex,
    fetch: &mut impl FnMut(pictify_keys::scan::history::ObjectId),
) -> Result<(), Value> {
    let mut cmd = git(dir);
    cmd.args(LOG_ARGS);
    match range {
        Some(r) => cmd.args(["--end-of-options", r]),
        None => cmd.arg("--all"),
    };
    cmd.arg("--").args(pathspecs);
    let mut child = spawn(
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        "log",
    )?;
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(git_failed("git log: no pipes"));
    };
    widen_pipe(&stdout);
    let errors = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = stderr.read_to_end(&mut text);
        text
    });
    let mut parser = LogParser::default();
    let mut buf = vec![0u8; 256 * 1024];
    let mut bad = None;
    let mut add = |r| {
        if bad.is_none() {
            if let Err(e) = index.add(r, fetch) {
                bad = Some(e);
            }
        }
    };
    let parsed = loop {
        match stdout.read(&mut buf) {
            Ok(0) => break Ok(()),
            Ok(n) => {
                if let Err(e) = parser.push(&buf[..n], &mut add) {
                    break Err(e);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(git_failed(&format!("git log: {}", e.kind()))),
        }
    };
    let parsed = parsed.and_then(|()| parser.finish(&mut add));
    drop(stdout);
    let status = child.wait();
    let stderr = errors.join().unwrap_or_default();
    match status {
        Ok(s) if s.success() => {}
        Ok(_) => {
            let message = git_message(&stderr);
            let code = if message.contains("unknown revision")
                || message.contains("bad revision")
                || message.contains("ambiguous argument")
                || message.contains("Invalid symmetric difference")
            {
                "bad_revision"
            } else {
                "git_failed"
            };
            return Err(report::command_error(
                code,
                "input",
                &format!("git log failed: {message}"),
            ));
        }
        Err(e) => return Err(git_failed(&format!("git log: {}", e.kind()))),
    }
    if let Some(e) = parsed.err().or(bad) {
        return Err(report::command_error(e.code(), "input", &e.to_string()));
    }
    Ok(())
}

/// Reads `git cat-file --batch` answers and scans each blob (over the size limit: skipped and
/// counted, read through in bounded memory without being kept).
fn read_blobs(
    stdout: impl Read,
    scanner: &Scanner,
    bar: &ProgressBar,
) -> Result<BlobScans, String> {
    let mut reader = BufReader::with_capacity(1 << 20, stdout);
    let mut scans = BlobScans::default();
    let mut header = Vec::new();
    let mut buf = Vec::new();
    let broken = |e: io::Error| format!("git cat-file: {}", e.kind());
    loop {
        header.clear();
        if reader.read_until(b'\n', &mut header).map_err(broken)? == 0 {
            return Ok(scans);
        }
        match parse_batch_header(&header) {
            Some(BatchHeader::Missing(id)) => scans.add_missing(id),
            Some(BatchHeader::Found { id, blob, size }) => {
                if !blob || scanner.too_large(size) {
                    io::copy(&mut (&mut reader).take(size + 1), &mut io::sink()).map_err(broken)?;
                    if blob {
                        scans.add(id, FileOutcome::TooLarge);
                    } else {
                        scans.add_missing(id);
                    }
                    continue;
                }
                buf.clear();
                (&mut reader)
                    .take(size + 1)
                    .read_to_end(&mut buf)
                    .map_err(broken)?;
                if buf.len() as u64 != size + 1 {
                    return Err("git cat-file: the output ends inside a blob".into());
                }
                buf.pop();
                scans.add(id, scanner.scan_file(&buf));
                bar.inc(1);
            }
            None => return Err("git cat-file printed a header that cannot be read".into()),
        }
    }
}

/// A path for one line of text: control characters (a newline or a tab in a file name)
/// escaped as `\n`, `\t`, `\u{1b}`, so each finding stays on its line.
fn one_line(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(char::is_control) {
        return path.into();
    }
    path.chars()
        .map(|c| match c {
            c if c.is_control() => c.escape_default().to_string(),
            c => c.to_string(),
        })
        .collect::<String>()
        .into()
}

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

fn write_text(out: &mut impl Write, scanned: &HistoryScan, listed: Listed) -> io::Result<()> {
    let r = &scanned.report;
    for (i, hf) in r.findings.iter().enumerate() {
        if !shown(&hf.finding, listed) {
            continue;
        }
        let c = &r.commits[hf.commit];
        let key = &r.keys[hf.key];
        let intro = if key.introduced == i {
            "introduced here".to_owned()
        } else {
            format!("introduced in {}", short(&r.introduced_in(hf).id))
        };
        let head = match key.in_head {
            Some(true) => "; still in HEAD",
            Some(false) => "; not in HEAD, still in history",
            None => "",
        };
        writeln!(
            out,
            "{} {} {} <{}>: {}:{}:{}: {} [sha256:{}] ({intro}{head})",
            short(&c.id),
            c.date,
            c.author,
            c.email,
            one_line(&hf.path),
            hf.finding.line,
            hf.finding.column,
            describe(&hf.finding),
            hf.finding.hash,
        )?;
    }
    let s = &r.summary;
    let removed = r.keys.iter().filter(|k| k.in_head == Some(false)).count();
    writeln!(
        out,
        "scanned {} commits, {} blobs ({:.1} MB){}: {} real key(s), {} allowed, {} placeholder(s), {} fixture(s) in {} distinct key(s), {} no longer in HEAD; skipped {} binary, {} over the size limit; {} error(s)",
        r.walked,
        s.files,
        s.bytes as f64 / 1e6,
        if scanned.shallow { " of a shallow clone (partial history)" } else { "" },
        s.blocking,
        s.allowed,
        s.placeholders,
        s.fixtures,
        r.keys.len(),
        removed,
        s.skipped_binary,
        s.skipped_large,
        s.errors
    )
}

fn write_json(
    out: &mut impl Write,
    scanned: &HistoryScan,
    range: Option<&str>,
    listed: Listed,
    status: u8,
) -> io::Result<()> {
    let r = &scanned.report;
    let findings: Vec<Value> = r
        .findings
        .iter()
        .enumerate()
        .filter(|(_, hf)| shown(&hf.finding, listed))
        .map(|(i, hf)| {
            let c = &r.commits[hf.commit];
            let key = &r.keys[hf.key];
            let mut v = finding_json(&hf.path, &hf.finding);
            v["commit"] = json!(c.id);
            v["author"] = json!(c.author);
            v["email"] = json!(c.email);
            v["date"] = json!(c.date);
            v["introduced_in"] = json!(r.introduced_in(hf).id);
            v["introduced"] = json!(key.introduced == i);
            v["in_head"] = json!(key.in_head);
            v
        })
        .collect();
    let keys: Vec<Value> = r
        .keys
        .iter()
        .filter(|k| shown(&r.findings[k.introduced].finding, listed))
        .map(|k| {
            let first = &r.findings[k.introduced];
            let c = &r.commits[first.commit];
            json!({
                "fingerprint": k.fingerprint,
                "hash": format!("sha256:{}", k.hash),
                "mode": k.mode.as_str(),
                "class": k.class.as_str(),
                "introduced": {
                    "commit": c.id, "author": c.author, "email": c.email, "date": c.date,
                    "path": first.path, "line": first.finding.line, "column": first.finding.column,
                },
                "occurrences": k.occurrences,
                "commits": k.commits,
                "in_head": k.in_head,
            })
        })
        .collect();
    let mut errors = Vec::new();
    if r.summary.errors > 0 {
        errors.push(json!({ "path": "", "message": format!("{} object(s) missing from the repository (a partial clone?)", r.summary.errors) }));
    }
    let doc = json!({
        "findings": findings,
        "keys": keys,
        "history": {
            "range": range,
            "commits": r.walked,
            "changes": r.changes,
            "blobs": r.summary.files,
            "shallow": scanned.shallow,
            "partial": scanned.shallow,
        },
        "summary": r.summary,
        "errors": errors,
        "exit": status,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn write_sarif(out: &mut impl Write, scanned: &HistoryScan, listed: Listed) -> io::Result<()> {
    let r = &scanned.report;
    let results: Vec<Value> = r
        .findings
        .iter()
        .enumerate()
        .filter(|(_, hf)| shown(&hf.finding, listed))
        .map(|(i, hf)| {
            let c = &r.commits[hf.commit];
            let key = &r.keys[hf.key];
            let mut v = sarif::result(&hf.path, &hf.finding);
            v["properties"] = json!({
                "commit": c.id,
                "author": c.author,
                "authorEmail": c.email,
                "date": c.date,
                "introducedIn": r.introduced_in(hf).id,
                "introduced": key.introduced == i,
                "inHead": key.in_head,
            });
            v
        })
        .collect();
    let mut notifications = Vec::new();
    if scanned.shallow {
        notifications.push(json!({ "level": "warning", "descriptor": { "id": "shallow_history" }, "message": { "text": "shallow clone: the history is partial" } }));
    }
    if r.summary.errors > 0 {
        notifications.push(json!({ "level": "error", "message": { "text": format!("{} object(s) missing from the repository", r.summary.errors) } }));
    }
    let doc = sarif::document(results, notifications, r.summary.errors == 0);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
