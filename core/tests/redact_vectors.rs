//! Runs tests/vectors/redaction.json against the core: whole-string, bytes, and streamed in
//! several chunkings, and checks that the expected output is itself stable.
#![allow(clippy::unwrap_used, clippy::panic)]

use pictify_keys::redact::{Redactor, Style, TRIGGERS};
use serde_json::Value;

fn cases() -> Vec<Value> {
    let path = format!(
        "{}/../tests/vectors/redaction.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn streamed(redactor: Redactor, input: &[u8], cut: usize) -> Vec<u8> {
    let mut stream = redactor.stream();
    let mut out = Vec::new();
    for chunk in input.chunks(cut) {
        stream.push(chunk, &mut out);
    }
    stream.finish(&mut out);
    out
}

/// Bindings skip the call into the core when a text holds no trigger; the vectors must
/// include such texts, and texts with a trigger that still stay unchanged.
#[test]
fn vectors_cover_the_trigger_shortcut() {
    let has_trigger = |s: &str| {
        let lower = s.to_ascii_lowercase();
        TRIGGERS.iter().any(|t| lower.contains(t))
    };
    let cases = cases();
    let unchanged = |c: &&Value| c["input"] == c["expected"];
    let without = cases
        .iter()
        .filter(|c| !has_trigger(c["input"].as_str().unwrap()))
        .count();
    let kept_with = cases
        .iter()
        .filter(unchanged)
        .filter(|c| has_trigger(c["input"].as_str().unwrap()))
        .count();
    assert!(without >= 5, "only {without} cases without a trigger");
    assert!(
        kept_with >= 5,
        "only {kept_with} unchanged cases with a trigger"
    );
}

#[test]
fn redaction_vectors() {
    let cases = cases();
    assert!(
        cases.len() >= 80,
        "redaction.json must hold at least 80 cases, has {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let expected = case["expected"].as_str().unwrap();
        let style = Style::from_name(case["style"].as_str().unwrap_or("fingerprint")).unwrap();
        let redactor = Redactor::new(style);
        let got = redactor.redact(input);
        if got != expected {
            failures.push(format!(
                "{name}:\n  input    {input:?}\n  expected {expected:?}\n  got      {got:?}"
            ));
            continue;
        }
        if redactor.redact_bytes(input.as_bytes()).as_ref() != expected.as_bytes() {
            failures.push(format!("{name}: bytes differ from str"));
        }
        for cut in [1, 2, 3, 5, 8, 13, 64] {
            if streamed(redactor, input.as_bytes(), cut) != expected.as_bytes() {
                failures.push(format!("{name}: stream with {cut}-byte chunks differs"));
            }
        }
        let lower = input.to_ascii_lowercase();
        if !TRIGGERS.iter().any(|t| lower.contains(t)) && expected != input {
            failures.push(format!("{name}: holds no trigger, yet expects a change"));
        }
        if redactor.redact(expected) != expected {
            failures.push(format!("{name}: redacting the expected output changes it"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} redaction vectors failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
