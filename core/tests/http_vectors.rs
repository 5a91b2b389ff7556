//! tests/vectors/rotation.json over HTTP: the reqwest client (the core's request driver over
//! the native transport) against the mock API on loopback. Each step's outcome is one
//! scripted answer of the mock API, in order (a 2xx step is a `slow` answer of 0 ms, i.e. a
//! normal one; a timeout is an answer slower than the client's timeout; a connection error
//! is a dropped connection). The client must send exactly the attempts of the script with
//! the keys it names, end each request as the script says and count the listed stats. The
//! WASM package runs the same scripts over `fetch`, under Node and inside workerd
//! (packages/wasm/tests/worker/driver-cases.mjs).
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use pictify_keys::http::Client;
use pictify_keys::ring::{ManualClock, RingConfig};
use pictify_keys::source::KeyList;
use pictify_mock_api::{Action, Config, Failure, KeyConfig, KeyStatus, MockApi};
use serde_json::Value;

const TIMEOUT_MS: u64 = 250;

fn load() -> Value {
    let path = format!(
        "{}/../tests/vectors/rotation.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fp(key: &str) -> String {
    format!("{}****{}", &key[..8], &key[key.len() - 4..])
}

fn answer(outcome: &Value) -> Action {
    match (outcome["error"].as_str(), outcome["status"].as_u64()) {
        (Some("timeout"), _) => Action::Slow {
            delay_ms: TIMEOUT_MS * 4,
        },
        (Some(_), _) => Action::Drop,
        (None, Some(s)) if (200..300).contains(&s) => Action::Slow { delay_ms: 0 },
        (None, Some(s)) => Action::Status {
            status: u16::try_from(s).unwrap(),
            retry_after: outcome["retry_after"].as_str().map(str::to_owned),
        },
        _ => panic!("outcome {outcome}"),
    }
}

/// The script's retry and cooldown rules; delays shortened (they are not asserted here).
fn config(doc: &Value, case: &Value) -> RingConfig {
    let pick = |k: &str| {
        case.get("config")
            .and_then(|c| c.get(k))
            .unwrap_or(&doc["default_config"][k])
            .as_u64()
            .unwrap()
    };
    RingConfig {
        max_retries: u32::try_from(pick("max_retries")).unwrap(),
        cooldown_ms: pick("cooldown_ms"),
        base_delay_ms: 1,
        max_delay_ms: 2,
        retry_after_cap_ms: 5,
        jitter: false,
    }
}

async fn run(doc: &Value, case: &Value, problems: &mut Vec<String>) {
    let name = case["name"].as_str().unwrap();
    let keys: Vec<&str> = case["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    let steps = case["steps"].as_array().unwrap();
    let failures = steps
        .iter()
        .map(|s| Failure {
            method: None,
            path: None,
            key_fingerprint: None,
            times: 1,
            action: answer(&s["outcome"]),
        })
        .collect();
    let key_configs = keys
        .iter()
        .map(|k| KeyConfig {
            key: (*k).to_owned(),
            status: KeyStatus::Active,
        })
        .collect();
    let api = MockApi::start(Config {
        keys: key_configs,
        failures,
    })
    .await
    .unwrap();
    let start = doc["clock_start_ms"].as_u64().unwrap();
    let clock = Arc::new(ManualClock::new(start));
    let client = Client::builder()
        .base_url(api.url())
        .source(KeyList::parse(&keys).unwrap())
        .ring_config(config(doc, case))
        .clock(clock.clone())
        .timeout(Duration::from_millis(TIMEOUT_MS))
        .build()
        .unwrap();
    let mut say = |what: String| problems.push(format!("{name}: {what}"));
    let mut names: Vec<&str> = Vec::new();
    for s in steps {
        let n = s["request"].as_str().unwrap();
        if names.last() != Some(&n) {
            names.push(n);
        }
    }
    for request in names {
        let mine: Vec<&Value> = steps.iter().filter(|s| s["request"] == request).collect();
        clock.advance_ms(mine[0]["advance_ms"].as_u64().unwrap_or(0));
        let last = mine[mine.len() - 1];
        let status = last["outcome"]["status"].as_u64().unwrap_or(0);
        let success = last["decision"] == "done" && (200..300).contains(&status);
        let want_code = last["code"].as_str().unwrap_or("http_status");
        match client.request("GET", "/me", None).await {
            Ok(r) if success => {
                let key = keys[usize::try_from(last["key"].as_u64().unwrap()).unwrap()];
                if r.key_fingerprint != fp(key) {
                    say(format!("{request}: key {}", r.key_fingerprint));
                }
                if r.attempts as usize != mine.len() {
                    say(format!("{request}: {} attempts", r.attempts));
                }
                let fallbacks = mine
                    .iter()
                    .filter(|s| s["decision"] == "try_next_key")
                    .count();
                if r.fallbacks.len() != fallbacks {
                    say(format!("{request}: {} fallbacks", r.fallbacks.len()));
                }
            }
            Ok(r) => say(format!(
                "{request}: resolved {}, expected {want_code}",
                r.status
            )),
            Err(e) if success || e.code() != want_code => {
                say(format!("{request}: {}, expected {want_code}", e.code()));
            }
            Err(_) => {}
        }
    }
    let sent: Vec<String> = api
        .records()
        .iter()
        .map(|r| r.key_fingerprint.clone().unwrap_or_default())
        .collect();
    let expected: Vec<String> = steps
        .iter()
        .map(|s| fp(keys[usize::try_from(s["key"].as_u64().unwrap()).unwrap()]))
        .collect();
    if sent != expected {
        say(format!("keys sent {sent:?}, expected {expected:?}"));
    }
    let stats = client.stats();
    for (i, want) in case["stats"].as_array().into_iter().flatten().enumerate() {
        let got = [
            stats[i].requests,
            stats[i].successes,
            stats[i].unauthorized,
            stats[i].errors,
        ];
        let want =
            ["requests", "successes", "unauthorized", "errors"].map(|f| want[f].as_u64().unwrap());
        if got != want {
            say(format!("stats[{i}] {got:?}, expected {want:?}"));
        }
    }
}

#[tokio::test]
async fn rotation_vectors_over_http() {
    let doc = load();
    let mut problems = Vec::new();
    let (mut checked, mut skipped) = (0, Vec::new());
    for case in doc["cases"].as_array().unwrap() {
        let steps = case["steps"].as_array().unwrap();
        // Scripts with two requests in flight at once are not a sequence of calls.
        let names: Vec<&Value> = steps.iter().map(|s| &s["request"]).collect();
        let interleaved = names
            .iter()
            .enumerate()
            .any(|(i, n)| i > 0 && names[i - 1] != *n && names[..i].contains(n));
        if interleaved || steps.iter().any(|s| s.get("outcome").is_none()) {
            skipped.push(case["name"].as_str().unwrap());
            continue;
        }
        run(&doc, case, &mut problems).await;
        checked += 1;
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(checked >= 25, "{checked} checked, skipped {skipped:?}");
    assert_eq!(
        skipped.len() + checked,
        doc["cases"].as_array().unwrap().len()
    );
}
