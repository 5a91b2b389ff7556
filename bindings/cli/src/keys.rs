//! `pictify-keys keys`: the key inventory from the project's configuration (the TOML the
//! monitor reads), with age and last use from audit logs, and what needs doing.

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use clap::Args;
use pictify_keys::inventory::{Inventory, LastUse, ManagerDates};
use pictify_keys::monitor::{parse_timestamp, Config, Monitor};
use serde_json::json;

use crate::report;

/// Configuration file names looked for in the current directory when `--config` is not given.
pub const CONFIG_NAMES: [&str; 2] = ["pictify-keys.toml", "monitor.toml"];

/// Arguments of `pictify-keys keys`.
#[derive(Args)]
pub struct KeysArgs {
    /// The configuration (TOML) that lists the keys by ID (default: pictify-keys.toml or
    /// monitor.toml in the current directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Audit logs (JSON lines, plain or gzip) for last use; default: the configuration's
    /// `audit_logs`.
    #[arg(long, value_name = "LOG", num_args = 1..)]
    audit: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json"])]
    format: String,

    /// Judge ages at this time instead of now (RFC 3339 UTC, e.g. 2026-12-02T00:00:00Z).
    #[arg(long, value_name = "TIME")]
    now: Option<String>,

    /// Do not ask secrets managers for the dates of keys configured with a `source`
    /// reference (by default each is asked once, with the usual VAULT_*/AWS_*/Google
    /// credentials from the environment).
    #[arg(long)]
    offline: bool,
}

/// An error of a command: its code and message (never a secret), exit status 2.
pub struct Failure {
    /// The stable code.
    pub code: String,
    /// The message, without the code.
    pub message: String,
}

impl Failure {
    fn new(code: &str, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// Prints it (JSON on stdout too when `json`) and returns exit status 2.
    pub fn report(&self, json: bool) -> u8 {
        let error = report::command_error(&self.code, "input", &self.message);
        if json {
            println!("{}", json!({ "error": error, "exit": 2 }));
        }
        report::eprint(&error);
        2
    }
}

/// The configuration at `path`, or the first of [`CONFIG_NAMES`] in `dir`; with its path.
/// `Ok(None)` when no path was given and none exists.
pub fn load_config(path: Option<&Path>, dir: &Path) -> Result<Option<(Config, PathBuf)>, Failure> {
    let path = match path {
        Some(p) => p.to_path_buf(),
        None => match CONFIG_NAMES
            .iter()
            .map(|n| dir.join(n))
            .find(|p| p.is_file())
        {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failure::new(
            "config_unreadable",
            format!("{}: cannot read the file: {}", path.display(), e.kind()),
        )
    })?;
    // The core refuses a key anywhere in the file before parsing, so the message never
    // echoes it.
    let config = Config::parse(&text)
        .map_err(|e| Failure::new(e.code(), format!("{}: {e}", path.display())))?;
    Ok(Some((config, path)))
}

/// The audit logs to read: those given, else the configuration's `audit_logs` (relative to
/// the configuration file).
pub fn audit_paths(given: &[PathBuf], config: &Config, config_path: &Path) -> Vec<PathBuf> {
    if !given.is_empty() {
        return given.to_vec();
    }
    let base = config_path.parent().unwrap_or(Path::new(""));
    let base = if base == Path::new(".") {
        Path::new("")
    } else {
        base
    };
    config.audit_logs.iter().map(|p| base.join(p)).collect()
}

/// Reads `path` (gzip recognised by content) line by line, handing each line without its
/// newline and its 1-based number to `each`. Lines longer than the monitor's limit are cut.
pub fn read_lines(path: &Path, mut each: impl FnMut(u64, &[u8])) -> Result<(), Failure> {
    let unreadable = |e: io::Error| {
        Failure::new(
            "file_unreadable",
            format!("{}: cannot read the file: {}", path.display(), e.kind()),
        )
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let mut reader = BufReader::with_capacity(256 * 1024, file);
    let gzip = reader
        .fill_buf()
        .map_err(unreadable)?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let mut reader = BufReader::with_capacity(256 * 1024, reader);
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(pictify_keys::monitor::MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(unreadable)?;
        if read == 0 {
            return Ok(());
        }
        let complete = line.last() == Some(&b'\n');
        if complete {
            line.pop();
        } else if read > pictify_keys::monitor::MAX_LINE {
            // Too long: skip to the end of the line; the caller sees a cut line (refused).
            let mut sink = Vec::new();
            reader.read_until(b'\n', &mut sink).map_err(unreadable)?;
        }
        n += 1;
        each(n, &line);
    }
}

/// The clock: `--now` when given, else the system time.
pub fn now(given: Option<&str>) -> Result<i64, Failure> {
    match given {
        Some(t) => parse_timestamp(t).map_err(|_| {
            Failure::new(
                "invalid_argument",
                "--now: write a UTC time such as 2026-12-02T00:00:00Z",
            )
        }),
        None => Ok(std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))),
    }
}

