#![allow(clippy::unwrap_used)]
use super::*;
use crate::monitor::{parse_line, parse_timestamp};

fn at(t: &str) -> i64 {
    parse_timestamp(t).unwrap()
}

const CONFIG: &str = r#"
[networks]
production = ["10.0.0.0/8"]
[keys.key_abc]
name = "render worker"
mode = "live"
access = "full"
environments = ["production"]
owner = "platform"
fingerprint = "pk_live_****c1e4"
"#;

/// (time, key, method, endpoint, status, ip): one normal request, then a foreign network
/// after the exposure, then after the revocation (one success, one refusal), and other keys.
const PLANTED: [(&str, &str, &str, &str, u16, &str); 8] = [
    (
        "2026-11-28T10:00:00Z",
        "key_abc",
        "GET",
        "/v1/images",
        200,
        "10.1.2.3",
    ),
    (
        "2026-11-28T11:00:00Z",
        "key_other",
        "POST",
        "/v1/render",
        200,
        "198.51.100.7",
    ),
    (
        "2026-11-29T03:00:00Z",
        "key_abc",
        "POST",
        "/v1/render",
        200,
        "198.51.100.7",
    ),
    (
        "2026-11-29T03:05:00Z",
        "pk_live_****c1e4",
        "DELETE",
        "/v1/images/1",
        204,
        "198.51.100.7",
    ),
    (
        "2026-11-29T09:00:00Z",
        "key_abc",
        "GET",
        "/v1/images",
        200,
        "10.1.2.3",
    ),
    (
        "2026-11-30T01:00:00Z",
        "key_abc",
        "POST",
        "/v1/render",
        200,
        "198.51.100.7",
    ),
    (
        "2026-11-30T02:00:00Z",
        "key_abc",
        "GET",
        "/v1/images",
        401,
        "198.51.100.8",
    ),
    (
        "2026-11-30T03:00:00Z",
        "key_other",
        "GET",
        "/v1/images",
        200,
        "10.1.2.3",
    ),
];

fn investigate(exposed: Option<&str>, revoked: Option<&str>) -> IncidentReport {
    let config = Config::parse(CONFIG).unwrap();
    let target = Target::resolve(&config, "key_abc");
    let mut inv = Investigation::new(target, exposed.map(at), revoked.map(at));
    inv.begin_source("audit.jsonl");
    for (i, (t, k, m, e, s, ip)) in PLANTED.iter().enumerate() {
        let line = format!(
            r#"{{"timestamp":"{t}","keyId":"{k}","endpoint":"{e}","method":"{m}","status":{s},"ip":"{ip}"}}"#
        );
        inv.feed(
            &parse_line(line.as_bytes()).unwrap(),
            Evidence {
                source: "audit.jsonl".into(),
                line: i as u64 + 1,
            },
        );
    }
    inv.finish(at("2026-12-01T00:00:00Z"))
}

