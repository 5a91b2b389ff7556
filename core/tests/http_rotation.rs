//! The HTTP client against the real mock API on a loopback port: rotation, retries,
//! idempotency and secret-file rotation. The server's own record is the evidence.
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use pictify_keys::http::{Client, ImageOptions};
use pictify_keys::ring::RingConfig;
use pictify_keys::source::{KeyList, SecretFile};
use pictify_mock_api::{Action, Config, Failure, KeyConfig, KeyStatus, MockApi, Record};
use serde_json::json;

// Obviously fake fixtures: every body starts with FAKE.
const NEW: &str = "pk_live_FAKEn3wK3yQz7Rt2Vb9Lm4Xc";
const OLD: &str = "pk_live_FAKE0ldK3yWp5Hs8Jd2Fg6Ty";

fn fp(key: &str) -> String {
    format!("pk_live_****{}", &key[key.len() - 4..])
}

async fn api(keys: &[(&str, KeyStatus)], failures: Vec<Failure>) -> MockApi {
    let keys = keys
        .iter()
        .map(|(k, s)| KeyConfig {
            key: (*k).to_owned(),
            status: *s,
        })
        .collect();
    MockApi::start(Config { keys, failures }).await.unwrap()
}

/// Short backoff so tests run quickly; behaviour, not timing, is asserted.
fn fast() -> RingConfig {
    RingConfig {
        base_delay_ms: 5,
        max_delay_ms: 20,
        ..RingConfig::default()
    }
}

fn client(api: &MockApi, keys: &[&str]) -> Client {
    Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(keys).unwrap())
        .ring_config(fast())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

fn failure(action: Action, times: u32) -> Failure {
    Failure {
        method: None,
        path: Some("/image".into()),
        key_fingerprint: None,
        times,
        action,
    }
}

fn keys_used(records: &[Record]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.key_fingerprint.clone().unwrap_or_default())
        .collect()
}

fn html() -> ImageOptions {
    ImageOptions {
        html: Some("<h1>hello</h1>".into()),
        width: Some(600),
        ..ImageOptions::default()
    }
}

#[tokio::test]
async fn new_valid_old_revoked_uses_only_new() {
    let api = api(
        &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Revoked)],
        vec![],
    )
    .await;
    let c = client(&api, &[NEW, OLD]);
    for _ in 0..5 {
        let image = c.images().create(&html()).await.unwrap();
        assert!(image.id.is_some() && image.url.is_some());
    }
    let records = api.records();
    assert_eq!(records.len(), 5);
    assert!(keys_used(&records).iter().all(|k| *k == fp(NEW)));
    let stats = c.stats();
    assert_eq!((stats[0].requests, stats[0].successes), (5, 5));
    assert_eq!(stats[1].requests, 0);
    assert_eq!(
        records[0].user_agent.as_deref(),
        Some(concat!("pictify-keys-rust/", env!("CARGO_PKG_VERSION")))
    );
    assert!(records.iter().all(|r| r.idempotency_key.is_some()));
}