/// Last use from the audit logs, through the core monitor.
pub fn last_use(config: &Config, logs: &[PathBuf]) -> Result<LastUse, Failure> {
    if logs.is_empty() {
        return Ok(LastUse::default());
    }
    let mut monitor = Monitor::new(config.clone());
    for path in logs {
        monitor.begin_source(&path.display().to_string());
        read_lines(path, |_, line| monitor.feed_line(line))?;
    }
    Ok(LastUse::from_report(&monitor.finish()))
}

/// Runs the command; exit status 0 nothing flagged, 1 flags, 2 an input error.
pub fn run(args: &KeysArgs) -> u8 {
    let json = args.format == "json";
    match inventory(args) {
        Ok(inv) => {
            let out = if json {
                serde_json::to_string_pretty(&inv)
                    .map(|s| s + "\n")
                    .unwrap_or_default()
            } else {
                text(&inv)
            };
            if let Err(e) = io::stdout().lock().write_all(out.as_bytes()) {
                if e.kind() != io::ErrorKind::BrokenPipe {
                    eprintln!("error[write_failed]: cannot write the output: {}", e.kind());
                    return 2;
                }
            }
            inv.exit_status()
        }
        Err(f) => f.report(json),
    }
}

fn inventory(args: &KeysArgs) -> Result<Inventory, Failure> {
    let now = now(args.now.as_deref())?;
    let (config, path) = load_config(args.config.as_deref(), Path::new("."))?.ok_or_else(|| {
        Failure::new(
            "no_config",
            format!(
                "no configuration: pass --config FILE or create {} (keys by ID; see docs/monitor.md)",
                CONFIG_NAMES[0]
            ),
        )
    })?;
    let logs = audit_paths(&args.audit, &config, &path);
    let usage = last_use(&config, &logs)?;
    let managers = if args.offline {
        ManagerDates::default()
    } else {
        manager_dates(&config, now)
    };
    Ok(Inventory::build_with(&config, &usage, &managers, now))
}

/// Asks the manager of every key configured with a `source` for its dates (one request
/// each); a failure is kept per key (`[code] message`), it never stops the inventory.
pub fn manager_dates(config: &Config, now: i64) -> ManagerDates {
    use pictify_keys::secrets::{metadata::fetch_dates, NativeTransport, SecretRef};
    let transport = NativeTransport::new();
    let mut dates = ManagerDates::default();
    for (id, key) in &config.keys {
        let Some(source) = &key.source else { continue };
        let answer = SecretRef::parse(source, &format!("keys.{id}.source"))
            .map_err(|e| format!("[{}] {e}", e.code()))
            .and_then(|reference| {
                fetch_dates(
                    &reference,
                    &pictify_keys::ProcessEnv,
                    &transport,
                    u64::try_from(now).unwrap_or(0),
                )
                .map_err(|e| format!("[{}] {e}", e.code()))
            });
        dates.keys.insert(id.clone(), answer);
    }
    dates
}

