#![allow(clippy::unwrap_used)]
use super::*;
use crate::env::{detect_environment, Environment, Policy};

fn key(variable: &str, mode: Mode, hash: &str) -> KeyFact {
    KeyFact {
        variable: variable.into(),
        mode,
        fingerprint: format!("{}****a1b2", mode.prefix()),
        hash: hash.into(),
    }
}

fn file(path: &str, keys: Vec<KeyFact>) -> EnvFileFacts {
    EnvFileFacts {
        path: path.into(),
        tracked: false,
        ignored: true,
        keys,
        error: None,
    }
}

fn status(facts: &ProjectFacts, id: &str) -> Status {
    diagnose_project(facts)
        .checks
        .into_iter()
        .find(|c| c.id == id)
        .unwrap()
        .status
}

#[test]
fn env_file_names() {
    assert_eq!(
        env_file_environment(".env.production"),
        Environment::Production
    );
    assert_eq!(
        env_file_environment(".env.production.local"),
        Environment::Production
    );
    assert_eq!(env_file_environment(".env.local"), Environment::Development);
    assert_eq!(env_file_environment("staging.env"), Environment::Staging);
    assert_eq!(env_file_environment(".env"), Environment::Unknown);
    assert!(is_template_env_file(".env.example") && !is_template_env_file(".env"));
    assert!(is_env_file(".env.test") && is_env_file("prod.env") && !is_env_file("env.rs"));
}

#[test]
fn env_file_names_use_the_environment_vocabulary() {
    for (name, env) in [
        (".env.live", Environment::Production),
        (".env.PROD", Environment::Production),
        (".env.qa", Environment::Staging),
        (".env.uat", Environment::Staging),
        (".env.preprod", Environment::Staging),
        (".env.preview", Environment::Staging),
        (".env.develop", Environment::Development),
        (".env.ci", Environment::Test),
        (".env.testing", Environment::Test),
        ("ci.env", Environment::Test),
        (".env.example", Environment::Unknown),
    ] {
        assert_eq!(env_file_environment(name), env, "{name}");
        // The same words decide the environment when they are a variable's value.
        let word = name.trim_start_matches(".env.").trim_end_matches(".env");
        assert_eq!(
            detect_environment(&[("APP_ENV", word)][..]).environment,
            env,
            "APP_ENV={word}"
        );
    }
}

#[test]
fn items_are_listed_once_in_checklist_order() {
    let ids: Vec<&str> = diagnose_project(&ProjectFacts::default())
        .checks
        .iter()
        .map(|c| c.id)
        .collect();
    let expected: Vec<&str> = Item::ALL.iter().map(|i| i.id).collect();
    assert_eq!(ids, expected);
    assert_eq!(
        ids,
        [
            "env_files_ignored",
            "no_hardcoded_keys",
            "live_test_separation",
            "environment_policy",
            "key_sources"
        ]
    );
}

#[test]
fn an_empty_key_variable_is_unset_for_check_sources_and_doctor() {
    use crate::check::check_keys;
    use crate::source::{EnvSource, KeySource};
    let vars = [("PICTIFY_API_KEY", ""), ("NODE_ENV", "development")];
    let report = check_keys(&vars[..], "env", None, Policy::strict());
    assert!(report.keys.is_empty() && report.unresolved.is_empty());
    assert_eq!(report.exit_status(), 2);
    assert!(EnvSource::new(&vars[..]).load().unwrap().is_none());
    let facts = ProjectFacts {
        current: Some(report),
        sources: Some(SourcesFact::NoKey),
        ..ProjectFacts::default()
    };
    let checks = diagnose_project(&facts).checks;
    let policy = checks
        .iter()
        .find(|c| c.id == "environment_policy")
        .unwrap();
    assert_eq!(policy.status, Status::Warn);
    assert_eq!(
        policy.details,
        ["no key is set in this environment (development)"]
    );
    assert_eq!(status(&facts, "key_sources"), Status::Warn);
}

#[test]
fn default_facts_are_not_a_git_repository() {
    let facts = ProjectFacts::default();
    assert!(!facts.git);
    assert_eq!(status(&facts, "env_files_ignored"), Status::Warn);
}

#[test]
fn tracked_and_unignored_env_files() {
    let mut facts = ProjectFacts {
        git: true,
        env_files: vec![file(".env", vec![])],
        ..ProjectFacts::default()
    };
    assert_eq!(status(&facts, "env_files_ignored"), Status::Pass);
    facts.env_files[0].ignored = false;
    assert_eq!(status(&facts, "env_files_ignored"), Status::Warn);
    facts.env_files[0].tracked = true;
    assert_eq!(status(&facts, "env_files_ignored"), Status::Fail);
    facts.env_files[0].path = ".env.example".into();
    assert_eq!(status(&facts, "env_files_ignored"), Status::Pass);
    facts.git = false;
    assert_eq!(status(&facts, "env_files_ignored"), Status::Warn);
}

#[test]
fn separation_rules() {
    let mut facts = ProjectFacts {
        env_files: vec![
            file(
                ".env.production",
                vec![key("PICTIFY_API_KEY", Mode::Live, "aa")],
            ),
            file(
                ".env.development",
                vec![key("PICTIFY_API_KEY", Mode::Test, "bb")],
            ),
        ],
        ..ProjectFacts::default()
    };
    assert_eq!(status(&facts, "live_test_separation"), Status::Pass);
    facts.env_files[1].keys[0].hash = "aa".into();
    assert_eq!(status(&facts, "live_test_separation"), Status::Fail);
    facts.env_files[1].keys[0] = key("PICTIFY_API_KEY", Mode::Live, "cc");
    assert_eq!(status(&facts, "live_test_separation"), Status::Fail);
    facts.env_files[1] = file(".env", vec![key("PICTIFY_API_KEY", Mode::Live, "cc")]);
    assert_eq!(status(&facts, "live_test_separation"), Status::Warn);
}

#[test]
fn hardcoded_and_exit() {
    let mut facts = ProjectFacts::default();
    assert_eq!(status(&facts, "no_hardcoded_keys"), Status::Pass);
    facts.hardcoded.push(HardcodedKey {
        path: "src/a.py".into(),
        line: 3,
        fingerprint: "pk_live_****a1b2".into(),
    });
    let report = diagnose_project(&facts);
    assert_eq!(report.checks[1].status, Status::Fail);
    assert_eq!(report.exit_status(), 1);
    assert_eq!(report.checks[1].details, ["src/a.py:3: pk_live_****a1b2"]);
}
