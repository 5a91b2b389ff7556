//! `pictify-keys audit`: the core's usage monitor over JSON-lines audit logs.

use std::fmt::Write as _;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::Duration;

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pictify_keys::monitor::{
    parse_lines, Config, GeoInfo, GeoLookup, IpClass, Location, Monitor, ParsedLines, Report,
    MAX_LINE,
};

/// Arguments of `pictify-keys audit`.
#[derive(Args)]
pub struct AuditArgs {
    /// Audit logs, one JSON object per line, plain or gzip (recognised by content). Without
    /// a file, or with `-`, reads stdin. Several files are read as one time-ordered stream.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,

    /// Monitor configuration (TOML): keys by ID with name, environment, allowed networks,
    /// business hours and time zone, revocation time, and detector thresholds.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Output format: a usage table then alerts (text), the whole report as JSON, or the
    /// self-contained HTML page (as --html writes it).
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = ["text", "json", "html"])]
    format: String,

    /// Also write the report as one self-contained HTML page (inline CSS and SVG charts,
    /// no script, nothing loaded from the network) to FILE.
    #[arg(long, value_name = "FILE")]
    html: Option<PathBuf>,

    /// Stop at the first malformed line (exit 2) instead of counting it and going on.
    #[arg(long)]
    strict: bool,

    /// A MaxMind-format database (`.mmdb`: GeoLite2/GeoIP2 Country, City or ASN, or any
    /// file with the same fields) that adds country and autonomous system to the public
    /// addresses of each alert; repeat for a country and an ASN file. Reserved and
    /// documentation ranges are classified without it and never looked up.
    #[arg(long, value_name = "FILE")]
    geoip: Vec<PathBuf>,

    /// Never draw the progress bar (it is drawn only when stderr is a terminal).
    #[arg(long)]
    no_progress: bool,

    /// Threads that parse lines while the main thread analyses them in order (default: one
    /// per CPU). The report is the same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

/// Bytes read at a time: each piece, cut after its last newline, is parsed on a worker.
const CHUNK: usize = 1024 * 1024;

/// Runs the analysis and returns the exit status: 0 no alert, 1 alerts, 2 an input error.
pub fn run(args: &AuditArgs) -> u8 {
    let config = match &args.config {
        None => Config::default(),
        Some(path) => match std::fs::read_to_string(path) {
            Err(e) => {
                eprintln!(
                    "error[config_unreadable]: {}: cannot read the file: {}",
                    path.display(),
                    e.kind()
                );
                return 2;
            }
            Ok(text) => match Config::parse(&text) {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("error[{}]: {}: {e}", e.code(), path.display());
                    return 2;
                }
            },
        },
    };
    let mut geo = Mmdb(Vec::new());
    for path in &args.geoip {
        match maxminddb::Reader::open_readfile(path) {
            Ok(r) => geo.0.push(r),
            Err(e) => {
                let what = match e {
                    maxminddb::MaxMindDbError::Io(e) => {
                        format!("cannot read the file: {}", e.kind())
                    }
                    _ => "not a MaxMind DB (.mmdb) file".to_owned(),
                };
                eprintln!("error[geoip_unreadable]: {}: {what}", path.display());
                return 2;
            }
        }
    }
    let mut monitor = Monitor::new(config);
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let inputs = crate::inputs(&args.files);
    let mut status = 0;
    for input in inputs {
        let label = input.map_or_else(|| "-".to_owned(), |p| p.display().to_string());
        let Some((reader, size)) = crate::open_input(input, &label) else {
            status = 2;
            continue;
        };
        let bar = progress(args, size, &label);
        monitor.begin_source(&label);
        let result = read_into(&mut monitor, reader, &bar, args.strict, threads);
        monitor.end_source();
        bar.finish_and_clear();
        if let Err(e) = result {
            let what = if e.kind() == io::ErrorKind::InvalidData
                || e.kind() == io::ErrorKind::InvalidInput
            {
                "not a readable gzip stream"
            } else {
                "read failed"
            };
            eprintln!("error[file_unreadable]: {label}: {what}: {}", e.kind());
            status = 2;
        }
        if args.strict {
            if let Some((issue, at)) = monitor.first_issue() {
                eprintln!(
                    "error[{}]: {}:{}: {}",
                    issue.code(),
                    at.source,
                    at.line,
                    issue.message()
                );
                return 2;
            }
        }
    }
    let mut report = monitor.finish();
    report.locate(if geo.0.is_empty() { None } else { Some(&geo) });
    if let Some(path) = &args.html {
        if !crate::html::write_page(path, &crate::html_audit::render(&report)) {
            return 2;
        }
    }
    let out = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&report).map(|mut s| {
            s.push('\n');
            s
        }),
        "html" => Ok(crate::html_audit::render(&report)),
        _ => Ok(text(&report)),
    };
    let written = match out {
        Ok(s) => io::stdout().lock().write_all(s.as_bytes()),
        Err(e) => Err(e.into()),
    };
    if let Err(e) = written {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("error[write_failed]: cannot write the output: {}", e.kind());
            return 2;
        }
    }
    if status != 0 {
        status
    } else if report.alerts.is_empty() {
        0
    } else {
        1
    }
}

