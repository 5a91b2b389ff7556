//! Redaction throughput against the naive regex baseline, in one run:
//!
//! - `no_key_64mb`: 64 MB of realistic log text without a key (target: 3 GB/s or more);
//! - `key_per_kb_64mb`: the same text with one key per KB (target: 1 GB/s and 3x the regex);
//! - `lines_200b`: 200-byte lines redacted one at a time (target: under 100 ns per line).
//!
//! Each 64 MB case also runs the equivalent-coverage regex of `support/coverage_regex.rs` (what a
//! user would write to catch everything the core catches; its differences from the core on
//! tests/vectors/redaction.json are listed there and checked by a test), after checking that
//! it gives the core's output on the bench's text.
//!
//! Run: `cargo bench -p pictify-keys --bench redact`. Figures go to docs/benchmarks.md.
#![allow(clippy::unwrap_used)]

#[path = "support/coverage_regex.rs"]
mod coverage_regex;

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, BenchmarkGroup, Criterion, Throughput};
use pictify_keys::redact::{redact, Redactor};
use regex::Regex;

/// A small deterministic generator, so every run measures the same text.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
    fn alnum(&mut self, n: usize) -> String {
        const A: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        (0..n)
            .map(|_| char::from(A[(self.next() as usize) % A.len()]))
            .collect()
    }
    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[(self.next() as usize) % 16]))
            .collect()
    }
}

/// One log line of about 200 bytes in one of the shapes a Pictify integration writes.
fn log_line(rng: &mut Lcg) -> String {
    let level = rng.pick(&["INFO ", "DEBUG", "WARN ", "ERROR"]);
    let ts = format!(
        "2026-11-27T14:{:02}:{:02}.{:03}Z",
        rng.next() % 60,
        rng.next() % 60,
        rng.next() % 1000
    );
    let id = format!(
        "{}-{}-{}-{}-{}",
        rng.hex(8),
        rng.hex(4),
        rng.hex(4),
        rng.hex(4),
        rng.hex(12)
    );
    match rng.next() % 5 {
        0 => format!(
            "{ts} {level} GET https://api.pictify.io/v1/render?template={}&width=1200&height=630&format=png -> 200 ({}ms) request_id={id}",
            rng.pick(&["og-card", "tweet", "invoice", "banner"]),
            rng.next() % 900
        ),
        1 => format!(
            r#"{{"level":"{}","ts":"{ts}","msg":"render finished","template":"og-card","duration_ms":{},"request_id":"{id}","user":"u_{}"}}"#,
            level.trim().to_lowercase(),
            rng.next() % 900,
            rng.alnum(10)
        ),
        2 => format!(
            "{ts} {level} > Content-Type: application/json; charset=utf-8 > Accept: image/png > User-Agent: pictify-node/2.3.1 (linux; x64) trace={}",
            rng.hex(32)
        ),
        3 => format!(
            "{ts} {level} upload complete etag=\"{}\" size={} bucket=renders-eu-west-1 path=/renders/2026/11/{}.png",
            rng.hex(32),
            rng.next() % 1_000_000,
            id
        ),
        _ => format!(
            "{ts} {level} worker {} processed job {} in {} ms; queue depth {}, retries 0, cache hit ratio 0.{}",
            rng.next() % 16,
            id,
            rng.next() % 5000,
            rng.next() % 100,
            rng.next() % 100
        ),
    }
}

fn log_text(bytes: usize, key_every: Option<usize>) -> String {
    let mut rng = Lcg(0x5EED_0003);
    let mut text = String::with_capacity(bytes + 512);
    let mut next_key = key_every.unwrap_or(usize::MAX);
    while text.len() < bytes {
        let mut line = log_line(&mut rng);
        if text.len() + line.len() >= next_key {
            let key = format!("pk_{}_FAKE{}", rng.pick(&["live", "test"]), rng.alnum(28));
            let context = rng.pick(&[
                "api_key={}",
                "Authorization: Bearer {}",
                "\"apiKey\":\"{}\"",
                "key {} rotated",
            ]);
            line.push(' ');
            line.push_str(&context.replace("{}", &key));
            next_key += key_every.unwrap_or(usize::MAX);
        }
        text.push_str(&line);
        text.push('\n');
    }
    text
}

