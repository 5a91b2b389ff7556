//! Every shared vector (tests/vectors/*.json) through the exported wasm-bindgen API, under
//! Node (`wasm-bindgen-test-runner`): keys, environments, rotation scripts, and redaction
//! when that file exists. Errors are checked as the JS `Error` objects callers see.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use js_sys::{Object, Reflect};
use pictify_keys_wasm::env::{check_mode, detect_environment};
use pictify_keys_wasm::key::ApiKey;
use pictify_keys_wasm::redact::{redact, StreamRedactor};
use pictify_keys_wasm::ring::{KeyRing, ManualClock};
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const KEYS: &str = include_str!("../../../tests/vectors/keys.json");
const ENVIRONMENTS: &str = include_str!("../../../tests/vectors/environments.json");
const ROTATION: &str = include_str!("../../../tests/vectors/rotation.json");
const REDACTION: &str = include_str!("../../../tests/vectors/redaction.json");

fn prop(v: &JsValue, name: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(name)).unwrap()
}

fn prop_str(v: &JsValue, name: &str) -> Option<String> {
    prop(v, name).as_string()
}

fn to_js(v: &Value) -> JsValue {
    js_sys::JSON::parse(&v.to_string()).unwrap()
}

/// The secret part of a fixture (from the `FAKE` marker on), in 5-character runs.
fn secret_runs(input: &str) -> Vec<String> {
    let Some(start) = input.find("FAKE") else {
        return Vec::new();
    };
    let chars: Vec<char> = input[start..].chars().collect();
    chars.windows(5).map(|w| w.iter().collect()).collect()
}

