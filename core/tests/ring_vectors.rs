//! Replays tests/vectors/rotation.json against the key ring (sans-IO, manual clock).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Arc;

use pictify_keys::ring::{
    Attempt, Decision, KeyRing, ManualClock, Outcome, RequestState, RingConfig,
};
use pictify_keys::source::KeyList;
use serde_json::Value;

fn load() -> Value {
    let path = format!(
        "{}/../tests/vectors/rotation.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn config(defaults: &Value, overrides: Option<&Value>) -> RingConfig {
    let mut merged = defaults.as_object().unwrap().clone();
    if let Some(o) = overrides {
        merged.extend(o.as_object().unwrap().clone());
    }
    let u = |k: &str| merged[k].as_u64().unwrap();
    RingConfig {
        max_retries: u32::try_from(u("max_retries")).unwrap(),
        cooldown_ms: u("cooldown_ms"),
        base_delay_ms: u("base_delay_ms"),
        max_delay_ms: u("max_delay_ms"),
        retry_after_cap_ms: u("retry_after_cap_ms"),
        jitter: merged["jitter"].as_bool().unwrap(),
    }
}

#[test]
fn rotation_vectors() {
    let doc = load();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let keys: Vec<&str> = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k.as_str().unwrap())
            .collect();
        assert!(
            keys.iter().all(|k| k[8..].starts_with("FAKE")),
            "{name}: fixture without FAKE marker"
        );
        let list = KeyList::parse(&keys).unwrap();
        let fingerprints: Vec<String> = list
            .clone()
            .into_keys()
            .iter()
            .map(|k| k.key().fingerprint())
            .collect();
        let clock = Arc::new(ManualClock::new(doc["clock_start_ms"].as_u64().unwrap()));
        let ring = KeyRing::with_clock(
            list.into_keys(),
            config(&doc["default_config"], case.get("config")),
            clock.clone(),
        )
        .unwrap();
        let mut requests: HashMap<String, (RequestState, Option<Attempt>)> = HashMap::new();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name}, step {}", i + 1);
            if let Some(ms) = step["advance_ms"].as_u64() {
                clock.advance_ms(ms);
            }
            let req_name = step["request"].as_str().unwrap().to_owned();
            let (req, last) = requests
                .entry(req_name)
                .or_insert_with(|| (ring.begin_request(), None));
            if let Some(expected) = step["key"].as_u64() {
                let attempt = ring.next_attempt(req).unwrap();
                let want = &fingerprints[usize::try_from(expected).unwrap()];
                if attempt.key().fingerprint() != *want {
                    failures.push(format!(
                        "{at}: used {}, expected {want}",
                        attempt.key().fingerprint()
                    ));
                }
                *last = Some(attempt);
            }
            let Some(outcome) = step.get("outcome") else {
                continue;
            };
            let outcome = match (
                outcome.get("status"),
                outcome.get("error").and_then(Value::as_str),
            ) {
                (Some(s), _) => Outcome::Response {
                    status: u16::try_from(s.as_u64().unwrap()).unwrap(),
                    retry_after: outcome.get("retry_after").and_then(Value::as_str),
                },
                (None, Some("timeout")) => Outcome::Timeout,
                (None, Some("connection")) => Outcome::ConnectionError,
                other => panic!("{at}: bad outcome {other:?}"),
            };
            let attempt = last.as_ref().unwrap();
            let decision = ring.on_outcome(req, attempt, outcome);
            let want = step["decision"].as_str().unwrap();
            if decision.as_str() != want {
                failures.push(format!("{at}: decided {decision:?}, expected {want}"));
                continue;
            }
            match &decision {
                Decision::Retry { delay_ms } => {
                    let want = step["delay_ms"].as_u64().unwrap();
                    if *delay_ms != want {
                        failures.push(format!("{at}: delay {delay_ms} ms, expected {want}"));
                    }
                }
                Decision::Fail(e) => {
                    let want = step["code"].as_str().unwrap();
                    if e.code() != want {
                        failures.push(format!("{at}: failed with {}, expected {want}", e.code()));
                    }
                }
                _ => {}
            }
        }
        if let Some(expected) = case.get("stats") {
            let stats = ring.stats();
            for (i, want) in expected.as_array().unwrap().iter().enumerate() {
                let s = &stats[i];
                let got = [s.requests, s.successes, s.unauthorized, s.errors];
                let want = ["requests", "successes", "unauthorized", "errors"]
                    .map(|k| want[k].as_u64().unwrap());
                if got != want {
                    failures.push(format!(
                        "{name}: stats of key {i} {got:?}, expected {want:?}"
                    ));
                }
                assert_eq!(s.requests, s.successes + s.unauthorized + s.errors);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