/// Feeds `reader` (gunzipped when it starts with the gzip magic) to the monitor: this thread
/// reads pieces of whole lines, `threads` workers parse them (round robin), and this thread
/// feeds the parsed pieces to the monitor in read order, so the report does not depend on
/// the number of threads.
fn read_into(
    monitor: &mut Monitor,
    reader: Box<dyn Read>,
    bar: &ProgressBar,
    strict: bool,
    threads: usize,
) -> io::Result<()> {
    let mut reader = BufReader::with_capacity(64 * 1024, bar.wrap_read(reader));
    let gzip = reader.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read> = if gzip {
        Box::new(flate2::bufread::MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let mut pieces = Pieces {
        reader,
        carry: Vec::new(),
        done: false,
    };
    if threads <= 1 {
        while let Some(piece) = pieces.next(Vec::new())? {
            monitor.feed_parsed(&parse_lines(&piece));
            if strict && monitor.issue_count() > 0 {
                break;
            }
        }
        return Ok(());
    }
    std::thread::scope(|s| {
        let (mut to_workers, mut from_workers) = (Vec::new(), Vec::new());
        for _ in 0..threads {
            let (tx, rx) = mpsc::sync_channel::<Vec<u8>>(2);
            let (back, results) = mpsc::sync_channel::<(ParsedLines, Vec<u8>)>(2);
            s.spawn(move || {
                for piece in rx {
                    if back.send((parse_lines(&piece), piece)).is_err() {
                        break;
                    }
                }
            });
            to_workers.push(tx);
            from_workers.push(results);
        }
        // Up to two pieces per worker in flight; results are taken in the order sent.
        let (mut sent, mut fed) = (0usize, 0usize);
        let mut spare: Vec<Vec<u8>> = Vec::new();
        let result = loop {
            while sent - fed < 2 * threads {
                match pieces.next(spare.pop().unwrap_or_default()) {
                    Ok(Some(piece)) => {
                        if to_workers[sent % threads].send(piece).is_err() {
                            break;
                        }
                        sent += 1;
                    }
                    Ok(None) => break,
                    Err(e) => return Err(e),
                }
            }
            if fed == sent {
                break Ok(());
            }
            let Ok((parsed, buf)) = from_workers[fed % threads].recv() else {
                break Err(io::Error::other("a parsing thread stopped"));
            };
            fed += 1;
            monitor.feed_parsed(&parsed);
            spare.push(buf);
            if strict && monitor.issue_count() > 0 {
                break Ok(());
            }
        };
        // Dropping both ends stops every worker, whether idle or waiting to hand back.
        drop(to_workers);
        drop(from_workers);
        result
    })
}

/// Cuts a byte stream into pieces of whole lines of about [`CHUNK`] bytes.
struct Pieces {
    reader: Box<dyn Read>,
    /// The start of the next piece: the unfinished line after the last newline.
    carry: Vec<u8>,
    done: bool,
}

impl Pieces {
    /// The next piece, in `buf` (reused); `None` at the end of the stream. A line longer
    /// than a piece is cut to `MAX_LINE + 1` bytes, so it is still reported as too long.
    fn next(&mut self, mut buf: Vec<u8>) -> io::Result<Option<Vec<u8>>> {
        buf.clear();
        buf.append(&mut self.carry);
        self.fill(&mut buf, CHUNK)?;
        if !self.done {
            if let Some(nl) = buf.iter().rposition(|&b| b == b'\n') {
                self.carry.extend_from_slice(&buf[nl + 1..]);
                buf.truncate(nl + 1);
            } else {
                // One line fills the piece: keep enough of it to be too long, skip the rest.
                buf.truncate(MAX_LINE + 1);
                let mut skip = Vec::with_capacity(64 * 1024);
                while !self.done {
                    skip.clear();
                    self.fill(&mut skip, 64 * 1024)?;
                    if let Some(nl) = skip.iter().position(|&b| b == b'\n') {
                        self.carry.extend_from_slice(&skip[nl + 1..]);
                        buf.push(b'\n');
                        break;
                    }
                }
            }
        }
        Ok((!buf.is_empty()).then_some(buf))
    }

    /// Reads into `buf` until it holds `size` bytes or the stream ends.
    fn fill(&mut self, buf: &mut Vec<u8>, size: usize) -> io::Result<()> {
        while buf.len() < size && !self.done {
            let old = buf.len();
            buf.resize(size, 0);
            match self.reader.read(&mut buf[old..]) {
                Ok(0) => {
                    buf.truncate(old);
                    self.done = true;
                }
                Ok(n) => buf.truncate(old + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => buf.truncate(old),
                Err(e) => {
                    buf.truncate(old);
                    return Err(e);
                }
            }
        }
        Ok(())
    }
}

fn progress(args: &AuditArgs, size: Option<u64>, label: &str) -> ProgressBar {
    if args.no_progress || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(size, ProgressDrawTarget::stderr());
    let template = if size.is_some() {
        "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
    } else {
        "{spinner} {msg} {bytes} {bytes_per_sec} [{elapsed}]"
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(label.to_owned());
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// The usage table, then the alerts, then the left-out lines.
fn text(report: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} events from {} lines, {} keys, {}-minute windows",
        report.events,
        report.lines,
        report.keys.len(),
        report.window_minutes
    );
    if !report.keys.is_empty() {
        let _ = writeln!(
            s,
            "\n{:<24} {:<20} {:>9} {:>8} {:>7} {:>7} {:>7} {:>6} {:>6} {:>6} {:>5} {:<20} {:<20} STATUS",
            "KEY", "NAME", "REQUESTS", "2XX", "4XX", "5XX", "401/403", "429", "ERR%", "IPS", "NETS", "FIRST SEEN", "LAST SEEN"
        );
    }
    for k in &report.keys {
        let state = match (k.learning, k.configured) {
            (true, true) => "learning",
            (true, false) => "learning, not in config",
            (false, true) => "ok",
            (false, false) => "not in config",
        };
        let _ = writeln!(
            s,
            "{:<24} {:<20} {:>9} {:>8} {:>7} {:>7} {:>7} {:>6} {:>6.2} {:>6} {:>5} {:<20} {:<20} {state}",
            k.key_id,
            clip(k.name.as_deref().unwrap_or("-"), 20),
            k.requests,
            k.status_2xx,
            k.status_4xx,
            k.status_5xx,
            k.auth_failures,
            k.rate_limited,
            k.error_rate * 100.0,
            k.distinct_ips,
            k.distinct_networks,
            k.first_seen,
            k.last_seen,
        );
    }
    if report.alerts.is_empty() {
        s.push_str("\nNo alerts.\n");
    } else {
        let _ = writeln!(s, "\nAlerts ({}):", report.alerts.len());
    }
    for a in &report.alerts {
        let _ = writeln!(
            s,
            "\n[{}] {} {} {} -> {} ({}, {} window{})",
            a.severity.as_str(),
            a.kind.code(),
            a.key_id,
            pictify_keys::monitor::format_timestamp(a.start),
            pictify_keys::monitor::format_timestamp(a.end),
            if a.open { "open" } else { "ended" },
            a.windows,
            if a.windows == 1 { "" } else { "s" }
        );
        let _ = writeln!(s, "  id: {}", a.id);
        let _ = writeln!(s, "  {}", a.detail);
        for (name, list) in [
            ("top IPs", &a.top_ips),
            ("top networks", &a.top_networks),
            ("top user agents", &a.top_user_agents),
            ("top endpoints", &a.top_endpoints),
        ] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|(k, n)| format!("{k} ({n})")).collect();
                let _ = writeln!(s, "  {name}: {}", items.join(", "));
            }
        }
        let places: Vec<String> = a
            .locations
            .iter()
            .filter(|l| l.class != IpClass::Public || l.country.is_some() || l.asn.is_some())
            .map(place)
            .collect();
        if !places.is_empty() {
            let _ = writeln!(s, "  where: {}", places.join("; "));
        }
        let lines: Vec<String> = a
            .evidence
            .iter()
            .map(|e| format!("{}:{}", e.source, e.line))
            .collect();
        let _ = writeln!(s, "  evidence: {}", lines.join(", "));
        let _ = writeln!(s, "  action: {}", a.action);
    }
    if report.issue_count() > 0 {
        let _ = writeln!(s, "\nLines left out: {}", report.issue_count());
        for i in &report.issues {
            let lines: Vec<String> = i
                .lines
                .iter()
                .map(|e| format!("{}:{}", e.source, e.line))
                .collect();
            let more = if i.count > i.lines.len() as u64 {
                ", …"
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "  [{}] {} x{}: {}{more}",
                i.code,
                i.message,
                i.count,
                lines.join(", ")
            );
        }
    }
    s
}

