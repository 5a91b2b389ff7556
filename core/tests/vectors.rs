//! Runs the shared vectors in tests/vectors against the core.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::HashMap;

use pictify_keys::{check_mode, detect_environment, ApiKey, Detection, Environment, Mode, Policy};
use serde_json::Value;

fn load(name: &str) -> Value {
    let path = format!("{}/../tests/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn str_field<'a>(case: &'a Value, field: &str) -> Option<&'a str> {
    case.get(field).and_then(Value::as_str)
}

/// Every 5-character window of the secret part of a fixture: everything from the `FAKE`
/// marker on (placeholders and prose carry no marker and no secret).
fn secret_windows(input: &str) -> Vec<String> {
    let Some(start) = input.find("FAKE") else {
        return Vec::new();
    };
    let body: Vec<char> = input[start..].chars().collect();
    body.windows(5).map(|w| w.iter().collect()).collect()
}

#[test]
fn key_vectors() {
    let doc = load("keys.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 60, "keys.json must hold at least 60 cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = str_field(case, "name").unwrap();
        let input = str_field(case, "input").unwrap();
        let result = ApiKey::parse(input);
        if case["valid"].as_bool().unwrap() {
            match result {
                Ok(key) => {
                    let mode = match key.mode() {
                        Mode::Live => "live",
                        Mode::Test => "test",
                    };
                    if Some(mode) != str_field(case, "mode")
                        || Some(key.fingerprint().as_str()) != str_field(case, "fingerprint")
                    {
                        failures.push(format!("{name}: got {mode} {}", key.fingerprint()));
                    }
                }
                Err(e) => failures.push(format!("{name}: expected valid, got [{}] {e}", e.code())),
            }
            continue;
        }
        let Err(err) = result else {
            failures.push(format!(
                "{name}: expected [{}], got a valid key",
                str_field(case, "code").unwrap()
            ));
            continue;
        };
        let expected_code = str_field(case, "code").unwrap();
        let expected_position = case["position"].as_u64().map(|p| p as usize);
        if err.code() != expected_code || err.position() != expected_position {
            failures.push(format!(
                "{name}: expected [{expected_code}] at {expected_position:?}, got [{}] at {:?}: {err}",
                err.code(),
                err.position()
            ));
        }
        if let Some(vendor) = str_field(case, "vendor") {
            if err.vendor() != Some(vendor) {
                failures.push(format!(
                    "{name}: expected vendor {vendor}, got {:?}",
                    err.vendor()
                ));
            }
        }
        let message = err.to_string();
        if let Some(w) = secret_windows(input)
            .iter()
            .find(|w| message.contains(w.as_str()))
        {
            failures.push(format!("{name}: message leaks '{w}': {message}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} key vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn policy_from(value: &Value) -> Policy {
    Policy {
        allow_live_outside_production: value["allow_live_outside_production"]
            .as_bool()
            .unwrap_or(false),
        allow_test_in_production: value["allow_test_in_production"].as_bool().unwrap_or(false),
    }
}

fn verdict(mode: Mode, detection: &Detection, policy: Policy) -> String {
    match check_mode(mode, detection, policy) {
        Ok(allowed) => allowed.warning.map_or("allowed", |w| w.code()).to_owned(),
        Err(e) => e.code().to_owned(),
    }
}

#[test]
fn environment_vectors() {
    let doc = load("environments.json");
    let cases = doc["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 25,
        "environments.json must hold at least 25 cases"
    );
    let mut failures = Vec::new();
    for case in cases {
        let name = str_field(case, "name").unwrap();
        let env: HashMap<String, String> = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
            .collect();
        let d = detect_environment(&env);
        let got = (
            d.environment.as_str(),
            d.variable.as_deref(),
            d.value.as_deref(),
        );
        let want = (
            str_field(case, "environment").unwrap(),
            str_field(case, "variable"),
            str_field(case, "value"),
        );
        if got != want {
            failures.push(format!("{name}: expected {want:?}, got {got:?}"));
        }
        for (mode, field) in [(Mode::Live, "live"), (Mode::Test, "test")] {
            let got = verdict(mode, &d, Policy::strict());
            if Some(got.as_str()) != str_field(case, field) {
                failures.push(format!(
                    "{name}: {field} key: expected {:?}, got {got}",
                    str_field(case, field)
                ));
            }
        }
    }
    for case in doc["policy_cases"].as_array().unwrap() {
        let name = str_field(case, "name").unwrap();
        let env = Environment::from_name(str_field(case, "environment").unwrap()).unwrap();
        let mode = if str_field(case, "mode") == Some("live") {
            Mode::Live
        } else {
            Mode::Test
        };
        let got = verdict(
            mode,
            &Detection::explicit(env),
            policy_from(&case["policy"]),
        );
        if Some(got.as_str()) != str_field(case, "verdict") {
            failures.push(format!(
                "{name}: expected {:?}, got {got}",
                str_field(case, "verdict")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} environment vectors failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
