//! `pictify-keys doctor` on prepared projects: the built binary, a clean environment, keys
//! from tests/vectors/keys.json (fixtures, hence `--fixtures-as-real` where the source scan
//! matters).
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// Valid keys from the shared vectors: (live, live, test, test).
fn keys() -> (String, String, String, String) {
    let text = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/keys.json"
    ))
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let valid: Vec<(String, String)> = doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["valid"] == true)
        .map(|c| {
            (
                c["mode"].as_str().unwrap().to_owned(),
                c["input"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let live: Vec<&String> = valid
        .iter()
        .filter(|(m, _)| m == "live")
        .map(|(_, k)| k)
        .collect();
    let test: Vec<&String> = valid
        .iter()
        .filter(|(m, _)| m == "test")
        .map(|(_, k)| k)
        .collect();
    (
        live[0].clone(),
        live[1].clone(),
        test[0].clone(),
        test[1].clone(),
    )
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs doctor --json on `dir` with only `vars` (and PATH/HOME for git) in the environment;
/// returns the exit code and each check's status by id.
fn doctor(
    dir: &Path,
    vars: &[(&str, &str)],
    extra: &[&str],
) -> (i32, BTreeMap<String, String>, Value) {
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .arg("doctor")
        .arg(dir)
        .arg("--json")
        .args(extra)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .env("GIT_CEILING_DIRECTORIES", dir.parent().unwrap())
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    let statuses = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (out.status.code().unwrap(), statuses, doc)
}

/// The detail lines of the check `id`.
fn details(doc: &Value, id: &str) -> Vec<String> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()["details"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_owned())
        .collect()
}

fn expect(statuses: &BTreeMap<String, String>, want: &[(&str, &str)]) {
    let want: BTreeMap<String, String> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(statuses, &want);
}

#[test]
fn a_tidy_project_passes() {
    let (live, _, test, _) = keys();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    fs::create_dir_all(root.join("src")).unwrap();
    git(&root, &["init", "-q"]);
    fs::write(root.join(".gitignore"), ".env*\n!.env.example\n").unwrap();
    fs::write(
        root.join(".env.production"),
        format!("PICTIFY_API_KEY={live}\n"),
    )
    .unwrap();
    fs::write(
        root.join(".env.development"),
        format!("PICTIFY_API_KEY={test}\n"),
    )
    .unwrap();
    fs::write(
        root.join(".env.example"),
        "PICTIFY_API_KEY=pk_test_your_api_key\n",
    )
    .unwrap();
    fs::write(
        root.join("src/app.py"),
        "import os\nKEY = os.environ['PICTIFY_API_KEY']\n",
    )
    .unwrap();
    // The inventory, an audit log that feeds it, a filled-in incident plan.
    fs::write(
        root.join("pictify-keys.toml"),
        "audit_logs = [\"logs/audit.jsonl\"]\n[keys.key_prod]\nowner = \"ops\"\nmode = \"live\"\n\
         environments = [\"production\"]\ncreated = 2026-06-01\nallowed_networks = [\"203.0.113.0/24\"]\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("logs")).unwrap();
    fs::write(
        root.join("logs/audit.jsonl"),
        "{\"timestamp\":\"2026-11-30T10:00:00Z\",\"keyId\":\"key_prod\",\"status\":200,\"ip\":\"203.0.113.9\"}\n",
    )
    .unwrap();
    fs::create_dir_all(root.join("docs")).unwrap();
    fs::write(
        root.join("docs/incident-response.md"),
        "# Incident response\nOn call: ops@example.com\n",
    )
    .unwrap();
    git(&root, &["add", ".gitignore", ".env.example", "src/app.py"]);
    let (code, statuses, doc) = doctor(
        &root,
        &[("PICTIFY_ENV", "development"), ("PICTIFY_API_KEY", &test)],
        &["--fixtures-as-real", "--now", "2026-12-02T00:00:00Z"],
    );
    expect(
        &statuses,
        &[
            ("env_files_ignored", "pass"),
            ("no_hardcoded_keys", "pass"),
            ("live_test_separation", "pass"),
            ("environment_policy", "pass"),
            ("key_sources", "pass"),
            ("key_rotation", "pass"),
            ("unused_keys", "pass"),
            ("usage_monitored", "pass"),
            ("key_creation_access", "manual"),
            ("incident_plan", "pass"),
        ],
    );
    assert_eq!((code, doc["status"].as_str()), (0, Some("pass")));
    assert_eq!(
        details(&doc, "usage_monitored"),
        [
            "pictify-keys.toml: 1 key(s), 1 alert rule(s) (allowed networks, business hours, revocations, production networks) besides the default detectors",
            "1 event(s) in logs/audit.jsonl"
        ]
    );
    assert_eq!(doc["guidance"].as_array().unwrap().len(), 8);
    assert_eq!(doc["guidance"][6]["status"], "manual");
    assert_eq!(
        doc["guidance"][3]["checks"],
        serde_json::json!(["key_rotation"])
    );
    assert!(!doc.to_string().contains(&test[12..]));
}

#[test]
fn a_project_with_every_mistake_fails() {
    let (live, live2, test, test2) = keys();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    fs::create_dir_all(root.join("src")).unwrap();
    git(&root, &["init", "-q"]);
    fs::write(root.join(".gitignore"), "node_modules/\n").unwrap();
    // Tracked .env with a key that the environment variable shadows.
    fs::write(root.join(".env"), format!("PICTIFY_API_KEY={test2}\n")).unwrap();
    // Live key in development, test key in production.
    fs::write(
        root.join(".env.development"),
        format!("PICTIFY_API_KEY={live}\n"),
    )
    .unwrap();
    fs::write(
        root.join(".env.production"),
        format!("PICTIFY_API_KEY={test}\n"),
    )
    .unwrap();
    fs::write(
        root.join("src/config.js"),
        format!("export const key = '{live2}';\n"),
    )
    .unwrap();
    git(&root, &["add", ".env", "src/config.js"]);
    // An old key, an unused key, a log given on the command line, the template unfilled.
    fs::write(
        root.join("monitor.toml"),
        "[keys.key_old]\nowner = \"a\"\ncreated = 2025-01-10\n[keys.key_idle]\nowner = \"b\"\ncreated = 2026-01-10\n",
    )
    .unwrap();
    let log = tmp.path().join("audit.jsonl");
    fs::write(
        &log,
        "{\"timestamp\":\"2026-08-01T00:00:00Z\",\"keyId\":\"key_idle\",\"status\":200}\n{\"timestamp\":\"2026-12-01T00:00:00Z\",\"keyId\":\"key_old\",\"status\":200}\n",
    )
    .unwrap();
    fs::write(
        root.join("INCIDENT_RESPONSE.md"),
        "On call: [fill in: who] and [fill in: backup]\n",
    )
    .unwrap();
    let (code, statuses, doc) = doctor(
        &root,
        &[("NODE_ENV", "production"), ("PICTIFY_API_KEY", &test)],
        &[
            "--fixtures-as-real",
            "--now",
            "2026-12-02T00:00:00Z",
            "--audit",
            log.to_str().unwrap(),
        ],
    );
    expect(
        &statuses,
        &[
            ("env_files_ignored", "fail"),
            ("no_hardcoded_keys", "fail"),
            ("live_test_separation", "fail"),
            ("environment_policy", "fail"),
            ("key_sources", "warn"),
            ("key_rotation", "fail"),
            ("unused_keys", "fail"),
            ("usage_monitored", "pass"),
            ("key_creation_access", "manual"),
            ("incident_plan", "warn"),
        ],
    );
    assert_eq!(code, 1);
    // 2025-01-10 → 2026-12-02: 365 + 326 = 691 days; 2026-08-01 → 2026-12-02: 123 days.
    assert_eq!(
        details(&doc, "key_rotation"),
        ["key_old: created 691 days ago (2025-01-10T00:00:00Z), more than 365"]
    );
    assert_eq!(
        details(&doc, "unused_keys"),
        ["key_idle: last used 123 days ago (2026-08-01T00:00:00Z), 90 or more"]
    );
    assert_eq!(
        details(&doc, "incident_plan"),
        ["INCIDENT_RESPONSE.md: 2 place(s) still to fill in (`[fill in: …]`)"]
    );
    let text = doc.to_string();
    assert!(text.contains("src/config.js:1"), "{text}");
    assert!(text.contains("test_key_in_production"), "{text}");
    assert!(text.contains("shadowed_key"), "{text}");
    // The key in use comes from the process environment, though .env also holds one.
    let policy = details(&doc, "environment_policy");
    assert!(
        policy.len() == 1 && policy[0].starts_with("env:PICTIFY_API_KEY pk_test_****"),
        "{policy:?}"
    );
    for k in [&live, &live2, &test, &test2] {
        assert!(!text.contains(&k[12..]), "secret in output: {text}");
    }
    // Without --fixtures-as-real the fixture in the source is not a hard-coded key.
    let (_, statuses, _) = doctor(
        &root,
        &[("NODE_ENV", "production"), ("PICTIFY_API_KEY", &test)],
        &[],
    );
    assert_eq!(statuses["no_hardcoded_keys"], "pass");
}

#[test]
fn outside_git_with_no_key_warns_and_passes() {
    let (live, ..) = keys();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("plain");
    fs::create_dir_all(&root).unwrap();
    // A live key in a plain .env (no named environment) and no environment variable.
    fs::write(root.join(".env"), format!("PICTIFY_API_KEY={live}\n")).unwrap();
    let (code, statuses, doc) = doctor(&root, &[], &[]);
    expect(
        &statuses,
        &[
            ("env_files_ignored", "warn"),
            ("no_hardcoded_keys", "pass"),
            ("live_test_separation", "warn"),
            ("environment_policy", "warn"),
            ("key_sources", "pass"),
            ("key_rotation", "warn"),
            ("unused_keys", "warn"),
            ("usage_monitored", "warn"),
            ("key_creation_access", "manual"),
            ("incident_plan", "warn"),
        ],
    );
    assert_eq!(code, 0);
    // The key comes from the .env file, and the checks say so with the core's provenance
    // (`env-file:<path>:VARIABLE`), not `env:`.
    let dotenv = root.join(".env");
    let policy = details(&doc, "environment_policy");
    let origin = format!("env-file:{}:PICTIFY_API_KEY pk_live_****", dotenv.display());
    assert!(
        policy.len() == 1 && policy[0].starts_with(&origin),
        "{policy:?}"
    );
    assert_eq!(
        details(&doc, "key_sources"),
        [format!("keys resolve from env-file:{}", dotenv.display())]
    );
    // Text output: one line per item with a fix.
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(["doctor"])
        .arg(&root)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GIT_CEILING_DIRECTORIES", tmp.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("2. .env files are excluded from git [WARN]\n  WARN   .env files are ignored by git and not tracked"),
        "{text}"
    );
    assert!(text.contains("fix: "), "{text}");
    assert!(
        text.trim_end()
            .ends_with("2 passed, 7 warned, 0 failed, 1 to check by hand"),
        "{text}"
    );
    // A missing directory is an error.
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .args(["doctor", "/no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// New-user trial: doctor's fix `echo '.env*' >> .gitignore` also ignored `.env.example`
/// (and any new template). Applying the suggested fix must leave the template tracked.
#[test]
fn the_gitignore_fix_keeps_env_example_tracked() {
    let (_, _, test, _) = keys();
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("app");
    fs::create_dir_all(&root).unwrap();
    git(&root, &["init", "-q"]);
    fs::write(root.join(".env"), format!("PICTIFY_API_KEY={test}\n")).unwrap();
    fs::write(
        root.join(".env.example"),
        "PICTIFY_API_KEY=pk_test_your_api_key\n",
    )
    .unwrap();
    git(&root, &["add", ".env", ".env.example"]);
    let (_, statuses, doc) = doctor(&root, &[], &[]);
    assert_eq!(statuses["env_files_ignored"], "fail");
    let check = doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "env_files_ignored")
        .unwrap();
    let fix = check["fix"].as_str().unwrap();
    // The fix is a shell command line up to the `;` that starts the advice.
    let command = fix.split(';').next().unwrap();
    let ran = Command::new("sh")
        .arg("-c")
        .arg(command)
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(ran.status.success(), "{command}: {ran:?}");
    let ignored = |name: &str| {
        Command::new("git")
            .args(["check-ignore", "--no-index", "-q", name])
            .current_dir(&root)
            .status()
            .unwrap()
            .success()
    };
    assert!(ignored(".env") && ignored(".env.local") && ignored(".env.production"));
    assert!(
        !ignored(".env.example"),
        "the fix ignores .env.example: {command}"
    );
    let (_, statuses, _) = doctor(&root, &[], &[]);
    assert_eq!(statuses["env_files_ignored"], "pass");
}