#[test]
fn compromised_key_used_after_exposure_and_after_revocation() {
    let r = investigate(Some("2026-11-29T00:00:00Z"), Some("2026-11-30T00:00:00Z"));
    assert_eq!(r.key.id.as_deref(), Some("key_abc"));
    assert_eq!(r.key.allowed_networks, ["10.0.0.0/8"]);
    assert_eq!(r.events, 6);
    assert_eq!(r.severity, "critical");
    assert_eq!(r.success_after_revocation, 1);
    let states: Vec<(&str, ActionState)> = r.actions.iter().map(|a| (a.id, a.state)).collect();
    assert_eq!(
        states,
        [
            ("revoke", ActionState::Critical),
            ("remove_from_project", ActionState::Done),
            ("replace_and_update_services", ActionState::Manual),
            ("review_logs", ActionState::Done)
        ]
    );
    assert!(r.actions[0]
        .detail
        .contains("1 request(s) succeeded (2xx) after it, the first at 2026-11-30T01:00:00Z from 198.51.100.7"));
    // Per IP: first, last, count, allowed.
    let row = |ip: &str| r.networks.iter().find(|n| n.ip == ip).unwrap();
    let home = row("10.1.2.3");
    assert_eq!(
        (
            home.count,
            home.allowed,
            home.first_seen.as_str(),
            home.last_seen.as_str()
        ),
        (
            2,
            Some(true),
            "2026-11-28T10:00:00Z",
            "2026-11-29T09:00:00Z"
        )
    );
    assert_eq!(home.after_exposure, 1);
    let foreign = row("198.51.100.7");
    assert_eq!(
        (
            foreign.count,
            foreign.success,
            foreign.allowed,
            foreign.after_exposure
        ),
        (3, 3, Some(false), 3)
    );
    assert_eq!(foreign.network, "198.51.100.0/24");
    assert_eq!(row("198.51.100.8").count, 1);
    assert_eq!(r.networks.len(), 3);
    // Writes first.
    let access: Vec<(&str, &str, u16, u64)> = r
        .access
        .iter()
        .map(|a| (a.method.as_str(), a.endpoint.as_str(), a.status, a.count))
        .collect();
    assert_eq!(
        access,
        [
            ("POST", "/v1/render", 200, 2),
            ("DELETE", "/v1/images/1", 204, 1),
            ("GET", "/v1/images", 200, 2),
            ("GET", "/v1/images", 401, 1),
        ]
    );
    // Suspicious: the three foreign requests and the 401, and the allowed request after the
    // exposure (5 of the key's 6 events).
    assert_eq!(r.suspicious_total, 5);
    let lines: Vec<u64> = r.suspicious.iter().map(|s| s.evidence.line).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!(
        r.suspicious[0].reasons,
        ["outside_allowed_networks", "after_exposure"]
    );
    assert_eq!(r.suspicious[2].reasons, ["after_exposure"]);
    assert_eq!(
        r.suspicious[3].reasons,
        [
            "outside_allowed_networks",
            "after_exposure",
            "after_revocation"
        ]
    );
    // Days.
    let days: Vec<(&str, u64, u64, u64)> = r
        .days
        .iter()
        .map(|d| (d.date.as_str(), d.requests, d.outside, d.after_revocation))
        .collect();
    assert_eq!(
        days,
        [
            ("2026-11-28", 1, 0, 0),
            ("2026-11-29", 3, 2, 0),
            ("2026-11-30", 2, 2, 2)
        ]
    );
    // Timeline, in time order.
    let timeline: Vec<(&str, &str)> = r
        .timeline
        .iter()
        .map(|m| (m.time.as_str(), m.what.as_str()))
        .collect();
    assert_eq!(
        timeline,
        [
            (
                "2026-11-28T10:00:00Z",
                "first use in the logs (audit.jsonl:1)"
            ),
            ("2026-11-29T00:00:00Z", "exposed"),
            (
                "2026-11-29T03:00:00Z",
                "first use after the exposure from 198.51.100.7"
            ),
            (
                "2026-11-29T03:00:00Z",
                "first use from outside the allowed networks (198.51.100.7)"
            ),
            ("2026-11-30T00:00:00Z", "revoked"),
            (
                "2026-11-30T01:00:00Z",
                "first use after the revocation from 198.51.100.7 (status 200)"
            ),
            ("2026-11-30T02:00:00Z", "last use in the logs"),
        ]
    );
    // The log is an appearance; history was not searched.
    assert_eq!(r.appearances.len(), 1);
    assert_eq!((r.appearances[0].kind, r.appearances[0].line), ("log", 1));
    assert!(!r.history_searched);
    assert_eq!(r.exit_status(), 1);
}

#[test]
fn not_revoked_is_todo_and_refused_requests_after_revocation_are_not_critical() {
    let r = investigate(None, None);
    assert_eq!(r.actions[0].state, ActionState::Todo);
    // Without an exposure time, only the foreign network is suspicious.
    assert_eq!(r.suspicious_total, 4);
    assert_eq!(r.severity, "high");
    // Revoked after the last success: later 401s only.
    let r = investigate(None, Some("2026-11-30T01:30:00Z"));
    assert_eq!(r.actions[0].state, ActionState::Done);
    assert_eq!(r.success_after_revocation, 0);
    assert!(r.actions[0].detail.contains("later requests were refused"));
}

#[test]
fn appearances_in_the_project_make_removal_todo() {
    let config = Config::parse(CONFIG).unwrap();
    let target = Target::resolve(&config, "pk_live_****c1e4");
    assert_eq!(target.id.as_deref(), Some("key_abc"));
    let mut inv = Investigation::new(target, None, None);
    inv.add_appearance(Appearance {
        kind: "env_file",
        path: ".env".into(),
        line: 2,
        commit: None,
        author: None,
        date: None,
        detail: None,
    });
    let r = inv.finish(at("2026-12-01T00:00:00Z"));
    assert_eq!(r.actions[1].state, ActionState::Todo);
    assert_eq!(r.actions[1].detail, "still in .env:2");
    assert_eq!(r.actions[3].state, ActionState::Todo);
}

#[test]
fn an_unknown_key_is_matched_by_what_was_asked() {
    let target = Target::resolve(&Config::default(), "pk_test_****zz99");
    assert_eq!(target.id, None);
    assert_eq!(target.fingerprint.as_deref(), Some("pk_test_****zz99"));
    assert!(target.matches("pk_test_****zz99") && !target.matches("key_abc"));
    assert_eq!(target.allows("10.0.0.1".parse().unwrap()), None);
}

#[test]
fn the_template_walks_the_guidance() {
    for step in [
        "Revoke the key",
        "Create a replacement key",
        "Update every service",
        "Review the logs",
        "Scope",
        "Usage",
        "Source",
        "Prevent a recurrence",
    ] {
        assert!(RUNBOOK_TEMPLATE.contains(step), "{step}");
    }
    assert!(RUNBOOK_TEMPLATE.matches(crate::doctor::FILL_IN).count() >= 5);
    assert!(crate::scan::scan_bytes(RUNBOOK_TEMPLATE.as_bytes()).is_empty());
}
