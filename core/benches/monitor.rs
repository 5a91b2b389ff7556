//! Usage monitor cost: JSON lines fed in 64 KiB chunks (bytes/s and lines/s), the two halves
//! of `pictify-keys audit`'s split (`parse_lines` alone, as the worker threads run it, and
//! `feed_parsed` alone, as the analysing thread runs it), and one in-memory `AuditEvent` fed
//! (the in-process SDK path). Issue 15 asks for under 1 µs an event in Rust;
//! docs/benchmarks.md has the figures.
#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use pictify_keys::monitor::{format_timestamp, parse_lines, Config, Monitor};
use pictify_keys::{AuditEvent, KeyRef, Timestamp};
use std::hint::black_box;

const T0: i64 = 1_772_323_200; // 2026-03-01T00:00:00Z
const LINES: usize = 50_000;

fn config() -> Config {
    Config::parse(
        "[networks]\nproduction = [\"10.0.0.0/8\"]\n\
         [keys.key_render]\nallowed_networks = [\"203.0.113.0/24\"]\n\
         [keys.key_dash]\nbusiness_hours = { zone = \"Europe/Paris\", start = \"08:00\", end = \"19:00\" }\n",
    )
    .unwrap()
}

/// A month of lines from five keys, a few IPs each, 1% errors: the generator's shape.
fn lines() -> Vec<u8> {
    let keys = ["key_render", "key_batch", "key_dash", "key_old", "key_ci"];
    let mut out = Vec::new();
    for i in 0..LINES {
        let t = T0 + (i as i64) * 31 * 86_400 / LINES as i64;
        let status = if i % 100 == 0 { 500 } else { 200 };
        out.extend_from_slice(
            format!(
                r#"{{"timestamp":"{}","action":"api.request","keyId":"{}","endpoint":"/v1/render","method":"POST","status":{status},"ip":"203.0.113.{}","userAgent":"pictify-node/1.0.0"}}"#,
                format_timestamp(t),
                keys[i % 5],
                50 + i % 4
            )
            .as_bytes(),
        );
        out.push(b'\n');
    }
    out
}

fn monitor(c: &mut Criterion) {
    let data = lines();
    let mut group = c.benchmark_group("monitor");
    group.throughput(Throughput::Bytes(data.len() as u64));
    group.bench_function("feed_lines_bytes", |b| {
        b.iter_batched(
            || Monitor::new(config()),
            |mut m| {
                for chunk in data.chunks(64 * 1024) {
                    m.feed(black_box(chunk));
                }
                m.finish()
            },
            BatchSize::LargeInput,
        );
    });
    group.throughput(Throughput::Elements(LINES as u64));
    group.bench_function("feed_lines_per_line", |b| {
        b.iter_batched(
            || Monitor::new(config()),
            |mut m| {
                m.feed(black_box(&data));
                m.finish()
            },
            BatchSize::LargeInput,
        );
    });
    group.bench_function("parse_lines", |b| {
        b.iter(|| parse_lines(black_box(&data)));
    });
    let parsed = parse_lines(&data);
    group.bench_function("feed_parsed", |b| {
        b.iter_batched(
            || Monitor::new(config()),
            |mut m| {
                m.feed_parsed(black_box(&parsed));
                m.finish()
            },
            BatchSize::LargeInput,
        );
    });
    let events: Vec<AuditEvent> = (0..LINES)
        .map(|i| {
            AuditEvent::new(
                Timestamp::from_unix_millis((T0 + (i as i64) * 31 * 86_400 / LINES as i64) * 1000),
                "api.request",
                KeyRef::from_id(["key_render", "key_batch", "key_dash"][i % 3]).unwrap(),
                "/v1/render",
                "POST",
                if i % 100 == 0 { 500 } else { 200 },
            )
            .with_ip(["203.0.113.50", "203.0.113.51"][i % 2])
            .with_user_agent("pictify-node/1.0.0")
        })
        .collect();
    group.bench_function("feed_event", |b| {
        b.iter_batched(
            || Monitor::new(config()),
            |mut m| {
                for e in &events {
                    m.feed_event(black_box(e));
                }
                m.finish()
            },
            BatchSize::LargeInput,
        );
    });
    group.finish();
}

criterion_group!(benches, monitor);
criterion_main!(benches);