#[wasm_bindgen_test]
fn key_vectors() {
    let doc: Value = serde_json::from_str(KEYS).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 40, "too few key cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        match (
            ApiKey::parse(JsValue::from_str(input)),
            case["valid"].as_bool().unwrap(),
        ) {
            (Ok(key), true) => {
                let fp = case["fingerprint"].as_str().unwrap();
                if key.mode() != case["mode"].as_str().unwrap() || key.fingerprint() != fp {
                    failures.push(format!("{name}: got {} {}", key.mode(), key.fingerprint()));
                }
                assert_eq!(
                    key.to_js_string(),
                    fp,
                    "{name}: toString must be the fingerprint"
                );
                assert_eq!(key.to_json(), fp, "{name}: toJSON must be the fingerprint");
                assert_eq!(key.reveal(), input, "{name}: reveal");
            }
            (Ok(key), false) => failures.push(format!("{name}: accepted as {}", key.fingerprint())),
            (Err(e), true) => {
                failures.push(format!("{name}: refused with {:?}", prop_str(&e, "code")))
            }
            (Err(e), false) => {
                assert!(e.is_instance_of::<js_sys::Error>(), "{name}: not an Error");
                let code = prop_str(&e, "code");
                if code.as_deref() != case["code"].as_str() {
                    failures.push(format!("{name}: code {code:?}, expected {}", case["code"]));
                }
                let position = prop(&e, "position").as_f64().map(|p| p as u64);
                if position != case["position"].as_u64() {
                    failures.push(format!(
                        "{name}: position {position:?}, expected {}",
                        case["position"]
                    ));
                }
                if let Some(vendor) = case.get("vendor").and_then(Value::as_str) {
                    if prop_str(&e, "vendor").as_deref() != Some(vendor) {
                        failures.push(format!(
                            "{name}: vendor {:?}, expected {vendor}",
                            prop_str(&e, "vendor")
                        ));
                    }
                }
                assert_eq!(prop_str(&e, "name").as_deref(), Some("PictifyKeyError"));
                assert_eq!(prop_str(&e, "family").as_deref(), Some("format"));
                let message = prop_str(&e, "message").unwrap();
                assert!(
                    message.starts_with(&format!("[{}] ", case["code"].as_str().unwrap())),
                    "{name}: {message}"
                );
                for run in secret_runs(input) {
                    assert!(
                        !message.contains(&run),
                        "{name}: message echoes the secret ({run})"
                    );
                }
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

fn verdict(mode: &str, detection: JsValue, policy: JsValue) -> String {
    match check_mode(mode, detection, policy) {
        Ok(allowed) => {
            // `{ warning }` and nothing else: a refused key throws.
            assert_eq!(Object::keys(allowed.unchecked_ref::<Object>()).length(), 1);
            let w = prop(&allowed, "warning");
            if w.is_null() {
                "allowed".to_owned()
            } else {
                prop_str(&w, "code").unwrap()
            }
        }
        Err(e) => {
            assert_eq!(prop_str(&e, "family").as_deref(), Some("environment"));
            prop_str(&e, "code").unwrap()
        }
    }
}

#[wasm_bindgen_test]
fn environment_vectors() {
    let doc: Value = serde_json::from_str(ENVIRONMENTS).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(
        cases.len() > 20,
        "too few environment cases: {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let detection = detect_environment(to_js(&case["env"])).unwrap();
        let got = (
            prop_str(&detection, "environment"),
            prop_str(&detection, "variable"),
            prop_str(&detection, "value"),
        );
        let want = (
            case["environment"].as_str().map(str::to_owned),
            case["variable"].as_str().map(str::to_owned),
            case["value"].as_str().map(str::to_owned),
        );
        if got != want {
            failures.push(format!("{name}: detected {got:?}, expected {want:?}"));
        }
        for mode in ["live", "test"] {
            let v = verdict(mode, detection.clone(), JsValue::UNDEFINED);
            if v != case[mode].as_str().unwrap() {
                failures.push(format!("{name}: {mode} key {v}, expected {}", case[mode]));
            }
        }
    }
    for case in doc["policy_cases"].as_array().unwrap() {
        let policy = Object::new();
        let relax = |k: &str| {
            case["policy"]
                .get(k)
                .and_then(Value::as_bool)
                .unwrap_or(false)
        };
        Reflect::set(
            &policy,
            &"allowLiveOutsideProduction".into(),
            &relax("allow_live_outside_production").into(),
        )
        .unwrap();
        Reflect::set(
            &policy,
            &"allowTestInProduction".into(),
            &relax("allow_test_in_production").into(),
        )
        .unwrap();
        let env = case["environment"].as_str().unwrap();
        let mode = case["mode"].as_str().unwrap();
        let v = verdict(mode, JsValue::from_str(env), policy.into());
        if v != case["verdict"].as_str().unwrap() {
            failures.push(format!(
                "policy {env}/{mode}/{}: {v}, expected {}",
                case["policy"], case["verdict"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[wasm_bindgen_test]
fn rotation_vectors() {
    let doc: Value = serde_json::from_str(ROTATION).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25, "too few rotation cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let mut config = doc["default_config"].as_object().unwrap().clone();
        if let Some(o) = case.get("config").and_then(Value::as_object) {
            config.extend(o.clone());
        }
        let js_config = Object::new();
        for (k, camel) in [
            ("max_retries", "maxRetries"),
            ("cooldown_ms", "cooldownMs"),
            ("base_delay_ms", "baseDelayMs"),
            ("max_delay_ms", "maxDelayMs"),
            ("retry_after_cap_ms", "retryAfterCapMs"),
            ("jitter", "jitter"),
        ] {
            Reflect::set(&js_config, &camel.into(), &to_js(&config[k])).unwrap();
        }
        let clock = ManualClock::new(doc["clock_start_ms"].as_f64().unwrap());
        let ring = KeyRing::with_clock(to_js(&case["keys"]), js_config.into(), &clock).unwrap();
        let fingerprints: Vec<String> = ring
            .fingerprints()
            .iter()
            .map(|f| f.as_string().unwrap())
            .collect();
        let mut requests = std::collections::HashMap::new();
        for (i, step) in case["steps"].as_array().unwrap().iter().enumerate() {
            let at = format!("{name}, step {}", i + 1);
            if let Some(ms) = step["advance_ms"].as_f64() {
                clock.advance(ms);
            }
            let (req, last) = requests
                .entry(step["request"].as_str().unwrap().to_owned())
                .or_insert_with(|| (ring.begin_request(), None));
            if let Some(k) = step["key"].as_u64() {
                let attempt = ring.attempt(req).unwrap();
                if attempt.key().fingerprint() != fingerprints[k as usize] {
                    failures.push(format!(
                        "{at}: used {}, expected key {k}",
                        attempt.key().fingerprint()
                    ));
                }
                *last = Some(attempt);
            }
            let Some(outcome) = step.get("outcome") else {
                continue;
            };
            let js_outcome = match outcome.get("error").and_then(Value::as_str) {
                // The wire names of the vectors, as the package takes them.
                Some(name) => JsValue::from_str(name),
                None => {
                    let o = Object::new();
                    Reflect::set(&o, &"status".into(), &to_js(&outcome["status"])).unwrap();
                    if let Some(ra) = outcome.get("retry_after") {
                        Reflect::set(&o, &"retryAfter".into(), &to_js(ra)).unwrap();
                    }
                    o.into()
                }
            };
            let decision = ring
                .on_outcome(req, last.as_ref().unwrap(), js_outcome)
                .unwrap();
            let got = prop_str(&decision, "action").unwrap();
            if got != step["decision"].as_str().unwrap() {
                failures.push(format!(
                    "{at}: decided {got}, expected {}",
                    step["decision"]
                ));
                continue;
            }
            if let Some(want) = step.get("delay_ms").and_then(Value::as_f64) {
                if prop(&decision, "delayMs").as_f64() != Some(want) {
                    failures.push(format!(
                        "{at}: delay {:?}, expected {want}",
                        prop(&decision, "delayMs").as_f64()
                    ));
                }
            }
            if let Some(want) = step.get("code").and_then(Value::as_str) {
                let code = prop_str(&prop(&decision, "error"), "code");
                if code.as_deref() != Some(want) {
                    failures.push(format!("{at}: failed with {code:?}, expected {want}"));
                }
            }
        }
        if let Some(expected) = case.get("stats").and_then(Value::as_array) {
            let stats = ring.stats();
            for (i, want) in expected.iter().enumerate() {
                let s = stats.get(i as u32);
                for k in ["requests", "successes", "unauthorized", "errors"] {
                    if prop(&s, k).as_f64() != want[k].as_f64() {
                        failures.push(format!(
                            "{name}: key {i} {k} {:?}, expected {}",
                            prop(&s, k).as_f64(),
                            want[k]
                        ));
                    }
                }
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

#[wasm_bindgen_test]
fn redaction_vectors() {
    let doc: Value = serde_json::from_str(REDACTION).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 50, "too few redaction cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        let style = case.get("style").and_then(Value::as_str).map(str::to_owned);
        let redact = |text: &str| {
            redact(JsValue::from_str(text), style.clone())
                .unwrap()
                .as_string()
                .unwrap()
        };
        let got = redact(input);
        if got != expected {
            failures.push(format!("{name}: {got:?}, expected {expected:?}"));
        }
        if redact(expected) != expected {
            failures.push(format!("{name}: redacting the output changed it"));
        }
        for size in [1, 2, 7, 64, 4096] {
            let mut stream = StreamRedactor::new(style.clone()).unwrap();
            let mut out = Vec::new();
            for chunk in input.as_bytes().chunks(size) {
                out.extend(stream.push(chunk));
            }
            out.extend(stream.finish());
            if out != expected.as_bytes() {
                failures.push(format!("{name}: stream with {size}-byte chunks differs"));
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

/// New-user trial: `ApiKey.parse(undefined)` was a TypeError inside the glue and
/// `ApiKey.parse(123)` a "memory access out of bounds" trap. Both are now our errors.
#[wasm_bindgen_test]
fn parse_of_a_missing_or_non_string_value_is_a_pictify_error() {
    for unset in [JsValue::UNDEFINED, JsValue::NULL] {
        let err = ApiKey::parse(unset).err().unwrap();
        assert_eq!(prop_str(&err, "code").as_deref(), Some("no_key"));
        assert_eq!(prop_str(&err, "family").as_deref(), Some("source"));
    }
    for value in [
        JsValue::from_f64(123.0),
        JsValue::TRUE,
        Object::new().into(),
    ] {
        let err = ApiKey::parse(value).err().unwrap();
        assert_eq!(prop_str(&err, "code").as_deref(), Some("invalid_argument"));
        assert!(prop_str(&err, "message")
            .unwrap()
            .contains("takes the key as a string"));
    }
}

/// Without a registered host environment (Workers, browsers), a call without `env` is an
/// `invalid_argument` error asking for it, never a check against an empty environment.
#[wasm_bindgen_test]
fn without_a_host_environment_env_is_required() {
    let err = detect_environment(JsValue::UNDEFINED).err().unwrap();
    assert_eq!(prop_str(&err, "code").as_deref(), Some("invalid_argument"));
    assert!(prop_str(&err, "message")
        .unwrap()
        .contains("env is required"));
    let err = check_mode("live", JsValue::UNDEFINED, JsValue::UNDEFINED)
        .err()
        .unwrap();
    assert_eq!(prop_str(&err, "code").as_deref(), Some("invalid_argument"));
    assert!(prop_str(&err, "message")
        .unwrap()
        .contains("environment is required"));
}