#[tokio::test]
async fn new_not_yet_active_falls_back_to_old_once() {
    let api = api(
        &[(NEW, KeyStatus::Pending), (OLD, KeyStatus::Active)],
        vec![],
    )
    .await;
    let events = Arc::new(std::sync::Mutex::new(Vec::new()));
    let audited = Arc::new(std::sync::Mutex::new(Vec::new()));
    let hook_events = audited.clone();
    let c = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[NEW, OLD]).unwrap())
        .ring_config(fast())
        .audit_hook(Arc::new(move |e| {
            hook_events.lock().unwrap().push(e.to_json())
        }))
        .build()
        .unwrap();
    c.ring().set_fallback_sink({
        let sink = events.clone();
        Arc::new(move |e| sink.lock().unwrap().push(e.clone()))
    });
    let first = c
        .request("POST", "/image", Some(&json!({"html": "<p>1</p>"})))
        .await
        .unwrap();
    assert_eq!(first.key_fingerprint, fp(OLD));
    assert_eq!(first.attempts, 2);
    assert_eq!(first.fallbacks.len(), 1);
    for _ in 0..9 {
        assert_eq!(
            c.images().create(&html()).await.unwrap().raw["request"]["width"],
            600
        );
    }
    let records = api.records();
    // 10 logical requests, one extra round trip in total.
    assert_eq!(records.len(), 11);
    assert_eq!(records[0].key_status, "pending");
    assert_eq!(records[0].idempotency_key, records[1].idempotency_key);
    assert!(keys_used(&records[1..]).iter().all(|k| *k == fp(OLD)));
    let events = events.lock().unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].from_fingerprint, fp(NEW));
    assert_eq!(events[0].to_fingerprint, fp(OLD));
    assert_eq!(events[0].from_source, "explicit:0");
    let shown = format!("{:?}", *events);
    assert!(!shown.contains("FAKE"), "{shown}");
    // The hook saw every answered attempt as `api.request` (11, as the server recorded) and
    // the one fallback right after the refused attempt.
    let audited = audited.lock().unwrap();
    let audit: Vec<serde_json::Value> = audited
        .iter()
        .map(|a| serde_json::from_str(a).unwrap())
        .collect();
    let summary: Vec<(&str, &str, u64)> = audit
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap(),
                a["keyId"].as_str().unwrap(),
                a["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let (new, old) = (fp(NEW), fp(OLD));
    let mut expected = vec![
        ("api.request", new.as_str(), 401),
        ("api_key.fallback", new.as_str(), 401),
    ];
    expected.extend([("api.request", old.as_str(), 200); 10]);
    assert_eq!(summary, expected);
    let requests = audit
        .iter()
        .filter(|a| a["action"] == "api.request")
        .count();
    assert_eq!(requests, records.len());
    for a in &audit {
        assert_eq!(a["endpoint"], "/image");
        assert_eq!(a["method"], "POST");
        assert_eq!(
            a["userAgent"],
            concat!("pictify-keys-rust/", env!("CARGO_PKG_VERSION"))
        );
        assert!(a["ip"].is_null(), "the client does not know its IP: {a}");
        assert!(a["timestamp"].as_str().unwrap().ends_with('Z'));
    }
    assert!(audited.iter().all(|a| !a.contains("FAKE")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_requests_with_revocation_mid_run() {
    let api = Arc::new(
        api(
            &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Active)],
            vec![],
        )
        .await,
    );
    let c = client(&api, &[NEW, OLD]);
    let done = Arc::new(AtomicUsize::new(0));
    let revoked = Arc::new(tokio::sync::Notify::new());
    let mut tasks = Vec::with_capacity(1000);
    for i in 0..1000u32 {
        let (c, api, done, revoked) = (c.clone(), api.clone(), done.clone(), revoked.clone());
        tasks.push(tokio::spawn(async move {
            let r = c
                .request(
                    "POST",
                    "/image",
                    Some(&json!({"html": format!("<p>{i}</p>")})),
                )
                .await;
            if done.fetch_add(1, Ordering::SeqCst) + 1 == 300 {
                api.set_key_status(NEW, KeyStatus::Revoked);
                revoked.notify_one();
            }
            r
        }));
    }
    let mut failures = Vec::new();
    for t in tasks {
        if let Err(e) = tokio::time::timeout(Duration::from_secs(120), t)
            .await
            .unwrap()
            .unwrap()
        {
            failures.push(e.code());
        }
    }
    assert!(
        failures.is_empty(),
        "{} failed: {failures:?}",
        failures.len()
    );

    let summary = api.summary();
    assert_eq!(summary["executed"], 1000, "{summary}");
    assert_eq!(summary["duplicate_executions"], 0, "{summary}");
    let records = api.records();
    let server_401_new = records
        .iter()
        .filter(|r| r.status == 401 && r.key_fingerprint.as_deref() == Some(&fp(NEW)))
        .count();
    let stats = c.stats();
    let (new, old) = (&stats[0], &stats[1]);
    assert_eq!(new.fingerprint, fp(NEW));
    for s in &stats {
        assert_eq!(s.requests, s.successes + s.unauthorized + s.errors);
    }
    assert_eq!(new.successes + old.successes, 1000);
    assert_eq!(new.requests + old.requests, records.len() as u64);
    assert_eq!(new.unauthorized as usize, server_401_new);
    assert!(
        old.successes > 0,
        "the revocation happened mid-run, so OLD carried the rest"
    );
    // Only requests already in flight when NEW was revoked pay the extra round trip; after
    // that NEW is demoted. The bound is structural (at most the in-flight count), not timing.
    assert!(new.unauthorized <= 700, "{}", new.unauthorized);
    assert!(new.demoted_until_ms.is_some());
}

#[tokio::test]
async fn retry_after_on_429_is_honoured_on_the_same_key() {
    let api = api(
        &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Active)],
        vec![failure(
            Action::Status {
                status: 429,
                retry_after: Some("1".into()),
            },
            1,
        )],
    )
    .await;
    let c = client(&api, &[NEW, OLD]);
    let resp = c
        .request("POST", "/image", Some(&json!({"html": "x"})))
        .await
        .unwrap();
    assert_eq!(resp.attempts, 2);
    let records = api.records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].status, 429);
    assert_eq!(keys_used(&records), [fp(NEW), fp(NEW)]);
    assert_eq!(records[0].idempotency_key, records[1].idempotency_key);
    assert_eq!(api.summary()["executed"], 1);
}

