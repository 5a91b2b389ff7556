//! Property tests of the key inventory and the incident investigation: a configuration
//! holding a key anywhere is refused without echoing it; any per-key values judge without
//! panicking, and the flags follow the documented thresholds; the incident report does not
//! depend on the order of the events.
#![cfg(feature = "monitor")]
#![allow(clippy::unwrap_used)]

use pictify_keys::incident::{Investigation, Target};
use pictify_keys::inventory::{FlagKind, Inventory, LastUse, ROTATE_DAYS, UNUSED_DAYS};
use pictify_keys::monitor::{parse_line, Config, ConfigError, Evidence};
use proptest::prelude::*;

const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zra1b2";
const NOW: i64 = 1_764_633_600; // 2026-12-02T00:00:00Z
const DAY: i64 = 86_400;

proptest! {
    #[test]
    fn a_key_anywhere_is_refused_by_line_without_echo(
        before in prop::collection::vec("[a-z_]{1,8} = \"[a-z ]{0,10}\"", 0..6),
        field in prop::sample::select(vec!["owner", "name", "purpose", "fingerprint", "# note"]),
    ) {
        let mut text = String::from("[keys.key_a]\n");
        for l in &before {
            text.push_str(l);
            text.push('\n');
        }
        let line = text.matches('\n').count() + 1;
        text.push_str(&format!("{field} = \"x {KEY}\"\n"));
        let err = Config::parse(&text).unwrap_err();
        prop_assert_eq!(&err, &ConfigError::ContainsSecret { line });
        prop_assert!(!err.to_string().contains(&KEY[8..]));
    }

    #[test]
    fn flags_follow_the_thresholds(
        age in 0i64..1000,
        idle in 0i64..400,
        owner in any::<bool>(),
        env in prop::sample::select(vec!["production", "staging", "development", "ci", "eu-west"]),
    ) {
        let created = NOW - age * DAY;
        let day = |t: i64| pictify_keys::monitor::format_timestamp(t)[..10].to_owned();
        let text = format!(
            "[keys.key_a]\nmode = \"live\"\nenvironments = [\"{env}\"]\ncreated = {}\n{}",
            day(created),
            if owner { "owner = \"me\"\n" } else { "" }
        );
        let config = Config::parse(&text).unwrap();
        let mut usage = LastUse::default();
        usage.record("key_a", NOW - idle * DAY, NOW - idle * DAY, 1);
        let inv = Inventory::build(&config, &usage, NOW);
        let flags: Vec<FlagKind> = inv.keys[0].flags.iter().map(|f| f.kind).collect();
        prop_assert_eq!(flags.contains(&FlagKind::Old), age > ROTATE_DAYS);
        prop_assert_eq!(flags.contains(&FlagKind::Unused), idle >= UNUSED_DAYS);
        prop_assert_eq!(flags.contains(&FlagKind::NoOwner), !owner);
        prop_assert_eq!(
            flags.contains(&FlagKind::LiveOutsideProduction),
            matches!(env, "staging" | "development" | "ci")
        );
        prop_assert_eq!(inv.keys[0].age_days, Some(age));
    }

    #[test]
    fn the_incident_report_does_not_depend_on_event_order(
        events in prop::collection::vec(
            (0i64..200, prop::sample::select(vec!["10.1.1.1", "198.51.100.7", "203.0.113.9"]),
             prop::sample::select(vec![200u16, 204, 401, 500]),
             prop::sample::select(vec!["GET", "POST", "DELETE"])),
            1..40),
        seed in any::<u64>(),
    ) {
        let config = Config::parse("[keys.key_a]\nallowed_networks = [\"10.0.0.0/8\"]\n").unwrap();
        let lines: Vec<String> = events.iter().map(|(m, ip, status, method)| {
            format!(
                r#"{{"timestamp":"{}","keyId":"key_a","endpoint":"/v1/x","method":"{method}","status":{status},"ip":"{ip}"}}"#,
                pictify_keys::monitor::format_timestamp(NOW - 300 * 60 + m * 60)
            )
        }).collect();
        let run = |order: &[usize]| {
            let mut inv = Investigation::new(
                Target::resolve(&config, "key_a"),
                Some(NOW - 200 * 60),
                Some(NOW - 150 * 60),
            );
            for &i in order {
                let e = parse_line(lines[i].as_bytes()).unwrap();
                inv.feed(&e, Evidence { source: "log".into(), line: i as u64 + 1 });
            }
            inv.finish(NOW)
        };
        let forward: Vec<usize> = (0..lines.len()).collect();
        let mut shuffled = forward.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let (a, b) = (run(&forward), run(&shuffled));
        prop_assert_eq!(&a.networks, &b.networks);
        prop_assert_eq!(&a.access, &b.access);
        prop_assert_eq!(&a.days, &b.days);
        prop_assert_eq!(a.suspicious_total, b.suspicious_total);
        prop_assert_eq!(&a.actions, &b.actions);
        prop_assert_eq!(&a.suspicious, &b.suspicious);
        let success_after = events.iter().filter(|(m, _, s, _)| NOW - 300 * 60 + m * 60 >= NOW - 150 * 60 && (200..300).contains(s)).count() as u64;
        prop_assert_eq!(a.success_after_revocation, success_after);
    }
}
