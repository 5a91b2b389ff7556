//! Key ring benchmarks.
//!
//! 1. Server hits per 1,000 logical requests after the first key is revoked, against the
//!    real mock API on loopback: the ring-driven client versus the docs' naive loop (try
//!    each key in turn on every request). Counted from the server's own record, printed
//!    before the timings.
//! 2. The ring's own cost per logical request (no I/O): begin, pick a key, record the
//!    outcome, decide.
//!
//! Run: `cargo bench -p pictify-keys --features http --bench ring`
#![allow(clippy::panic)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use pictify_keys::http::Client;
use pictify_keys::ring::{KeyRing, ManualClock, Outcome, RingConfig};
use pictify_keys::source::KeyList;
use pictify_mock_api::{Config, KeyConfig, KeyStatus, MockApi};

const NEW: &str = "pk_live_FAKEb3nchN3wQz7Rt2Vb9Lm4";
const OLD: &str = "pk_live_FAKEb3nch0ldWp5Hs8Jd2Fg6";
const REQUESTS: usize = 1_000;

async fn revoked_new_server() -> MockApi {
    MockApi::start(Config {
        keys: vec![
            KeyConfig {
                key: NEW.into(),
                status: KeyStatus::Revoked,
            },
            KeyConfig {
                key: OLD.into(),
                status: KeyStatus::Active,
            },
        ],
        failures: vec![],
    })
    .await
    .unwrap_or_else(|e| panic!("mock API: {e}"))
}

/// Server hits for 1,000 logical requests: (ring, naive loop).
fn server_hits() -> (usize, usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    rt.block_on(async {
        let api = revoked_new_server().await;
        let client = Client::builder()
            .base_url(api.url())
            .source(KeyList::parse(&[NEW, OLD]).unwrap_or_else(|e| panic!("{e}")))
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        for _ in 0..REQUESTS {
            client
                .request("GET", "/me", None)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let ring_hits = api.records().len();

        let api = revoked_new_server().await;
        let http = reqwest::Client::new();
        for _ in 0..REQUESTS {
            // The docs' snippet: try the new key, fall back to the old one on 401.
            for key in [NEW, OLD] {
                let resp = http
                    .get(format!("{}/me", api.url()))
                    .bearer_auth(key)
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                if resp.status() != 401 {
                    break;
                }
            }
        }
        (ring_hits, api.records().len())
    })
}

fn ring(keys: &[&str], config: RingConfig) -> KeyRing {
    let list = KeyList::parse(keys).unwrap_or_else(|e| panic!("{e}"));
    KeyRing::with_clock(list.into_keys(), config, Arc::new(ManualClock::new(0)))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn ring_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("ring");
    group.throughput(Throughput::Elements(1));
    group
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .sample_size(30);

    let r = ring(&[NEW, OLD], RingConfig::default());
    group.bench_function("request_ok", |b| {
        b.iter(|| {
            let mut req = r.begin_request();
            let a = r.next_attempt(&mut req).unwrap_or_else(|e| panic!("{e}"));
            black_box(r.on_outcome(&mut req, &a, Outcome::status(200)))
        })
    });

    // NEW demoted after a 401: every request starts with OLD, no extra attempt.
    let r = ring(&[NEW, OLD], RingConfig::default());
    let mut req = r.begin_request();
    let a = r.next_attempt(&mut req).unwrap_or_else(|e| panic!("{e}"));
    r.on_outcome(&mut req, &a, Outcome::status(401));
    group.bench_function("request_after_revocation", |b| {
        b.iter(|| {
            let mut req = r.begin_request();
            let a = r.next_attempt(&mut req).unwrap_or_else(|e| panic!("{e}"));
            black_box(r.on_outcome(&mut req, &a, Outcome::status(200)))
        })
    });

    // The fallback path itself (cooldown 0: every request meets the 401 again).
    let r = ring(
        &[NEW, OLD],
        RingConfig {
            cooldown_ms: 0,
            ..RingConfig::default()
        },
    );
    group.bench_function("request_with_fallback", |b| {
        b.iter(|| {
            let mut req = r.begin_request();
            let a = r.next_attempt(&mut req).unwrap_or_else(|e| panic!("{e}"));
            r.on_outcome(&mut req, &a, Outcome::status(401));
            let a = r.next_attempt(&mut req).unwrap_or_else(|e| panic!("{e}"));
            black_box(r.on_outcome(&mut req, &a, Outcome::status(200)))
        })
    });
    group.finish();
}

fn main() {
    let (ring_hits, naive_hits) = server_hits();
    println!(
        "server hits per {REQUESTS} logical requests after NEW was revoked: ring {ring_hits}, naive loop {naive_hits}"
    );
    let mut c = Criterion::default().configure_from_args();
    ring_cost(&mut c);
    c.final_summary();
}