#[tokio::test]
async fn server_errors_never_switch_key() {
    let api = api(
        &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Active)],
        vec![failure(
            Action::Status {
                status: 503,
                retry_after: None,
            },
            2,
        )],
    )
    .await;
    let c = client(&api, &[NEW, OLD]);
    c.images().create(&html()).await.unwrap();
    assert_eq!(keys_used(&api.records()), [fp(NEW), fp(NEW), fp(NEW)]);

    api.push_failures([failure(
        Action::Status {
            status: 503,
            retry_after: None,
        },
        3,
    )]);
    let err = c.images().create(&html()).await.unwrap_err();
    assert_eq!(err.code(), "server_error");
    assert_eq!(err.family().as_str(), "http");
    let records = api.records();
    assert_eq!(records.len(), 6);
    assert!(
        keys_used(&records).iter().all(|k| *k == fp(NEW)),
        "OLD must never be tried on 5xx"
    );
    assert_eq!(c.stats()[1].requests, 0);
}

#[tokio::test]
async fn timeout_is_retried_on_the_same_key_without_executing_twice() {
    let api = api(
        &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Active)],
        vec![failure(Action::Slow { delay_ms: 3_000 }, 1)],
    )
    .await;
    let c = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[NEW, OLD]).unwrap())
        .ring_config(fast())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let resp = c.images().create(&html()).await.unwrap();
    assert_eq!(resp.id.as_deref(), Some("img_1"));
    let records = api.records();
    assert_eq!(records.len(), 2);
    assert_eq!(keys_used(&records), [fp(NEW), fp(NEW)]);
    assert_eq!(records[0].scripted.as_deref(), Some("slow"));
    assert!(
        records[1].replayed,
        "the retry must be answered from the idempotency record"
    );
    assert_eq!(api.summary()["duplicate_executions"], 0);

    api.push_failures([failure(Action::Slow { delay_ms: 3_000 }, 3)]);
    let err = c.images().create(&html()).await.unwrap_err();
    assert_eq!(err.code(), "http_timeout");
    assert!(keys_used(&api.records()).iter().all(|k| *k == fp(NEW)));
    assert_eq!(api.summary()["duplicate_executions"], 0);
}

