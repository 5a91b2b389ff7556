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
    git(&root, &["add", ".gitignore", ".env.example", "src/app.py"]);
    let (code, statuses, doc) = doctor(
        &root,
        &[("PICTIFY_ENV", "development"), ("PICTIFY_API_KEY", &test)],
        &["--fixtures-as-real"],
    );
    expect(
        &statuses,
        &[
            ("env_files_ignored", "pass"),
            ("no_hardcoded_keys", "pass"),
            ("live_test_separation", "pass"),
            ("environment_policy", "pass"),
            ("key_sources", "pass"),
        ],
    );
    assert_eq!((code, doc["status"].as_str()), (0, Some("pass")));
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
    let (code, statuses, doc) = doctor(
        &root,
        &[("NODE_ENV", "production"), ("PICTIFY_API_KEY", &test)],
        &["--fixtures-as-real"],
    );
    expect(
        &statuses,
        &[
            ("env_files_ignored", "fail"),
            ("no_hardcoded_keys", "fail"),
            ("live_test_separation", "fail"),
            ("environment_policy", "fail"),
            ("key_sources", "warn"),
        ],
    );
    assert_eq!(code, 1);
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
        text.contains("WARN  .env files are ignored by git and not tracked"),
        "{text}"
    );
    assert!(text.contains("fix: "), "{text}");
    assert!(
        text.trim_end().ends_with("2 passed, 3 warned, 0 failed"),
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
