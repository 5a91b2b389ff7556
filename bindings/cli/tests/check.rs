//! `pictify-keys check` run as a user would: the built binary, a clean environment.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::process::{Command, Output};

const LIVE: &str = "pk_live_FAKE7YeEEBY3ABp3e2zS8iq9";
const TEST: &str = "pk_test_FAKEyrNktBXtnjfObINf5AjxvUlKsiC4";
const STRIPE: &str = "sk_live_FAKEkY9pF34Qy6nBq7Vd2LmZ";

fn check(vars: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .arg("check")
        .args(args)
        .env_clear()
        .envs(vars.iter().copied())
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    for secret in [&LIVE[12..], &TEST[12..], &STRIPE[12..]] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "output leaks a secret:\n{stdout}\n{stderr}"
        );
    }
    (out.status.code().unwrap(), stdout, stderr)
}

fn env_file(name: &str, text: &str) -> String {
    let dir = std::env::temp_dir().join(format!("pictify-keys-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[test]
fn no_key_set_is_exit_2_with_code() {
    let (status, stdout, stderr) = check(&[("NODE_ENV", "development")], &[]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    assert!(stderr.starts_with("error[no_key]: "), "{stderr}");
}

#[test]
fn test_key_in_development_is_allowed() {
    let (status, stdout, stderr) = check(
        &[("NODE_ENV", "development"), ("PICTIFY_API_KEY", TEST)],
        &[],
    );
    assert_eq!(status, 0, "{stderr}");
    assert_eq!(stdout.lines().count(), 1);
    let line = stdout.trim_end();
    assert!(line.starts_with("env:PICTIFY_API_KEY"), "{line}");
    assert!(
        line.contains("pk_test_****siC4") && line.contains("development (NODE_ENV=development)"),
        "{line}"
    );
    assert!(line.ends_with("allowed"), "{line}");
    assert_eq!(stderr, "");
}

#[test]
fn live_key_in_development_is_refused_with_exit_1() {
    let (status, stdout, stderr) = check(
        &[("NODE_ENV", "development"), ("PICTIFY_API_KEY", LIVE)],
        &[],
    );
    assert_eq!(status, 1);
    assert!(
        stdout.contains("pk_live_****8iq9") && stdout.contains("refused [live_key_in_development]"),
        "{stdout}"
    );
    assert!(
        stderr.starts_with("error[live_key_in_development]: env:PICTIFY_API_KEY: "),
        "{stderr}"
    );
}

#[test]
fn trailing_newline_is_malformed_with_position() {
    let value = format!("{TEST}\n");
    let (status, stdout, stderr) = check(&[("PICTIFY_API_KEY", value.as_str())], &[]);
    assert_eq!(status, 2);
    assert!(stdout.contains("malformed [whitespace]"), "{stdout}");
    assert!(
        stderr.contains("error[whitespace]") && stderr.contains("position 41"),
        "{stderr}"
    );
}

#[test]
fn quoted_key_in_env_file() {
    // Quotes that are .env syntax are removed by the parser; quotes inside them stay and
    // are what users paste into dashboards.
    let syntax = env_file(
        "syntax.env",
        &format!("NODE_ENV=development\nPICTIFY_API_KEY=\"{TEST}\"\n"),
    );
    let (status, _, stderr) = check(&[], &["--env-file", &syntax]);
    assert_eq!(status, 0, "{stderr}");
    let doubled = env_file(
        "doubled.env",
        &format!("NODE_ENV=development\nPICTIFY_API_KEY='\"{TEST}\"'\n"),
    );
    let (status, stdout, stderr) = check(&[], &["--env-file", &doubled]);
    assert_eq!(status, 2);
    assert!(
        stdout.starts_with(&format!("env-file:{doubled}:PICTIFY_API_KEY")),
        "{stdout}"
    );
    assert!(
        stderr.contains("error[quoted]") && stderr.contains("position 1"),
        "{stderr}"
    );
}

#[test]
fn stripe_secret_key_is_named() {
    let (status, stdout, stderr) = check(&[("PICTIFY_API_KEY", STRIPE)], &["--json"]);
    assert_eq!(status, 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["keys"][0]["code"], "foreign_key");
    assert_eq!(doc["keys"][0]["verdict"], "malformed");
    assert!(doc["keys"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Stripe"));
    assert_eq!(doc["exitStatus"], 2);
    assert!(stderr.starts_with("error[foreign_key]: "), "{stderr}");
}

#[test]
fn rotation_pair_reports_each_key_in_priority_order() {
    let vars = [
        ("VERCEL_ENV", "production"),
        ("PICTIFY_API_KEY_OLD", LIVE),
        ("PICTIFY_API_KEY_NEW", TEST),
    ];
    let (status, stdout, _) = check(&vars, &["--json"]);
    assert_eq!(status, 1);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let sources: Vec<_> = doc["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["origin"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        ["env:PICTIFY_API_KEY_NEW", "env:PICTIFY_API_KEY_OLD"]
    );
    assert_eq!(doc["keys"][0]["code"], "test_key_in_production");
    assert_eq!(doc["keys"][1]["verdict"], "allowed");
    assert_eq!(doc["detection"]["variable"], "VERCEL_ENV");
}

#[test]
fn unknown_environment_warns_but_allows() {
    let (status, stdout, stderr) = check(&[("PICTIFY_API_KEY", LIVE)], &[]);
    assert_eq!(status, 0);
    assert!(
        stdout.contains("unknown (no environment variable set)")
            && stdout.contains("warning [unknown_environment]")
    );
    assert!(
        stderr.starts_with("warning[unknown_environment]"),
        "{stderr}"
    );
}

#[test]
fn explicit_environment_and_relaxed_policy() {
    let vars = [("NODE_ENV", "production"), ("PICTIFY_API_KEY", LIVE)];
    let (status, _, _) = check(&vars, &["--environment", "staging"]);
    assert_eq!(status, 1);
    let (status, stdout, _) = check(
        &vars,
        &[
            "--environment",
            "staging",
            "--allow-live-outside-production",
        ],
    );
    assert_eq!(status, 0);
    assert!(stdout.contains("warning [relaxed_policy]"), "{stdout}");
}

#[test]
fn broken_env_file_names_line_and_column() {
    let path = env_file(
        "broken.env",
        "NODE_ENV=development\nPICTIFY_API_KEY='unterminated\n",
    );
    let (status, stdout, stderr) = check(&[], &["--env-file", &path]);
    assert_eq!(status, 2);
    assert_eq!(stdout, "");
    assert!(
        stderr.starts_with("error[env_file_syntax]: ") && stderr.contains("line 2, column 17"),
        "{stderr}"
    );
    let (status, _, stderr) = check(&[], &["--env-file", "/nonexistent/.env"]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error[env_file_unreadable]: "),
        "{stderr}"
    );
}

/// New-user trial: `check --env-file .env.production` with a test key said "unknown"
/// and exited 0, while doctor inferred production from the same file name.
#[test]
fn env_file_name_gives_the_environment_when_its_variables_do_not() {
    let file_in = |dir: &str, name: &str, text: &str| {
        let dir = std::env::temp_dir()
            .join(format!("pictify-keys-cli-{}", std::process::id()))
            .join(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        dir.join(name).to_str().unwrap().to_owned()
    };
    let prod = file_in(
        "prod",
        ".env.production",
        &format!("PICTIFY_API_KEY={TEST}\n"),
    );
    let (status, stdout, stderr) = check(&[], &["--env-file", &prod]);
    assert_eq!(status, 1, "{stdout}{stderr}");
    assert!(stdout.contains("test_key_in_production"), "{stdout}");
    assert!(
        stdout.contains("production (file name .env.production)"),
        "{stdout}"
    );
    // A variable in the file still decides first; --environment decides over both.
    let stated = file_in(
        "stated",
        ".env.production",
        &format!("NODE_ENV=development\nPICTIFY_API_KEY={TEST}\n"),
    );
    let (status, stdout, _) = check(&[], &["--env-file", &stated]);
    assert_eq!(status, 0, "{stdout}");
    assert!(
        stdout.contains("development (NODE_ENV=development)"),
        "{stdout}"
    );
    let (status, _, _) = check(&[], &["--env-file", &prod, "--environment", "test"]);
    assert_eq!(status, 0);
    // A plain .env says nothing about the environment.
    let plain = file_in("plain", ".env", &format!("PICTIFY_API_KEY={TEST}\n"));
    let (status, stdout, _) = check(&[], &["--env-file", &plain]);
    assert_eq!(status, 0);
    assert!(stdout.contains("unknown"), "{stdout}");
}

/// New-user trial: a mistyped path said "cannot read the file: entity not found".
#[test]
fn a_missing_env_file_says_so() {
    let (status, _, stderr) = check(&[], &["--env-file", "/nonexistent/typo.env"]);
    assert_eq!(status, 2);
    assert!(
        stderr.starts_with("error[env_file_unreadable]: ")
            && stderr.contains("the file does not exist")
            && !stderr.contains("entity not found"),
        "{stderr}"
    );
}

/// New-user trial: `--help` still said "check, and later redact and scan".
#[test]
fn help_names_the_commands_that_exist() {
    let out = Command::new(env!("CARGO_BIN_EXE_pictify-keys"))
        .arg("--help")
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(!help.contains("later"), "{help}");
    for command in ["check", "redact", "scan", "doctor"] {
        assert!(help.contains(command), "{help}");
    }
}

/// `check --json` prints the core's report in the shape of tests/vectors/shapes.json
/// (`{detection, keys, error, exitStatus}`, plus the CLI's own `warnings` and `unresolved`),
/// and exits with its `exitStatus`.
#[test]
fn json_matches_the_shape_vectors() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/shapes.json"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = doc["checkKeys"].as_array().unwrap();
    assert!(!cases.is_empty());
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let vars: Vec<(&str, &str)> = case["env"]
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
            .collect();
        let (status, stdout, _) = check(&vars, &["--json"]);
        let mut got: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let got = got.as_object_mut().unwrap();
        assert_eq!(
            got.remove("warnings"),
            Some(serde_json::json!([])),
            "{name}"
        );
        assert_eq!(
            got.remove("unresolved"),
            Some(serde_json::json!([])),
            "{name}"
        );
        assert_eq!(
            serde_json::Value::Object(got.clone()),
            case["expected"],
            "{name}"
        );
        assert_eq!(
            i64::from(status),
            case["expected"]["exitStatus"].as_i64().unwrap(),
            "{name}"
        );
    }
}