#[tokio::test]
async fn dropped_connection_is_retried() {
    let api = api(&[(NEW, KeyStatus::Active)], vec![failure(Action::Drop, 1)]).await;
    let c = client(&api, &[NEW]);
    c.images().create(&html()).await.unwrap();
    let records = api.records();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].scripted.as_deref(), Some("drop"));
    assert_eq!(records[0].idempotency_key, records[1].idempotency_key);
}

#[tokio::test]
async fn every_key_refused_and_other_errors_have_codes_and_no_secrets() {
    let api = api(
        &[(NEW, KeyStatus::Revoked), (OLD, KeyStatus::Revoked)],
        vec![],
    )
    .await;
    let c = client(&api, &[NEW, OLD]);
    let err = c.images().create(&html()).await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert_eq!(api.records().len(), 2);
    // The API's reason and request id of the last refusal are kept (issue 20).
    let report = err.report();
    assert_eq!(report.details.tried, Some(2));
    assert_eq!(report.details.api_code.as_deref(), Some("revoked_api_key"));
    assert_eq!(report.details.request_id.as_deref(), Some("req_2"));
    assert!(
        report.message.contains("(revoked_api_key, request req_2)"),
        "{}",
        report.message
    );

    api.set_key_status(OLD, KeyStatus::Active);
    let err = c.request("GET", "/nothing-here", None).await.unwrap_err();
    assert_eq!(err.code(), "http_status");
    let report = err.report();
    assert_eq!(report.details.status, Some(404));
    assert_eq!(report.details.api_code.as_deref(), Some("not_found"));
    // The id of the last request the server saw (ids count API requests in arrival order).
    let last = format!("req_{}", api.records().len());
    assert_eq!(report.details.request_id.as_deref(), Some(last.as_str()));
    let err = c
        .request("GET", "https://elsewhere.example/x", None)
        .await
        .unwrap_err();
    assert_eq!(err.code(), "invalid_request");

    // A closed loopback port: connection refused, retried, then a scrubbed error.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let c = Client::builder()
        .base_url(&url)
        .source(KeyList::parse(&[NEW]).unwrap())
        .ring_config(fast())
        .build()
        .unwrap();
    let err = c.request("GET", "/me", None).await.unwrap_err();
    assert_eq!(err.code(), "http_connection");
    let text = format!("{err} {err:?}");
    assert!(
        !text.contains("127.0.0.1") && !text.contains("FAKE") && !text.contains("Bearer"),
        "{text}"
    );
}

/// The kubelet's layout: `api-key -> ..data/api-key`, `..data -> ..<timestamp>`; an update
/// writes a new timestamped directory and renames a new `..data` symlink over the old one.
#[cfg(unix)]
fn kube_write(dir: &Path, generation: u32, key: &str) {
    let ts = format!("..2026_11_27_{generation:02}");
    std::fs::create_dir_all(dir.join(&ts)).unwrap();
    std::fs::write(dir.join(&ts).join("api-key"), key).unwrap();
    let tmp = dir.join("..data_tmp");
    let _ = std::fs::remove_file(&tmp);
    std::os::unix::fs::symlink(&ts, &tmp).unwrap();
    std::fs::rename(&tmp, dir.join("..data")).unwrap();
    if std::fs::symlink_metadata(dir.join("api-key")).is_err() {
        std::os::unix::fs::symlink("..data/api-key", dir.join("api-key")).unwrap();
    }
}

