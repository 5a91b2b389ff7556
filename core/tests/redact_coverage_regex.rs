//! The benchmark's equivalent-coverage regex (core/benches/support/coverage_regex.rs) against
//! tests/vectors/redaction.json: it must give the core's output on every case except the
//! ones listed here and in its doc comment, so the "3x an equivalent-coverage regex" figure
//! in docs/benchmarks.md compares like with like.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "../benches/support/coverage_regex.rs"]
mod coverage_regex;

use coverage_regex::{coverage_regex, redact, Style};
use pictify_keys::redact::{Redactor, Style as CoreStyle};
use serde_json::Value;

/// Cases where the regex's output differs from the core's; the reason for each is in the doc
/// comment of core/benches/support/coverage_regex.rs.
const DIFFERENT: &[&str] = &[
    "two keys back to back",
    "two keys back to back, upper-case second",
];

#[test]
fn coverage_regex_matches_the_core_on_the_vectors() {
    let path = format!(
        "{}/../tests/vectors/redaction.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let re = coverage_regex();
    let mut different = Vec::new();
    let mut report = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 80);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let input = case["input"].as_str().unwrap();
        let style_name = case["style"].as_str().unwrap_or("fingerprint");
        let ours = Redactor::new(CoreStyle::from_name(style_name).unwrap()).redact(input);
        assert_eq!(ours, case["expected"].as_str().unwrap(), "{name}");
        let theirs = redact(&re, Style::from_name(style_name), input);
        if theirs != ours {
            different.push(name);
            report.push(format!("{name}:\n  core  {ours:?}\n  regex {theirs:?}"));
        }
    }
    assert_eq!(different, DIFFERENT, "\n{}", report.join("\n"));
}