fn configure(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
}

fn whole(c: &mut Criterion) {
    let baseline = Regex::new(r"pk_(live|test)_[0-9A-Za-z]+").unwrap();
    for (name, key_every) in [("no_key_64mb", None), ("key_per_kb_64mb", Some(1024))] {
        let text = log_text(64 << 20, key_every);
        let mut group = c.benchmark_group(name);
        configure(&mut group);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function("pictify_redact", |b| {
            b.iter(|| redact(black_box(&text)).len())
        });
        group.bench_function("regex_baseline", |b| {
            b.iter(|| baseline.replace_all(black_box(&text), "pk_****").len())
        });
        let coverage = coverage_regex::coverage_regex();
        let fp = coverage_regex::Style::Fingerprint;
        assert!(coverage_regex::redact(&coverage, fp, &text) == redact(&text));
        group.bench_function("coverage_regex", |b| {
            b.iter(|| coverage_regex::redact(&coverage, fp, black_box(&text)).len())
        });
        // What any API returning a new 64 MB string pays before redacting anything: a fresh
        // allocation (its pages faulted in by the kernel) and one copy.
        group.bench_function("copy_floor", |b| {
            b.iter(|| {
                let mut out = String::with_capacity(text.len());
                out.push_str(black_box(&text));
                out.len()
            })
        });
        // The same two, writing into one buffer reused across calls.
        let mut out = String::with_capacity(text.len() + (1 << 20));
        group.bench_function("pictify_redact_into_reused", |b| {
            b.iter(|| {
                out.clear();
                Redactor::default().redact_into(black_box(&text), &mut out);
                out.len()
            })
        });
        group.bench_function("regex_into_reused", |b| {
            b.iter(|| {
                out.clear();
                regex_into(&baseline, black_box(&text), &mut out);
                out.len()
            })
        });
        group.finish();
    }
}

/// The regex baseline writing into a caller's buffer (what `replace_all` does, minus the
/// allocation).
fn regex_into(re: &Regex, text: &str, out: &mut String) {
    let mut done = 0;
    for m in re.find_iter(text) {
        out.push_str(&text[done..m.start()]);
        out.push_str("pk_****");
        done = m.end();
    }
    out.push_str(&text[done..]);
}

fn lines(c: &mut Criterion) {
    let baseline = Regex::new(r"pk_(live|test)_[0-9A-Za-z]+").unwrap();
    let mut rng = Lcg(0x5EED_0200);
    let lines: Vec<String> = (0..10_000)
        .map(|_| {
            let mut l = log_line(&mut rng);
            l.truncate(200);
            while l.len() < 200 {
                l.push(' ');
            }
            l
        })
        .collect();
    let redactor = Redactor::default();
    let mut group = c.benchmark_group("lines_200b");
    configure(&mut group);
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function("pictify_redact", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| redactor.redact(black_box(l)).len())
                .sum::<usize>()
        })
    });
    group.bench_function("regex_baseline", |b| {
        b.iter(|| {
            lines
                .iter()
                .map(|l| baseline.replace_all(black_box(l), "pk_****").len())
                .sum::<usize>()
        })
    });
    group.finish();
}

fn stream(c: &mut Criterion) {
    let text = log_text(64 << 20, Some(1024));
    let mut group = c.benchmark_group("stream_64kb_chunks_key_per_kb");
    configure(&mut group);
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("pictify_stream", |b| {
        let mut out = Vec::with_capacity(70 << 10);
        b.iter(|| stream_64kb(black_box(&text), &mut out))
    });
    group.finish();
}

/// `text` through the stream redactor in 64 KB chunks, each chunk's output written to one
/// reused buffer (as a log pipeline writes it on); returns the output length.
fn stream_64kb(text: &str, out: &mut Vec<u8>) -> usize {
    let mut s = Redactor::default().stream();
    let mut total = 0;
    for chunk in text.as_bytes().chunks(64 << 10) {
        out.clear();
        s.push(chunk, out);
        total += out.len();
    }
    out.clear();
    s.finish(out);
    total + out.len()
}