#[cfg(unix)]
#[tokio::test]
async fn kubernetes_secret_swap_is_picked_up_without_restart_or_failure() {
    let dir: PathBuf = std::env::temp_dir().join(format!("pictify-kube-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    kube_write(&dir, 1, OLD);

    let api = api(
        &[(NEW, KeyStatus::Active), (OLD, KeyStatus::Active)],
        vec![],
    )
    .await;
    let c = Client::builder()
        .base_url(api.url())
        .source(SecretFile::new(dir.join("api-key")))
        .ring_config(fast())
        .build()
        .unwrap();
    for _ in 0..3 {
        c.images().create(&html()).await.unwrap();
    }
    // Rotate: the secret now holds NEW, and OLD is revoked at once.
    kube_write(&dir, 2, NEW);
    api.set_key_status(OLD, KeyStatus::Revoked);
    for _ in 0..5 {
        c.images().create(&html()).await.unwrap();
    }
    let records = api.records();
    let used = keys_used(&records);
    assert_eq!(used[..4], [fp(OLD), fp(OLD), fp(OLD), fp(OLD)]);
    assert_eq!(records[3].status, 401);
    assert!(used[4..].iter().all(|k| *k == fp(NEW)), "{used:?}");
    assert_eq!(records.len(), 9);
    let stats = c.stats();
    assert_eq!(stats[0].fingerprint, fp(NEW));
    assert_eq!(
        stats[0].origin,
        format!("file:{}", dir.join("api-key").display())
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// New-user trial: a live key on a developer machine must not reach the API. The client
/// applies the environment policy when it is built (strict by default), and relaxing it
/// is explicit, as with `pictify-keys check`.
#[tokio::test]
async fn client_applies_the_environment_policy_when_built() {
    use pictify_keys::{detect_environment, Detection, Environment, Policy};

    let api = api(&[(NEW, KeyStatus::Active)], vec![]).await;
    let dev = detect_environment(&[("NODE_ENV", "development")][..]);
    let refused = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[NEW]).unwrap())
        .environment(dev.clone())
        .build()
        .unwrap_err();
    assert_eq!(refused.code(), "live_key_in_development");
    assert!(refused.to_string().contains("NODE_ENV=development"));
    assert!(!refused.to_string().contains(&NEW[8..]));

    // A test key in production is refused the same way.
    let test_key = "pk_test_FAKEt3stK3yQz7Rt2Vb9Lm";
    let refused = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[test_key]).unwrap())
        .environment(Detection::explicit(Environment::Production))
        .build()
        .unwrap_err();
    assert_eq!(refused.code(), "test_key_in_production");

    // One refused key in the ring refuses the client (OLD live, NEW test, in development).
    let refused = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[test_key, OLD]).unwrap())
        .environment(dev.clone())
        .build()
        .unwrap_err();
    assert_eq!(refused.code(), "live_key_in_development");

    // Relaxed explicitly: the client is built and calls the API.
    let relaxed = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&[NEW]).unwrap())
        .environment(dev)
        .policy(Policy {
            allow_live_outside_production: true,
            ..Policy::strict()
        })
        .build()
        .unwrap();
    relaxed.images().create(&html()).await.unwrap();
    // Only the relaxed client's request reached the API.
    assert_eq!(api.records().len(), 1);
}

/// A re-read source whose new key the policy refuses keeps the keys in use.
#[tokio::test]
async fn reload_refuses_a_key_the_policy_refuses() {
    use pictify_keys::{Detection, Environment};

    let dir: PathBuf =
        std::env::temp_dir().join(format!("pictify-reload-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("key");
    std::fs::write(&path, "pk_test_FAKEt3stK3yQz7Rt2Vb9Lm").unwrap();
    let api = api(
        &[("pk_test_FAKEt3stK3yQz7Rt2Vb9Lm", KeyStatus::Active)],
        vec![],
    )
    .await;
    let c = Client::builder()
        .base_url(api.url())
        .source(SecretFile::new(&path))
        .environment(Detection::explicit(Environment::Development))
        .build()
        .unwrap();
    std::fs::write(&path, NEW).unwrap();
    assert_eq!(
        c.reload_keys().unwrap_err().code(),
        "live_key_in_development"
    );
    assert_eq!(c.stats()[0].fingerprint, "pk_test_****b9Lm");
    c.images().create(&html()).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
