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
            "key_sources",
            "key_rotation",
            "unused_keys",
            "usage_monitored",
            "key_creation_access",
            "incident_plan"
        ]
    );
    // Every one of the eight checklist items has a check.
    let report = diagnose_project(&ProjectFacts::default());
    let guidance = report.guidance();
    assert_eq!(guidance.len(), 8);
    assert!(guidance.iter().all(|g| !g.checks.is_empty()));
    assert_eq!(guidance[0].checks, ["no_hardcoded_keys", "key_sources"]);
    assert_eq!(guidance[6].status, Status::Manual);
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

#[test]
fn key_creation_is_a_manual_check_that_does_not_fail() {
    let report = diagnose_project(&ProjectFacts::default());
    let c = report
        .checks
        .iter()
        .find(|c| c.id == "key_creation_access")
        .unwrap();
    assert_eq!(c.status, Status::Manual);
    assert!(c.fix.as_deref().unwrap().contains("dashboard"));
    assert_eq!(report.exit_status(), 0);
    assert_ne!(report.worst(), Status::Manual);
}

#[test]
fn incident_plan_states() {
    let mut facts = ProjectFacts::default();
    assert_eq!(status(&facts, "incident_plan"), Status::Warn);
    facts.incident_plan = Some(IncidentPlanFact {
        path: "docs/incident-response.md".into(),
        unfilled: 3,
    });
    assert_eq!(status(&facts, "incident_plan"), Status::Warn);
    facts.incident_plan = Some(IncidentPlanFact {
        path: "docs/incident-response.md".into(),
        unfilled: 0,
    });
    assert_eq!(status(&facts, "incident_plan"), Status::Pass);
}

#[cfg(feature = "monitor")]
mod with_inventory {
    use super::*;
    use crate::inventory::{Inventory, LastUse};
    use crate::monitor::{parse_timestamp, Config};

    const NOW: &str = "2026-12-02T00:00:00Z";

    fn facts(config: &str, usage: Option<LastUse>) -> ProjectFacts {
        let c = Config::parse(config).unwrap();
        let now = parse_timestamp(NOW).unwrap();
        let events = usage
            .as_ref()
            .map_or(0, |u| u.keys.values().map(|v| v.1).sum());
        let logs = if usage.is_some() {
            vec!["audit.jsonl".to_owned()]
        } else {
            vec![]
        };
        ProjectFacts {
            monitoring: Some(MonitoringFacts {
                config: "pictify-keys.toml".into(),
                error: None,
                keys: c.keys.len(),
                rules: 1,
                audit_logs: logs,
                audit_errors: vec![],
                events,
                inventory: Some(Inventory::build(&c, &usage.unwrap_or_default(), now)),
            }),
            ..ProjectFacts::default()
        }
    }

    fn used(id: &str, when: &str) -> LastUse {
        let t = parse_timestamp(when).unwrap();
        let mut u = LastUse::default();
        u.record(id, t, t, 4);
        u
    }

    #[test]
    fn no_configuration_warns_and_a_refused_one_fails() {
        let none = ProjectFacts::default();
        for id in ["key_rotation", "unused_keys", "usage_monitored"] {
            assert_eq!(status(&none, id), Status::Warn, "{id}");
        }
        let refused = ProjectFacts {
            monitoring: Some(MonitoringFacts {
                config: "pictify-keys.toml".into(),
                error: Some("[config_invalid] line 2, column 3: unknown field".into()),
                ..MonitoringFacts::default()
            }),
            ..ProjectFacts::default()
        };
        for id in ["key_rotation", "unused_keys", "usage_monitored"] {
            assert_eq!(status(&refused, id), Status::Fail, "{id}");
        }
    }

    #[test]
    fn rotation_states() {
        let fresh = "[keys.k]\nowner = \"o\"\ncreated = 2026-06-01\n";
        assert_eq!(status(&facts(fresh, None), "key_rotation"), Status::Pass);
        let undated = "[keys.k]\nowner = \"o\"\n";
        assert_eq!(status(&facts(undated, None), "key_rotation"), Status::Warn);
        let old = "[keys.k]\nowner = \"o\"\ncreated = 2025-06-01\n";
        let f = facts(old, None);
        assert_eq!(status(&f, "key_rotation"), Status::Fail);
        assert_eq!(diagnose_project(&f).exit_status(), 1);
        // Revoked keys need no rotation.
        let revoked = "[keys.k]\ncreated = 2020-06-01\nrevoked_at = \"2026-01-01T00:00:00Z\"\n[keys.n]\nowner = \"o\"\ncreated = 2026-06-01\n";
        assert_eq!(status(&facts(revoked, None), "key_rotation"), Status::Pass);
    }

    #[test]
    fn unused_states() {
        let c = "[keys.k]\nowner = \"o\"\ncreated = 2026-01-01\n";
        // No log: last use unknown.
        assert_eq!(status(&facts(c, None), "unused_keys"), Status::Warn);
        assert_eq!(
            status(
                &facts(c, Some(used("k", "2026-11-30T00:00:00Z"))),
                "unused_keys"
            ),
            Status::Pass
        );
        let f = facts(c, Some(used("k", "2026-08-01T00:00:00Z")));
        assert_eq!(status(&f, "unused_keys"), Status::Fail);
        let check = diagnose_project(&f)
            .checks
            .into_iter()
            .find(|c| c.id == "unused_keys")
            .unwrap();
        // 2026-08-01 → 2026-12-02: 31+30+31+30+1 = 123 days.
        assert_eq!(
            check.details,
            ["k: last used 123 days ago (2026-08-01T00:00:00Z), 90 or more"]
        );
        // A key used but not listed.
        let mut u = used("k", "2026-11-30T00:00:00Z");
        u.record("stranger", 1_764_460_800, 1_764_460_800, 1);
        assert_eq!(status(&facts(c, Some(u)), "unused_keys"), Status::Warn);
    }

    #[test]
    fn monitoring_states() {
        let c = "[keys.k]\nowner = \"o\"\n";
        assert_eq!(status(&facts(c, None), "usage_monitored"), Status::Warn);
        assert_eq!(
            status(
                &facts(c, Some(used("k", "2026-11-30T00:00:00Z"))),
                "usage_monitored"
            ),
            Status::Pass
        );
        assert_eq!(status(&facts("", None), "usage_monitored"), Status::Warn);
        let mut f = facts(c, Some(used("k", "2026-11-30T00:00:00Z")));
        if let Some(m) = &mut f.monitoring {
            m.audit_errors.push("logs/a.jsonl: not found".into());
        }
        assert_eq!(status(&f, "usage_monitored"), Status::Warn);
        if let Some(m) = &mut f.monitoring {
            m.audit_errors.clear();
            m.events = 0;
        }
        assert_eq!(status(&f, "usage_monitored"), Status::Warn);
    }
}
