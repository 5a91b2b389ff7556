//! `pictify-keys audit` as a user runs it, over months of audit logs made by the committed,
//! seeded generator (tests/monitor/generate.py): every planted anomaly is found, nothing
//! else alerts, a clean month gives no alert, malformed lines are reported by line number
//! and a key pasted into a keyId is never echoed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_pictify-keys");

fn generate(dir: &Path, args: &[&str]) -> Value {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/monitor/generate.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(dir)
        .args(args)
        .status()
        .expect("python3 runs the generator");
    assert!(status.success());
    serde_json::from_str(&std::fs::read_to_string(dir.join("planted.json")).unwrap()).unwrap()
}

fn audit(args: &[&str], stdin: Option<&Path>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("audit").args(args);
    cmd.stdin(match stdin {
        Some(p) => Stdio::from(std::fs::File::open(p).unwrap()),
        None => Stdio::null(),
    });
    cmd.output().unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    })
}

fn s<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field].as_str().unwrap()
}

#[test]
fn planted_month_every_anomaly_found_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let planted = generate(dir.path(), &["--seed", "15"]);
    let log = dir.path().join("audit.jsonl");
    let config = dir.path().join("monitor.toml");
    let out = audit(
        &[
            "--format",
            "json",
            "--config",
            config.to_str().unwrap(),
            log.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    let alerts = report["alerts"].as_array().unwrap();

    let mut expected = BTreeSet::new();
    for a in planted["anomalies"].as_array().unwrap() {
        let at = s(a, "at");
        for kind in a["kinds"].as_array().unwrap() {
            let kind = kind.as_str().unwrap();
            expected.insert((s(a, "key").to_owned(), kind.to_owned(), at.to_owned()));
            let found = alerts.iter().any(|x| {
                s(x, "keyId") == s(a, "key")
                    && s(x, "kind") == kind
                    && s(x, "start") <= at
                    && at < s(x, "end")
            });
            assert!(
                found,
                "planted {kind} on {} at {at} ({}) not found",
                s(a, "key"),
                s(a, "what")
            );
        }
    }
    // Nothing beyond what was planted: one alert per planted (key, kind, window).
    assert_eq!(alerts.len(), expected.len(), "{alerts:#?}");
    for x in alerts {
        assert!(!x["evidence"].as_array().unwrap().is_empty());
        assert!(!s(x, "action").is_empty());
        assert!(x["top_ips"].as_array().is_some_and(|t| !t.is_empty()));
    }
    // The evidence of the revoked key's alert points at the planted lines.
    let bytes = std::fs::read(&log).unwrap();
    let lines: Vec<String> = bytes
        .split(|b| *b == b'\n')
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect();
    let revoked = alerts
        .iter()
        .find(|x| s(x, "kind") == "use_after_revocation")
        .unwrap();
    for ev in revoked["evidence"].as_array().unwrap() {
        let n = usize::try_from(ev["line"].as_u64().unwrap()).unwrap();
        assert!(lines[n - 1].contains("\"key_old\"") && lines[n - 1].contains("2026-03-18T10:0"));
    }

    // Malformed lines: counted by code with their exact line numbers, never fatal.
    let mut got: Vec<(String, u64)> = report["issues"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| {
            i["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| (s(i, "code").to_owned(), l["line"].as_u64().unwrap()))
                .collect::<Vec<_>>()
        })
        .collect();
    got.sort_by_key(|g| g.1);
    let want: Vec<(String, u64)> = planted["malformed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (s(m, "code").to_owned(), m["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(report["lines"], planted["lines"]);

    // The key pasted into a keyId is in the log, and in no output.
    let text = audit(
        &["--config", config.to_str().unwrap(), log.to_str().unwrap()],
        None,
    );
    assert_eq!(text.status.code(), Some(1));
    for o in [&out, &text] {
        assert!(!String::from_utf8_lossy(&o.stdout).contains("FAKE"));
        assert!(!String::from_utf8_lossy(&o.stderr).contains("FAKE"));
    }
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains(&format!("Alerts ({}):", expected.len())),
        "{text}"
    );
    assert!(text.contains("[secret_in_key_id]"));
    assert!(text.contains("key_render               render worker"));
}

#[test]
fn clean_months_give_no_alert() {
    // Scale 6 puts the Paris dashboard key above the spike floor, so the first summer-time
    // mornings (29 and 30 March) would be false spikes if the baseline were read in UTC.
    for (seed, scale) in [("15", "1"), ("16", "1"), ("17", "6")] {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), &["--seed", seed, "--clean", "--scale", scale]);
        let config = dir.path().join("monitor.toml");
        let log = dir.path().join("audit.jsonl");
        let out = audit(
            &[
                "--format",
                "json",
                "--config",
                config.to_str().unwrap(),
                log.to_str().unwrap(),
            ],
            None,
        );
        let report = json(&out);
        assert_eq!(report["alerts"], Value::Array(vec![]), "seed {seed}");
        assert_eq!(report["issues"], Value::Array(vec![]), "seed {seed}");
        assert_eq!(report["keys"].as_array().unwrap().len(), 5);
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn gzip_file_and_plain_stdin_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &["--seed", "15"]);
    let gz = tempfile::tempdir().unwrap();
    generate(gz.path(), &["--seed", "15", "--gzip"]);
    let config = dir.path().join("monitor.toml");
    let cfg = config.to_str().unwrap();
    let plain = json(&audit(
        &["--format", "json", "--config", cfg, "-"],
        Some(&dir.path().join("audit.jsonl")),
    ));
    let zipped_path = gz.path().join("audit.jsonl.gz");
    let zipped = json(&audit(
        &[
            "--format",
            "json",
            "--config",
            cfg,
            zipped_path.to_str().unwrap(),
        ],
        None,
    ));
    assert_eq!(plain["keys"], zipped["keys"]);
    let ids = |r: &Value| -> Vec<String> {
        r["alerts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| s(a, "id").to_owned())
            .collect()
    };
    assert_eq!(ids(&plain), ids(&zipped));
    assert!(!ids(&plain).is_empty());
    assert_eq!(plain["issues"][0]["lines"][0]["source"], "-");
}

#[test]
fn strict_stops_at_the_first_malformed_line() {
    let dir = tempfile::tempdir().unwrap();
    let planted = generate(dir.path(), &["--seed", "15"]);
    let log = dir.path().join("audit.jsonl");
    let out = audit(&["--strict", log.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    let first = &planted["malformed"][0];
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "error[{}]: {}:{}:",
            s(first, "code"),
            log.display(),
            first["line"]
        )),
        "{err}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn input_errors_exit_2_without_echoing_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("monitor.toml");
    std::fs::write(
        &config,
        "[keys.key_a]\npurpose = \"pk_live_FAKEq8Rk2mZxL0pWv3Ny7a1b2\"\n",
    )
    .unwrap();
    let log = dir.path().join("a.jsonl");
    std::fs::write(
        &log,
        "{\"timestamp\":\"2026-01-29T10:30:00Z\",\"keyId\":\"key_a\",\"status\":200}\n",
    )
    .unwrap();
    let out = audit(
        &["--config", config.to_str().unwrap(), log.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error[config_contains_secret]:") && err.contains("line 2"),
        "{err}"
    );
    assert!(!err.contains("FAKE"));

    let missing = dir.path().join("missing.jsonl");
    let out = audit(&[missing.to_str().unwrap(), log.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error[file_unreadable]:"));
    // What could be read is still reported.
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 events from 1 lines"));

    let bad_gz = dir.path().join("bad.gz");
    std::fs::write(&bad_gz, [0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]).unwrap();
    let out = audit(&[bad_gz.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(2));

    // No alert, no error: exit 0, even without a newline at the end of the file.
    std::fs::write(
        &log,
        "{\"timestamp\":\"2026-01-29T10:30:00Z\",\"keyId\":\"key_a\",\"status\":200}",
    )
    .unwrap();
    let out = audit(&[log.to_str().unwrap()], None);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No alerts."));
}
