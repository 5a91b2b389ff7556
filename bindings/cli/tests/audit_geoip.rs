//! `pictify-keys audit --geoip FILE.mmdb`: country and autonomous system for the public
//! addresses of each alert, from a MaxMind-format database the test writes itself
//! (tests/monitor/make_mmdb.py with `mmdb-writer` from the venv tests/monitor/setup.sh
//! makes). Reserved and documentation ranges are classified first and never looked up,
//! even when the database has an entry for them.
//!
//! Without the venv the test says SKIPPED on stderr and passes; under CI (`CI` or
//! `PICTIFY_BROWSER_REQUIRED` set) it fails instead.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_pictify-keys");

fn required() -> bool {
    ["CI", "PICTIFY_BROWSER_REQUIRED"]
        .iter()
        .any(|v| std::env::var(v).is_ok_and(|s| !s.is_empty() && s != "0" && s != "false"))
}

fn venv_python() -> PathBuf {
    let venv = std::env::var_os("PICTIFY_MONITOR_VENV").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/monitor-venv"),
        PathBuf::from,
    );
    venv.join("bin/python")
}

fn audit(dir: &Path, extra: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(["audit", "--no-progress", "--config", "monitor.toml"])
        .args(extra)
        .arg("audit.jsonl")
        .output()
        .unwrap()
}

#[test]
fn geoip_adds_country_and_as_to_public_addresses_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("test.mmdb");
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/monitor/make_mmdb.py");
    let made = Command::new(venv_python()).arg(script).arg(&db).output();
    match made {
        Ok(out) if out.status.success() => {}
        other => {
            let why = match other {
                Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            let msg = format!("cannot write the test .mmdb (run tests/monitor/setup.sh): {why}");
            if required() {
                panic!("{msg}");
            }
            eprintln!("SKIPPED audit --geoip test: {msg}");
            return;
        }
    }
    std::fs::write(
        dir.path().join("monitor.toml"),
        "[keys.key_a]\nallowed_networks = [\"192.0.2.0/24\"]\n",
    )
    .unwrap();
    let ips = [
        "81.2.69.160",
        "2a02:c7c::1",
        "198.51.100.7",
        "10.1.2.3",
        "8.8.8.8",
    ];
    let log: String = ips
        .iter()
        .enumerate()
        .map(|(i, ip)| {
            format!(
                "{}\n",
                json!({"timestamp": format!("2026-03-02T10:0{i}:00Z"), "keyId": "key_a",
                       "endpoint": "/v1/render", "method": "POST", "status": 200, "ip": ip})
            )
        })
        .collect();
    std::fs::write(dir.path().join("audit.jsonl"), log).unwrap();

    let out = audit(
        dir.path(),
        &[
            "--format",
            "json",
            "--geoip",
            "test.mmdb",
            "--html",
            "r.html",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let alert = &report["alerts"][0];
    assert_eq!(alert["kind"], "disallowed_network");
    let mut got: Vec<Value> = alert["locations"].as_array().unwrap().clone();
    got.sort_by_key(|l| l["ip"].as_str().unwrap().to_owned());
    let want = json!([
        {"ip": "10.1.2.3", "class": "private", "country": null, "asn": null, "as_org": null},
        {"ip": "198.51.100.7", "class": "documentation", "country": null, "asn": null, "as_org": null},
        {"ip": "2a02:c7c::1", "class": "public", "country": "DE", "asn": null, "as_org": null},
        {"ip": "8.8.8.8", "class": "public", "country": null, "asn": null, "as_org": null},
        {"ip": "81.2.69.160", "class": "public", "country": "GB", "asn": 64496, "as_org": "Example Transit <b>bold</b>"},
    ]);
    assert_eq!(Value::Array(got), want);

    let html = std::fs::read_to_string(dir.path().join("r.html")).unwrap();
    assert!(html.contains("<tr data-ip=\"81.2.69.160\">"));
    assert!(html.contains("AS64496 Example Transit &lt;b&gt;bold&lt;/b&gt;"));
    assert!(!html.contains("<b>bold"));
    assert!(!html.contains("ZZ") && !html.contains("64511"));

    // `--format html` prints the very page `--html` writes (it holds no generation time).
    let stdout = audit(dir.path(), &["--format", "html", "--geoip", "test.mmdb"]);
    assert_eq!(String::from_utf8(stdout.stdout).unwrap(), html);

    let text = audit(dir.path(), &["--geoip", "test.mmdb"]);
    let text = String::from_utf8(text.stdout).unwrap();
    let line = text.lines().find(|l| l.starts_with("  where: ")).unwrap();
    for part in [
        "81.2.69.160 GB AS64496 Example Transit <b>bold</b>",
        "2a02:c7c::1 DE",
        "198.51.100.7 documentation",
        "10.1.2.3 private",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    assert!(!text.contains("ZZ") && !text.contains("64511"));

    // Without a database the classes are still there; nothing else.
    let plain = audit(dir.path(), &["--format", "json"]);
    let report: Value = serde_json::from_slice(&plain.stdout).unwrap();
    let locations = report["alerts"][0]["locations"].as_array().unwrap();
    assert_eq!(locations.len(), 5);
    assert!(locations
        .iter()
        .all(|l| l["country"].is_null() && l["asn"].is_null()));

    // A file that is not a database, or no file: exit 2, named, nothing else read.
    for bad in ["monitor.toml", "missing.mmdb"] {
        let out = audit(dir.path(), &["--geoip", bad]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with(&format!("error[geoip_unreadable]: {bad}: ")),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
}
