//! The cached secrets-manager source against a counting Vault-shaped server on loopback,
//! through the native transport: 1,000 concurrent callers on a cold cache cause exactly one
//! fetch (counted by the server); serve-stale-on-error with a warning; `reload()`; a trailing
//! newline stored in the manager is `whitespace` naming the reference.
#![cfg(feature = "secrets-http")]
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};

use pictify_keys::secrets::{CacheOptions, NativeTransport, SecretRef, SecretSource};
use pictify_keys::{Error, KeySource, ManualClock};

const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";

struct Server {
    addr: String,
    requests: Arc<AtomicUsize>,
    value: Arc<Mutex<String>>,
    down: Arc<AtomicBool>,
}

/// A minimal Vault KV v2 read endpoint: answers every request with the current value (or
/// 503 when `down`), counting requests. Checks the token header.
fn vault_stand_in() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let value = Arc::new(Mutex::new(KEY.to_owned()));
    let down = Arc::new(AtomicBool::new(false));
    let (r, v, d) = (requests.clone(), value.clone(), down.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let (r, v, d) = (r.clone(), v.clone(), d.clone());
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut token_ok = false;
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let l = line.trim_end().to_ascii_lowercase();
                    if l.is_empty() {
                        break;
                    }
                    if l == "x-vault-token: s.faketoken" {
                        token_ok = true;
                    }
                    if let Some(n) = l.strip_prefix("content-length: ") {
                        len = n.parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0; len];
                let _ = reader.read_exact(&mut body);
                r.fetch_add(1, Ordering::SeqCst);
                let (status, body) = if d.load(Ordering::SeqCst) {
                    (
                        "503 Service Unavailable",
                        r#"{"errors":["Vault is sealed"]}"#.to_owned(),
                    )
                } else if !token_ok {
                    (
                        "403 Forbidden",
                        r#"{"errors":["permission denied"]}"#.to_owned(),
                    )
                } else {
                    let value = serde_json::to_string(&*v.lock().unwrap()).unwrap();
                    (
                        "200 OK",
                        format!(
                            r#"{{"data":{{"data":{{"api_key":{value}}},"metadata":{{"created_time":"2020-01-01T00:00:00Z","version":1}}}}}}"#
                        ),
                    )
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    Server {
        addr,
        requests,
        value,
        down,
    }
}

fn env(addr: &str, token: &str) -> BTreeMap<String, String> {
    [("VAULT_ADDR", addr), ("VAULT_TOKEN", token)]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn source(server: &Server, clock: Arc<ManualClock>) -> SecretSource {
    let reference = SecretRef::parse("vault://secret/pictify", "test").unwrap();
    SecretSource::new(
        reference,
        env(&server.addr, "s.FAKEtoken"),
        Arc::new(NativeTransport::new()),
    )
    .with_clock(clock)
    .with_options(CacheOptions {
        ttl_ms: 60_000,
        max_stale_ms: 600_000,
        ..CacheOptions::default()
    })
}

#[test]
fn thousand_cold_callers_cause_one_fetch() {
    let server = vault_stand_in();
    let clock = Arc::new(ManualClock::new(1_000_000));
    let source = source(&server, clock);
    let callers = 1000;
    let barrier = Barrier::new(callers);
    let fingerprints: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..callers)
            .map(|_| {
                s.spawn(|| {
                    barrier.wait();
                    let keys = source.keys().unwrap();
                    keys[0].key().fingerprint()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(fingerprints.len(), callers);
    assert!(fingerprints.iter().all(|f| f == "pk_live_****a1b2"));
    assert_eq!(
        server.requests.load(Ordering::SeqCst),
        1,
        "one fetch, counted by the server"
    );
    assert_eq!(source.fetch_count(), 1);
}

#[test]
fn ttl_stale_on_error_and_reload() {
    let server = vault_stand_in();
    let clock = Arc::new(ManualClock::new(1_000_000));
    let source = source(&server, clock.clone());
    let keys = source.load().unwrap().unwrap();
    assert_eq!(keys[0].origin(), "vault://secret/pictify#api_key");
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    // Within the TTL: from the cache.
    clock.advance_ms(29_000);
    source.load().unwrap();
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    // Past the TTL with the manager down: the stale value, with a warning.
    clock.advance_ms(61_000);
    server.down.store(true, Ordering::SeqCst);
    let keys = source.load().unwrap().unwrap();
    assert_eq!(keys[0].key().fingerprint(), "pk_live_****a1b2");
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    let warning = source.stale_warning().expect("a stale warning");
    assert_eq!(warning.code(), "secret_stale");
    assert_eq!(warning.error_code, "secret_manager_error");
    assert_eq!(warning.origin, "vault://secret/pictify#api_key");
    // Past the maximum staleness: the error surfaces.
    clock.advance_ms(700_000);
    let err = Error::from(source.load().unwrap_err());
    assert_eq!(err.code(), "secret_manager_error");
    assert_eq!(err.report().details.status, Some(503));
    // Back up, rotated: reload() fetches at once.
    server.down.store(false, Ordering::SeqCst);
    *server.value.lock().unwrap() = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4".to_owned();
    let keys = source.reload().unwrap();
    assert_eq!(keys[0].key().fingerprint(), "pk_live_****c3d4");
    assert!(source.stale_warning().is_none());
}

/// Waits (bounded, no timing assertion) until `done` holds.
fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..400 {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    false
}

#[test]
fn background_refresh_serves_the_cache_while_it_runs() {
    let server = vault_stand_in();
    let clock = Arc::new(ManualClock::new(1_000_000));
    let source = source(&server, clock.clone());
    source.keys().unwrap();
    assert_eq!(source.fetch_count(), 1);
    // The key is rotated in the manager. Before ttl/2 nothing happens.
    *server.value.lock().unwrap() = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4".to_owned();
    clock.advance_ms(29_000);
    assert_eq!(
        source.keys().unwrap()[0].key().fingerprint(),
        "pk_live_****a1b2"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 1);
    // Past 7/8 of the 60 s TTL a refresh is due: the read returns the cached key at once and
    // one background refresh fetches the new one.
    clock.advance_ms(24_000);
    assert_eq!(
        source.keys().unwrap()[0].key().fingerprint(),
        "pk_live_****a1b2"
    );
    assert!(
        eventually(|| source.fetch_count() == 2),
        "background refresh ran"
    );
    assert_eq!(
        source.keys().unwrap()[0].key().fingerprint(),
        "pk_live_****c3d4"
    );
    assert_eq!(server.requests.load(Ordering::SeqCst), 2);
    // A failed background refresh keeps the cached key, with a warning, and is not retried
    // on every read.
    server.down.store(true, Ordering::SeqCst);
    clock.advance_ms(53_000);
    assert_eq!(
        source.keys().unwrap()[0].key().fingerprint(),
        "pk_live_****c3d4"
    );
    assert!(
        eventually(|| source.stale_warning().is_some()),
        "background refresh failed"
    );
    let after_failure = server.requests.load(Ordering::SeqCst);
    for _ in 0..20 {
        source.keys().unwrap();
    }
    assert!(eventually(|| source.fetch_count() == 3));
    assert_eq!(server.requests.load(Ordering::SeqCst), after_failure);
}

#[test]
fn trailing_newline_in_the_manager_is_whitespace_naming_the_reference() {
    let server = vault_stand_in();
    *server.value.lock().unwrap() = format!("{KEY}\n");
    let source = source(&server, Arc::new(ManualClock::new(0)));
    let err = Error::from(source.load().unwrap_err());
    let report = err.report();
    assert_eq!(report.code, "whitespace");
    assert_eq!(
        report.details.origin.as_deref(),
        Some("vault://secret/pictify#api_key")
    );
    assert!(!report.message.contains("FAKE3Wwd25rq4f5zr3a1b2"));
}

#[test]
fn wrong_token_is_access_denied_without_the_token() {
    let server = vault_stand_in();
    let reference = SecretRef::parse("vault://secret/pictify", "test").unwrap();
    let source = SecretSource::new(
        reference,
        env(&server.addr, "s.WRONGFAKE"),
        Arc::new(NativeTransport::new()),
    );
    let report = Error::from(source.load().unwrap_err()).report();
    assert_eq!(report.code, "secret_access_denied");
    assert_eq!(report.details.status, Some(403));
    assert!(!report.message.contains("WRONGFAKE"));
    assert!(!format!("{source:?}").contains("WRONGFAKE"));
}

#[test]
fn server_down_is_unreachable() {
    // A port nothing listens on: bind, note it, close.
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    let reference = SecretRef::parse("vault://secret/pictify", "test").unwrap();
    let source = SecretSource::new(
        reference,
        env(&addr, "s.FAKEtoken"),
        Arc::new(NativeTransport::new()),
    );
    let report = Error::from(source.load().unwrap_err()).report();
    assert_eq!(report.code, "secret_unreachable");
    assert!(!report.message.contains("FAKEtoken"));
}

/// Loading from inside an async runtime (the HTTP client, a binding's event loop) must not
/// panic: the blocking transport steps off the runtime's thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loads_inside_a_tokio_runtime() {
    let server = vault_stand_in();
    let source = source(&server, Arc::new(ManualClock::new(0)));
    let keys = source.load().unwrap().unwrap();
    assert_eq!(keys[0].key().fingerprint(), "pk_live_****a1b2");
    drop(source);
}

#[tokio::test(flavor = "current_thread")]
async fn loads_inside_a_current_thread_runtime() {
    let server = vault_stand_in();
    let source = source(&server, Arc::new(ManualClock::new(0)));
    let keys = source.load().unwrap().unwrap();
    assert_eq!(keys[0].key().fingerprint(), "pk_live_****a1b2");
    drop(source);
}

/// A Pictify 401 makes the client refetch the secret once before falling back: the manager
/// already holds the rotated key, so the request succeeds with it. Both servers' records are
/// the evidence.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pictify_401_refetches_the_secret_once() {
    use pictify_keys::http::{Client, ImageOptions};
    use pictify_mock_api::{Config, KeyConfig, KeyStatus, MockApi};

    const OLD: &str = "pk_live_FAKE0ldK3yWp5Hs8Jd2Fg6Ty";
    const NEW: &str = "pk_live_FAKEn3wK3yQz7Rt2Vb9Lm4Xc";
    let vault = vault_stand_in();
    *vault.value.lock().unwrap() = OLD.to_owned();
    let api = MockApi::start(Config {
        keys: vec![
            KeyConfig {
                key: OLD.into(),
                status: KeyStatus::Active,
            },
            KeyConfig {
                key: NEW.into(),
                status: KeyStatus::Active,
            },
        ],
        failures: vec![],
    })
    .await
    .unwrap();
    let reference = SecretRef::parse("vault://secret/pictify", "test").unwrap();
    let source = SecretSource::new(
        reference,
        env(&vault.addr, "s.FAKEtoken"),
        Arc::new(NativeTransport::new()),
    )
    .with_options(CacheOptions {
        min_refetch_ms: 0,
        ..CacheOptions::default()
    });
    let client = Client::builder()
        .base_url(api.url())
        .source(source)
        .build()
        .unwrap();
    let html = || ImageOptions {
        html: Some("<h1>hello</h1>".into()),
        ..ImageOptions::default()
    };
    client.images().create(&html()).await.unwrap();
    assert_eq!(vault.requests.load(Ordering::SeqCst), 1);
    // Rotation: the manager holds NEW, and OLD is revoked at once.
    *vault.value.lock().unwrap() = NEW.to_owned();
    api.set_key_status(OLD, KeyStatus::Revoked);
    client.images().create(&html()).await.unwrap();
    client.images().create(&html()).await.unwrap();
    let used: Vec<(String, u16)> = api
        .records()
        .iter()
        .map(|r| (r.key_fingerprint.clone().unwrap_or_default(), r.status))
        .collect();
    assert_eq!(used[1], ("pk_live_****g6Ty".to_owned(), 401));
    assert!(
        used[2..]
            .iter()
            .all(|(k, s)| k == "pk_live_****m4Xc" && *s != 401),
        "{used:?}"
    );
    assert_eq!(
        vault.requests.load(Ordering::SeqCst),
        2,
        "one refetch after the 401"
    );
    assert_eq!(client.stats()[0].origin, "vault://secret/pictify#api_key");
}