fn date(t: Option<&String>) -> &str {
    t.map_or("-", |s| s.get(..10).unwrap_or(s))
}

fn text(inv: &Inventory) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} key(s) at {}{}",
        inv.keys.len(),
        inv.now,
        match (&inv.logs.from, &inv.logs.to) {
            (Some(a), Some(b)) => format!(", last use from audit logs {a} to {b}"),
            _ if inv.logs.given => ", audit logs given are empty".to_owned(),
            _ => ", no audit log given (last use unknown)".to_owned(),
        }
    );
    let _ = writeln!(
        s,
        "\n{:<20} {:<20} {:<5} {:<9} {:<22} {:<16} {:<10} {:>5} {:<10} {:>8}  PURPOSE",
        "ID",
        "NAME",
        "MODE",
        "ACCESS",
        "ENVIRONMENTS",
        "OWNER",
        "CREATED",
        "AGE",
        "LAST USE",
        "REQUESTS"
    );
    for k in &inv.keys {
        let last = match &k.last_used {
            _ if k.revoked => "revoked".to_owned(),
            // The secret's last read (AWS), when no audit log was given.
            Some(t) if k.last_used_from.as_deref() == Some("aws") => date(Some(t)).to_owned(),
            _ if !inv.logs.given => "?".to_owned(),
            Some(t) => date(Some(t)).to_owned(),
            None => "not seen".to_owned(),
        };
        let _ = writeln!(
            s,
            "{:<20} {:<20} {:<5} {:<9} {:<22} {:<16} {:<10} {:>5} {:<10} {:>8}  {}",
            k.id,
            k.name.as_deref().unwrap_or("-"),
            k.mode.map_or("-", |m| m.as_str()),
            k.access.as_deref().unwrap_or("-"),
            if k.environments.is_empty() {
                "-".to_owned()
            } else {
                k.environments.join(",")
            },
            k.owner.as_deref().unwrap_or("-"),
            date(k.created.as_ref()),
            k.age_days.map_or("-".to_owned(), |d| format!("{d}d")),
            last,
            k.requests,
            k.purpose.as_deref().unwrap_or("-"),
        );
    }
    let from_managers: Vec<_> = inv.keys.iter().filter(|k| k.manager.is_some()).collect();
    if !from_managers.is_empty() {
        let _ = writeln!(s, "\nFrom secrets managers:");
        for k in from_managers {
            let Some(m) = &k.manager else { continue };
            let source = k.source.as_deref().unwrap_or("-");
            if let Some(e) = &m.error {
                let _ = writeln!(s, "  {} ({source}): dates not read: {e}", k.id);
                continue;
            }
            let mut facts = Vec::new();
            for (what, t) in [
                ("created", &m.created),
                ("value written", &m.changed),
                ("rotated", &m.rotated),
                ("last read", &m.read),
            ] {
                if let Some(t) = t {
                    facts.push(format!("{what} {t}"));
                }
            }
            if let Some(v) = &m.version {
                facts.push(format!("version {v}"));
            }
            let used = if k.created_from.as_deref() == m.manager.as_deref() {
                " (the age above)"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  {} ({source}): {}{used}",
                k.id,
                if facts.is_empty() {
                    "no dates".to_owned()
                } else {
                    facts.join(", ")
                }
            );
        }
    }
    let flags: Vec<_> = inv.flags().collect();
    if flags.is_empty() && inv.unlisted.is_empty() {
        s.push_str("\nNothing flagged.\n");
        return s;
    }
    let _ = writeln!(s, "\nFlags ({}):", flags.len());
    for (k, f) in flags {
        let _ = writeln!(s, "  [{}] {}: {}", f.kind.code(), k.id, f.message);
        let _ = writeln!(s, "      fix: {}", f.fix);
    }
    if !inv.unlisted.is_empty() {
        let _ = writeln!(
            s,
            "\nUsed in the audit logs but not in the inventory: {}\n      fix: add them to the configuration (with an owner), or revoke them",
            inv.unlisted.join(", ")
        );
    }
    s
}