fn clip(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_owned()
    } else {
        let mut c: String = s.chars().take(width - 1).collect();
        c.push('…');
        c
    }
}

/// `203.0.113.9 documentation`, `81.2.69.160 GB AS20712 Andrews & Arnold`.
pub fn place(l: &Location) -> String {
    let mut parts = vec![l.ip.clone()];
    if l.class != IpClass::Public {
        parts.push(l.class.as_str().replace('_', "-"));
    }
    if let Some(c) = &l.country {
        parts.push(c.clone());
    }
    if let Some(n) = l.asn {
        parts.push(format!("AS{n}"));
    }
    if let Some(o) = &l.as_org {
        parts.push(o.clone());
    }
    parts.join(" ")
}

/// The user's `.mmdb` files, asked in order; the first answer for each field wins.
struct Mmdb(Vec<maxminddb::Reader<Vec<u8>>>);

/// The fields read from a record: GeoIP2 Country/City (`country`, else
/// `registered_country`) and GeoLite2 ASN.
#[derive(serde::Deserialize)]
struct MmdbRecord {
    country: Option<MmdbCountry>,
    registered_country: Option<MmdbCountry>,
    autonomous_system_number: Option<u32>,
    autonomous_system_organization: Option<String>,
}

#[derive(serde::Deserialize)]
struct MmdbCountry {
    iso_code: Option<String>,
}

impl GeoLookup for Mmdb {
    fn lookup(&self, ip: std::net::IpAddr) -> GeoInfo {
        let mut info = GeoInfo::default();
        for reader in &self.0 {
            let Ok(Some(r)) = reader.lookup(ip).and_then(|res| res.decode::<MmdbRecord>()) else {
                continue;
            };
            if info.country.is_none() {
                info.country = r
                    .country
                    .and_then(|c| c.iso_code)
                    .or_else(|| r.registered_country.and_then(|c| c.iso_code))
                    .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_alphabetic()));
            }
            if info.asn.is_none() {
                info.asn = r.autonomous_system_number;
            }
            if info.as_org.is_none() {
                info.as_org = r.autonomous_system_organization;
            }
        }
        info
    }
}
