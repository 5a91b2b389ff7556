//! `pictify-keys audit` parses on worker threads and analyses in order: its report must be
//! byte for byte the one the library's sequential `Monitor::feed` gives, whatever the number
//! of threads and wherever the pieces are cut (issue 15: results identical whatever the
//! chunking or number of threads).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use pictify_keys::monitor::{Config, Monitor};

const BIN: &str = env!("CARGO_BIN_EXE_pictify-keys");

fn generate(dir: &Path, args: &[&str]) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/monitor/generate.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir)
        .args(args)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
}

fn cli(log: &Path, config: Option<&Path>, threads: u16) -> String {
    let mut cmd = Command::new(BIN);
    cmd.args([
        "audit",
        "--format",
        "json",
        "--threads",
        &threads.to_string(),
    ]);
    if let Some(c) = config {
        cmd.arg("--config").arg(c);
    }
    let out = cmd.arg(log).output().unwrap();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The report as the library gives it, feeding the bytes in odd-sized chunks on one thread.
fn library(log: &Path, config: Option<&Path>, chunk: usize) -> String {
    let config = config.map_or_else(Config::default, |c| {
        Config::parse(&std::fs::read_to_string(c).unwrap()).unwrap()
    });
    let mut m = Monitor::new(config);
    m.begin_source(&log.display().to_string());
    for piece in std::fs::read(log).unwrap().chunks(chunk) {
        m.feed(piece);
    }
    let mut report = m.finish();
    report.locate(None);
    serde_json::to_string_pretty(&report).unwrap() + "\n"
}

#[test]
fn planted_month_same_report_for_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    // Scale 4: ~130,000 lines (~24 MB), so every thread gets many 1 MiB pieces.
    generate(dir.path(), &["--seed", "15", "--scale", "4"]);
    let (log, config) = (
        dir.path().join("audit.jsonl"),
        dir.path().join("monitor.toml"),
    );
    let want = library(&log, Some(&config), 7_919);
    let report: serde_json::Value = serde_json::from_str(&want).unwrap();
    assert!(report["events"].as_u64().unwrap() > 100_000);
    assert!(!report["alerts"].as_array().unwrap().is_empty());
    assert_eq!(report["issues"].as_array().unwrap().len(), 5);
    for threads in [1, 2, 3, 8] {
        assert_eq!(cli(&log, Some(&config), threads), want, "{threads} threads");
    }
}

#[test]
fn a_line_longer_than_a_piece_is_one_too_long_line() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let ok = |minute: u32| {
        format!(
            r#"{{"timestamp":"2026-03-02T10:{minute:02}:00Z","keyId":"key_a","status":200,"ip":"203.0.113.5"}}"#
        )
    };
    let long = "a".repeat(3 << 20);
    let mut text = String::new();
    for (i, line) in [ok(1), long.clone(), ok(2), String::new(), ok(3), long]
        .iter()
        .enumerate()
    {
        text.push_str(line);
        if i < 5 {
            text.push('\n');
        }
    }
    std::fs::write(&log, &text).unwrap();
    let want = library(&log, None, 65_537);
    let report: serde_json::Value = serde_json::from_str(&want).unwrap();
    assert_eq!(
        (report["lines"].as_u64(), report["events"].as_u64()),
        (Some(6), Some(3))
    );
    assert_eq!(report["issues"][0]["code"], "line_too_long");
    let lines: Vec<u64> = report["issues"][0]["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 6]);
    for threads in [1, 2] {
        assert_eq!(cli(&log, None, threads), want, "{threads} threads");
    }
}
