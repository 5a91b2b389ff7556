//! Replays tests/vectors/monitor.json through the usage monitor: each stream fed whole,
//! line by line, and in 7-byte chunks must give the expected alerts and issues.
#![cfg(feature = "monitor")]
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use pictify_keys::monitor::{format_timestamp, parse_timestamp, Config, Monitor, Report};
use serde_json::Value;

fn load() -> Value {
    let path = format!(
        "{}/../tests/vectors/monitor.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The stream as bytes: literal lines, and `repeat` blocks expanded.
pub fn expand(stream: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    for item in stream.as_array().unwrap() {
        if let Some(line) = item.as_str() {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
            continue;
        }
        let r = &item["repeat"];
        let start = parse_timestamp(r["start"].as_str().unwrap()).unwrap();
        let every = r["every_secs"].as_i64().unwrap();
        for i in 0..r["count"].as_i64().unwrap() {
            let mut event = serde_json::Map::new();
            event.insert(
                "timestamp".into(),
                format_timestamp(start + i * every).into(),
            );
            event.extend(r["event"].as_object().unwrap().clone());
            out.extend_from_slice(serde_json::to_string(&event).unwrap().as_bytes());
            out.push(b'\n');
        }
    }
    out
}

fn run(config: &Config, bytes: &[u8], how: &str) -> Report {
    let mut m = Monitor::new(config.clone());
    m.begin_source("vector");
    match how {
        "whole" => m.feed(bytes),
        "lines" => {
            for line in bytes
                .strip_suffix(b"\n")
                .unwrap_or(bytes)
                .split(|b| *b == b'\n')
            {
                m.feed_line(line);
            }
        }
        _ => {
            for chunk in bytes.chunks(7) {
                m.feed(chunk);
            }
        }
    }
    m.finish()
}

#[test]
fn monitor_vectors() {
    let doc = load();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 15);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let config = Config::parse(case["config"].as_str().unwrap()).unwrap();
        let bytes = expand(&case["stream"]);
        let whole = run(&config, &bytes, "whole");
        for how in ["lines", "chunks"] {
            assert_eq!(
                run(&config, &bytes, how),
                whole,
                "{name}: {how} differs from whole"
            );
        }
        let expect = &case["expect"];
        let got: Vec<Value> = whole
            .alerts
            .iter()
            .map(|a| {
                serde_json::json!({
                    "kind": a.kind.code(), "keyId": a.key_id, "start": format_timestamp(a.start),
                    "severity": a.severity.as_str(), "open": a.open, "windows": a.windows,
                })
            })
            .collect();
        assert_eq!(&Value::Array(got), &expect["alerts"], "{name}: alerts");
        let issues: BTreeMap<String, Vec<u64>> = whole
            .issues
            .iter()
            .map(|i| (i.code.to_owned(), i.lines.iter().map(|l| l.line).collect()))
            .collect();
        let want: BTreeMap<String, Vec<u64>> =
            serde_json::from_value(expect["issues"].clone()).unwrap();
        assert_eq!(issues, want, "{name}: issues");
        if let Some(n) = expect["events"].as_u64() {
            assert_eq!(whole.events, n, "{name}: events");
        }
        let text = serde_json::to_string(&whole).unwrap();
        assert!(!text.contains("FAKE"), "{name}: a key reached the report");
    }
}