/// CPU time of this thread in seconds (utime + stime from /proc; Linux only).
///
/// On a shared machine wall-clock figures shrink with the load; CPU time does not, so with
/// `PICTIFY_BENCH_CPU=1` the bench first prints CPU-time throughput for every case.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let fields: Vec<&str> = stat
        .get(stat.rfind(')')? + 2..)?
        .split_whitespace()
        .collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn cpu_rate(name: &str, units: f64, unit: &str, mut f: impl FnMut() -> usize) {
    let Some(start) = thread_cpu_secs() else {
        return;
    };
    let mut iters = 0u32;
    let mut sink = 0usize;
    let mut used = 0.0;
    while used < 2.0 {
        sink = sink.wrapping_add(f());
        iters += 1;
        used = thread_cpu_secs().unwrap_or(start + 2.0) - start;
    }
    black_box(sink);
    let rate = units * f64::from(iters) / used;
    match unit {
        "B" => println!(
            "cpu-time {name}: {:.2} GB/s ({iters} iterations, {used:.2} s CPU)",
            rate / 1e9
        ),
        _ => println!(
            "cpu-time {name}: {:.0} ns/{unit} ({iters} iterations, {used:.2} s CPU)",
            1e9 / rate
        ),
    }
}

fn cpu_time_report() {
    let baseline = Regex::new(r"pk_(live|test)_[0-9A-Za-z]+").unwrap();
    for (name, key_every) in [("no_key_64mb", None), ("key_per_kb_64mb", Some(1024))] {
        let text = log_text(64 << 20, key_every);
        let n = text.len() as f64;
        cpu_rate(&format!("{name}/pictify_redact"), n, "B", || {
            redact(black_box(&text)).len()
        });
        cpu_rate(&format!("{name}/regex_baseline"), n, "B", || {
            baseline.replace_all(black_box(&text), "pk_****").len()
        });
        cpu_rate(&format!("{name}/copy_floor"), n, "B", || {
            let mut out = String::with_capacity(text.len());
            out.push_str(black_box(&text));
            out.len()
        });
        let mut out = String::with_capacity(text.len() + (1 << 20));
        cpu_rate(
            &format!("{name}/pictify_redact_into_reused"),
            n,
            "B",
            || {
                out.clear();
                Redactor::default().redact_into(black_box(&text), &mut out);
                out.len()
            },
        );
        cpu_rate(&format!("{name}/regex_into_reused"), n, "B", || {
            out.clear();
            regex_into(&baseline, black_box(&text), &mut out);
            out.len()
        });
        let mut chunk_out = Vec::with_capacity(70 << 10);
        cpu_rate(&format!("{name}/pictify_stream_64kb"), n, "B", || {
            stream_64kb(&text, &mut chunk_out)
        });
        let coverage = coverage_regex::coverage_regex();
        let fp = coverage_regex::Style::Fingerprint;
        assert!(coverage_regex::redact(&coverage, fp, &text) == redact(&text));
        cpu_rate(&format!("{name}/coverage_regex"), n, "B", || {
            coverage_regex::redact(&coverage, fp, black_box(&text)).len()
        });
    }
    let mut rng = Lcg(0x5EED_0200);
    let lines: Vec<String> = (0..10_000)
        .map(|_| format!("{:200.200}", log_line(&mut rng)))
        .collect();
    let n = lines.len() as f64;
    cpu_rate("lines_200b/pictify_redact", n, "line", || {
        lines.iter().map(|l| redact(black_box(l)).len()).sum()
    });
    cpu_rate("lines_200b/regex_baseline", n, "line", || {
        lines
            .iter()
            .map(|l| baseline.replace_all(black_box(l), "pk_****").len())
            .sum()
    });
}

criterion_group!(benches, whole, lines, stream);

fn main() {
    if std::env::var_os("PICTIFY_BENCH_CPU").is_some() {
        cpu_time_report();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
