#![allow(clippy::unwrap_used)]
use super::*;
use crate::monitor::{parse_timestamp, Config, Monitor};

fn at(t: &str) -> i64 {
    parse_timestamp(t).unwrap()
}

const NOW: &str = "2026-12-02T12:00:00Z";

/// Every flag planted once, plus a clean key, a revoked key and a key the logs use by
/// fingerprint.
const CONFIG: &str = r#"
[keys.key_clean]
name = "prod api server"
mode = "live"
access = "full"
environments = ["production"]
owner = "platform"
created = 2026-06-01
fingerprint = "pk_live_****c1e4"

[keys.key_idle]
mode = "test"
owner = "data"
created = 2026-01-01
environments = ["staging"]

[keys.key_old]
mode = "test"
owner = "ci"
created = 2025-11-01T00:00:00Z
environments = ["ci"]

[keys.key_nobody]
mode = "test"
created = 2026-10-01

[keys.key_live_staging]
owner = "web"
fingerprint = "pk_live_****5b5b"
environments = ["production", "staging"]
created = 2026-09-01

[keys.key_share_a]
owner = "a"
purpose = "analytics"
fingerprint = "0011223344556677"
created = 2026-10-01

[keys.key_share_b]
owner = "b"
purpose = "exports"
fingerprint = "0011223344556677"
created = 2026-10-01

[keys.key_gone]
created = 2020-01-01
revoked_at = "2026-02-01T00:00:00Z"
"#;

fn kinds(inv: &Inventory, id: &str) -> Vec<FlagKind> {
    inv.keys
        .iter()
        .find(|k| k.id == id)
        .unwrap()
        .flags
        .iter()
        .map(|f| f.kind)
        .collect()
}

