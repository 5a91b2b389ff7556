//! `pictify-keys keys` on a planted inventory and audit log: the built binary, the clock
//! pinned with `--now`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

const NOW: &str = "2026-12-02T00:00:00Z";

/// The guidance's example keys, with one mistake each where planted.
const CONFIG: &str = r#"
audit_logs = ["logs/audit.jsonl"]

[keys.key_prod]
name = "prod-api-server"
mode = "live"
access = "full"
environments = ["production"]
owner = "platform"
created = 2026-06-01
fingerprint = "pk_live_****c1e4"

[keys.key_staging]
name = "staging-server"
mode = "live"
access = "test"
environments = ["staging"]
owner = "web"
created = 2026-06-01

[keys.key_ci]
name = "ci-cd-pipeline"
mode = "test"
access = "test"
environments = ["ci"]
created = 2026-06-01

[keys.key_analytics]
name = "analytics-readonly"
mode = "live"
access = "read-only"
environments = ["production"]
owner = "data"
created = 2025-10-01
fingerprint = "pk_live_****c1e4"

[keys.key_legacy]
name = "legacy exporter"
mode = "live"
environments = ["production"]
owner = "data"
created = 2026-03-01
"#;

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .current_dir(dir)
        .arg("keys")
        .args(args)
        .output()
        .unwrap()
}

fn project() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("pictify-keys.toml"), CONFIG).unwrap();
    fs::create_dir(tmp.path().join("logs")).unwrap();
    let line = |t: &str, k: &str| {
        format!(
            r#"{{"timestamp":"{t}","keyId":"{k}","endpoint":"/v1/render","method":"POST","status":200,"ip":"203.0.113.7"}}"#
        )
    };
    let log = [
        line("2026-08-01T10:00:00Z", "key_legacy"),
        line("2026-11-30T10:00:00Z", "key_prod"),
        line("2026-11-30T11:00:00Z", "pk_live_****c1e4"),
        line("2026-12-01T09:00:00Z", "key_staging"),
        line("2026-12-01T09:30:00Z", "key_ci"),
        line("2026-12-01T10:00:00Z", "key_unknown"),
    ]
    .join("\n");
    fs::write(tmp.path().join("logs/audit.jsonl"), log + "\n").unwrap();
    tmp
}

fn flags(doc: &Value, id: &str) -> Vec<String> {
    doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap()["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn json_inventory_flags_what_was_planted() {
    let tmp = project();
    let out = run(tmp.path(), &["--format", "json", "--now", NOW]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["now"], NOW);
    assert!(flags(&doc, "key_prod").contains(&"shared_key".to_owned()));
    assert_eq!(flags(&doc, "key_prod"), ["shared_key"]);
    assert_eq!(flags(&doc, "key_staging"), ["live_outside_production"]);
    assert_eq!(flags(&doc, "key_ci"), ["no_owner"]);
    // 2025-10-01 → 2026-12-02 is 427 days.
    assert_eq!(flags(&doc, "key_analytics"), ["old", "shared_key"]);
    // Last used 2026-08-01T10:00Z, 122 days before NOW (31+30+31+30 = 122).
    assert_eq!(flags(&doc, "key_legacy"), ["unused"]);
    let key = |id: &str| {
        doc["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(key("key_legacy")["last_used_days"], 122);
    assert_eq!(key("key_analytics")["age_days"], 427);
    // key_prod is logged under its ID and its fingerprint; the last of both counts.
    assert_eq!(key("key_prod")["last_used"], "2026-11-30T11:00:00Z");
    assert_eq!(key("key_prod")["requests"], 2);
    assert_eq!(key("key_analytics")["access"], "read-only");
    assert_eq!(
        key("key_staging")["environments"],
        serde_json::json!(["staging"])
    );
    assert_eq!(doc["unlisted"], serde_json::json!(["key_unknown"]));
    assert_eq!(doc["logs"]["from"], "2026-08-01T10:00:00Z");
}

#[test]
fn text_inventory_names_each_flag_with_its_fix() {
    let tmp = project();
    let out = run(tmp.path(), &["--now", NOW]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "[unused] key_legacy: last used 122 days ago",
        "[old] key_analytics: created 427 days ago",
        "[no_owner] key_ci",
        "[live_outside_production] key_staging: a live key assigned to staging",
        "[shared_key] key_prod: the same key (pk_live_****c1e4) is also listed as key_analytics",
        "not in the inventory: key_unknown",
        "fix: rotate",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
}

#[test]
fn gzip_logs_are_read_like_plain_ones() {
    use std::io::Write;
    let tmp = project();
    let plain = fs::read(tmp.path().join("logs/audit.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&plain).unwrap();
    fs::write(tmp.path().join("audit.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let a = run(tmp.path(), &["--format", "json", "--now", NOW]);
    let b = run(
        tmp.path(),
        &[
            "--format",
            "json",
            "--now",
            NOW,
            "--audit",
            "audit.jsonl.gz",
        ],
    );
    let (a, b): (Value, Value) = (
        serde_json::from_slice(&a.stdout).unwrap(),
        serde_json::from_slice(&b.stdout).unwrap(),
    );
    assert_eq!(a["keys"], b["keys"]);
    assert_eq!(b["logs"]["to"], "2026-12-01T10:00:00Z");
}

#[test]
fn a_clean_inventory_exits_zero() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(
        tmp.path().join("monitor.toml"),
        "[keys.key_a]\nowner = \"me\"\nmode = \"test\"\ncreated = 2026-11-01\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["--now", NOW]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Nothing flagged."), "{text}");
    assert!(text.contains("last use unknown"), "{text}");
}

#[test]
fn bad_inventories_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let secret = "pk_live_FAKE3Wwd25rq4f5zra1b2";
    fs::write(
        tmp.path().join("secret.toml"),
        format!("[keys.key_a]\nowner = \"me\"\nfingerprint = \"{secret}\"\n"),
    )
    .unwrap();
    let out = run(tmp.path(), &["--config", "secret.toml", "--format", "json"]);
    assert_eq!(out.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains("FAKE3Wwd"), "secret echoed: {all}");
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "config_contains_secret");
    assert!(doc["error"]["message"].as_str().unwrap().contains("line 3"));

    fs::write(
        tmp.path().join("broken.toml"),
        "[keys.key_a]\nowner = \"me\"\ncreated = 2026-13-01\n",
    )
    .unwrap();
    let out = run(tmp.path(), &["--config", "broken.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("error[config_invalid]: broken.toml: line 3, column 11:"),
        "{err}"
    );

    let out = run(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("error[no_config]"));
    fs::write(tmp.path().join("monitor.toml"), "[keys.key_a]\n").unwrap();
    let out = run(tmp.path(), &["--audit", "missing.jsonl"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("error[file_unreadable]"));
}
