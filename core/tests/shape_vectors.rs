//! Replays tests/vectors/shapes.json against the core's serde output: the exact JSON shape
//! every front end (Node, WASM, Python, Kotlin, the CLI's `--json`) shows for a result.
#![cfg(feature = "serde")]
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::Arc;

use pictify_keys::audit::{AuditEvent, KeyRef, Timestamp};
use pictify_keys::ring::{KeyRing, ManualClock, Outcome, RingConfig};
use pictify_keys::{
    check_keys, check_mode, detect_environment, ApiKey, Detection, EnvSource, Environment, Mode,
    Policy, SourceChain, SourcedKey,
};
use serde_json::{json, Value};

fn load() -> Value {
    let path = format!(
        "{}/../tests/vectors/shapes.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn env(case: &Value) -> BTreeMap<String, String> {
    serde_json::from_value(case["env"].clone()).unwrap()
}

fn policy(case: &Value) -> Policy {
    let flag = |name: &str| case["policy"][name].as_bool().unwrap_or(false);
    Policy {
        allow_live_outside_production: flag("allowLiveOutsideProduction"),
        allow_test_in_production: flag("allowTestInProduction"),
    }
}

/// Compares and records a failure naming the case, so one run lists every difference.
fn compare(failures: &mut Vec<String>, what: &str, got: Value, want: &Value) {
    if got != *want {
        failures.push(format!("{what}:\n  got      {got}\n  expected {want}"));
    }
}

#[test]
fn shape_vectors() {
    let doc = load();
    let mut failures = Vec::new();
    for key in doc["keys"].as_object().unwrap().values() {
        assert!(key.as_str().unwrap()[8..].starts_with("FAKE"));
    }
    for case in doc["detectEnvironment"].as_array().unwrap() {
        let got = json!(detect_environment(&env(case)));
        compare(
            &mut failures,
            case["name"].as_str().unwrap(),
            got,
            &case["expected"],
        );
    }
    for case in doc["checkMode"].as_array().unwrap() {
        let mode = Mode::from_name(case["mode"].as_str().unwrap()).unwrap();
        let environment = Environment::from_name(case["environment"].as_str().unwrap()).unwrap();
        let allowed = check_mode(mode, &Detection::explicit(environment), policy(case)).unwrap();
        compare(
            &mut failures,
            case["name"].as_str().unwrap(),
            json!(allowed),
            &case["expected"],
        );
    }
    for case in doc["checkKeys"].as_array().unwrap() {
        let report = check_keys(&env(case), "env", None, policy(case));
        compare(
            &mut failures,
            case["name"].as_str().unwrap(),
            json!(report),
            &case["expected"],
        );
    }
    let ring_doc = &doc["ring"];
    let config: RingConfig = serde_json::from_value(ring_doc["config"].clone()).unwrap();
    for case in ring_doc["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        // Built from SourcedKeys, not KeyList: the ring itself drops a repeated key.
        let keys = case["keys"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, k)| {
                SourcedKey::new(
                    ApiKey::parse(k.as_str().unwrap()).unwrap(),
                    format!("explicit:{i}"),
                )
            })
            .collect();
        let clock = Arc::new(ManualClock::new(
            ring_doc["clock_start_ms"].as_u64().unwrap(),
        ));
        let ring = KeyRing::with_clock(keys, config, clock).unwrap();
        let mut req = ring.begin_request();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            if step.get("request").is_some() {
                req = ring.begin_request();
            }
            let attempt = ring.next_attempt(&mut req).unwrap();
            compare(
                &mut failures,
                &format!("{name}, step {} key", i + 1),
                json!(attempt.key().fingerprint()),
                &step["fingerprint"],
            );
            let o = &step["outcome"];
            let outcome = match o.get("status") {
                Some(s) => Outcome::Response {
                    status: u16::try_from(s.as_u64().unwrap()).unwrap(),
                    retry_after: o.get("retry_after").and_then(Value::as_str),
                },
                None => Outcome::from_name(o["error"].as_str().unwrap()).unwrap(),
            };
            let decision = ring.on_outcome(&mut req, &attempt, outcome);
            compare(
                &mut failures,
                &format!("{name}, step {} decision", i + 1),
                json!(decision),
                &step["expected"],
            );
        }
        compare(
            &mut failures,
            &format!("{name}: stats"),
            json!(ring.stats()),
            &case["stats"],
        );
    }
    for case in doc["auditEvents"].as_array().unwrap() {
        let f = &case["fields"];
        let key_id = match case.get("key") {
            Some(k) => KeyRef::from_key(&ApiKey::parse(k.as_str().unwrap()).unwrap()),
            None => KeyRef::from_id(case["keyId"].as_str().unwrap()).unwrap(),
        };
        let s = |n: &str| f[n].as_str().unwrap();
        let mut event = AuditEvent::new(
            Timestamp::from_unix_millis(f["timestamp"].as_i64().unwrap()),
            s("action"),
            key_id,
            s("endpoint"),
            s("method"),
            u16::try_from(f["status"].as_u64().unwrap()).unwrap(),
        );
        if let Some(ip) = f["ip"].as_str() {
            event = event.with_ip(ip);
        }
        if let Some(ua) = f["userAgent"].as_str() {
            event = event.with_user_agent(ua);
        }
        let got: Value = serde_json::from_str(&event.to_json()).unwrap();
        compare(
            &mut failures,
            case["name"].as_str().unwrap(),
            got,
            &case["expected"],
        );
    }
    // loadKeys: the serialized load result, each key entry with its fingerprint added (the
    // packages set a key handle there; the vectors compare it by fingerprint).
    for case in doc["loadKeys"].as_array().unwrap() {
        let chain = SourceChain::new().with(EnvSource::new(env(case)));
        let loaded = chain.load_all().unwrap();
        let mut got = json!(loaded);
        let entries = got["keys"].as_array_mut().unwrap().iter_mut();
        for (entry, key) in entries.zip(&loaded.keys) {
            entry["fingerprint"] = json!(key.key().fingerprint());
        }
        let name = case["name"].as_str().unwrap();
        compare(&mut failures, name, got, &case["expected"]);
    }
    assert!(
        failures.is_empty(),
        "{} shape(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