fn usage() -> LastUse {
    let mut u = LastUse::default();
    u.record(
        "key_clean",
        at("2026-11-30T09:00:00Z"),
        at("2026-12-01T09:00:00Z"),
        5,
    );
    // Logged by fingerprint, not ID.
    u.record(
        "pk_live_****5b5b",
        at("2026-11-01T00:00:00Z"),
        at("2026-11-02T00:00:00Z"),
        2,
    );
    u.record(
        "key_idle",
        at("2026-03-01T00:00:00Z"),
        at("2026-03-01T10:00:00Z"),
        1,
    );
    u.record(
        "key_old",
        at("2026-12-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    u.record(
        "key_nobody",
        at("2026-12-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    u.record(
        "key_share_a",
        at("2026-12-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    u.record(
        "key_share_b",
        at("2026-12-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    u.record(
        "key_stranger",
        at("2026-12-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        3,
    );
    u
}

#[test]
fn every_flag_where_it_was_planted() {
    let config = Config::parse(CONFIG).unwrap();
    let inv = Inventory::build(&config, &usage(), at(NOW));
    assert_eq!(inv.now, NOW);
    assert!(kinds(&inv, "key_clean").is_empty());
    assert_eq!(kinds(&inv, "key_idle"), [FlagKind::Unused]);
    assert_eq!(kinds(&inv, "key_old"), [FlagKind::Old]);
    assert_eq!(kinds(&inv, "key_nobody"), [FlagKind::NoOwner]);
    assert_eq!(
        kinds(&inv, "key_live_staging"),
        [FlagKind::LiveOutsideProduction]
    );
    assert_eq!(kinds(&inv, "key_share_a"), [FlagKind::SharedKey]);
    assert_eq!(kinds(&inv, "key_share_b"), [FlagKind::SharedKey]);
    // Revoked: listed, never flagged, although old and ownerless.
    assert!(kinds(&inv, "key_gone").is_empty());
    assert_eq!(inv.unlisted, ["key_stranger"]);
    assert_eq!(inv.exit_status(), 1);

    let key = |id: &str| inv.keys.iter().find(|k| k.id == id).unwrap();
    let clean = key("key_clean");
    // 2026-06-01 → 2026-12-02: 30 (rest of June) + 31 + 31 + 30 + 31 + 30 + 1 = 184 days.
    assert_eq!(clean.age_days, Some(184));
    assert_eq!(clean.created.as_deref(), Some("2026-06-01T00:00:00Z"));
    assert_eq!(clean.last_used.as_deref(), Some("2026-12-01T09:00:00Z"));
    assert_eq!((clean.last_used_days, clean.requests), (Some(1), 5));
    assert_eq!(clean.access.as_deref(), Some("full"));
    assert_eq!(clean.mode, Some(Mode::Live));
    // The mode comes from the fingerprint when not written; last use from the fingerprint.
    let ls = key("key_live_staging");
    assert_eq!(ls.mode, Some(Mode::Live));
    assert_eq!(ls.last_used.as_deref(), Some("2026-11-02T00:00:00Z"));
    assert!(ls.flags[0].message.contains("staging"));
    assert!(!ls.flags[0].message.contains("production,"));
    // 2026-03-01T10:00 → 2026-12-02T12:00: 276 days.
    let idle = key("key_idle");
    assert_eq!(idle.last_used_days, Some(276));
    assert!(
        idle.flags[0].message.contains("276 days"),
        "{}",
        idle.flags[0].message
    );
    // 2025-11-01 → 2026-12-02: 365 + 31 = 396 days.
    assert!(key("key_old").flags[0].message.contains("396 days"));
    assert!(key("key_share_a").flags[0].message.contains("key_share_b"));
    assert!(key("key_gone").revoked);
    assert_eq!(inv.logs.from.as_deref(), Some("2026-03-01T00:00:00Z"));
    assert_eq!(inv.logs.to.as_deref(), Some("2026-12-01T09:00:00Z"));
}

#[test]
fn without_logs_last_use_is_unknown_and_not_flagged() {
    let config = Config::parse(CONFIG).unwrap();
    let inv = Inventory::build(&config, &LastUse::default(), at(NOW));
    assert!(!inv.logs.given);
    assert!(inv.keys.iter().all(|k| k.last_used.is_none()));
    assert!(inv.flags().all(|(_, f)| f.kind != FlagKind::Unused));
}

#[test]
fn not_seen_counts_only_when_the_logs_cover_ninety_days() {
    let config = Config::parse("[keys.key_quiet]\nowner = \"x\"\ncreated = 2026-01-01\n").unwrap();
    let mut short = LastUse::default();
    short.record(
        "key_other",
        at("2026-11-20T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    let inv = Inventory::build(&config, &short, at(NOW));
    assert!(kinds(&inv, "key_quiet").is_empty());
    let mut long = LastUse::default();
    long.record(
        "key_other",
        at("2026-08-01T00:00:00Z"),
        at("2026-12-01T00:00:00Z"),
        1,
    );
    let inv = Inventory::build(&config, &long, at(NOW));
    assert_eq!(kinds(&inv, "key_quiet"), [FlagKind::Unused]);
}

#[test]
fn last_use_from_the_monitor_report() {
    let mut m = Monitor::new(Config::default());
    m.feed(
        br#"{"timestamp":"2026-11-01T10:00:00Z","keyId":"key_a","status":200}
{"timestamp":"2026-11-02T10:00:00Z","keyId":"pk_test_****a1b2","status":401}
{"timestamp":"2026-11-03T10:00:00Z","keyId":"key_a","status":200}
"#,
    );
    let u = LastUse::from_report(&m.finish());
    assert!(u.given);
    assert_eq!(u.keys["key_a"], (at("2026-11-03T10:00:00Z"), 2));
    assert_eq!(u.keys["pk_test_****a1b2"], (at("2026-11-02T10:00:00Z"), 1));
    assert_eq!(
        u.span,
        Some((at("2026-11-01T10:00:00Z"), at("2026-11-03T10:00:00Z")))
    );
}

#[test]
fn manager_dates_stand_in_for_a_missing_created() {
    use crate::secrets::metadata::SecretDates;
    let config = Config::parse(
        "[keys.key_vault]\nowner = \"x\"\nsource = \"vault://secret/pictify#api_key\"\n\
         [keys.key_dated]\nowner = \"x\"\ncreated = 2026-11-01\nsource = \"aws-sm://pictify\"\n",
    )
    .unwrap();
    let mut managers = ManagerDates::default();
    let vault = SecretDates {
        manager: "vault",
        created: Some(at("2020-01-01T00:00:00Z")),
        changed: Some(at("2025-01-01T00:00:00Z")),
        ..SecretDates::default()
    };
    managers.keys.insert("key_vault".into(), Ok(vault));
    let aws = SecretDates {
        manager: "aws",
        created: Some(at("2020-01-01T00:00:00Z")),
        changed: Some(at("2020-01-01T00:00:00Z")),
        read: Some(at("2026-01-01T00:00:00Z")),
        ..SecretDates::default()
    };
    managers.keys.insert("key_dated".into(), Ok(aws));
    let inv = Inventory::build_with(&config, &LastUse::default(), &managers, at(NOW));
    let k = inv.keys.iter().find(|k| k.id == "key_vault").unwrap();
    // The current value's time, not the secret's creation.
    assert_eq!(k.created.as_deref(), Some("2025-01-01T00:00:00Z"));
    assert_eq!(k.created_from.as_deref(), Some("vault"));
    assert_eq!(k.source.as_deref(), Some("vault://secret/pictify#api_key"));
    assert_eq!(kinds(&inv, "key_vault"), [FlagKind::Old]);
    // The configuration's own date wins; AWS's last read stands in for last use.
    let k = inv.keys.iter().find(|k| k.id == "key_dated").unwrap();
    assert_eq!(k.created.as_deref(), Some("2026-11-01T00:00:00Z"));
    assert_eq!(k.created_from.as_deref(), Some("inventory"));
    assert_eq!(k.last_used.as_deref(), Some("2026-01-01T00:00:00Z"));
    assert_eq!(k.last_used_from.as_deref(), Some("aws"));
    assert_eq!(kinds(&inv, "key_dated"), [FlagKind::Unused]);

    // A source that is not a reference is refused, naming the field.
    for bad in ["not a reference", "vault://"] {
        let e = Config::parse(&format!("[keys.k]\nsource = \"{bad}\"\n")).unwrap_err();
        assert_eq!(e.code(), "config_bad_value", "{bad}");
    }
    // A key where the reference belongs is refused without being echoed.
    let e = Config::parse("[keys.k]\nsource = \"pk_live_FAKE3Wwd25rq4f5zra1b2\"\n").unwrap_err();
    assert!(!e.to_string().contains("FAKE3Wwd"), "{e}");
    let e = Config::parse("[keys.k]\nsource = \"vault:/x\"\n").unwrap_err();
    assert!(e.to_string().contains("keys.k.source"), "{e}");
}
