#![allow(clippy::unwrap_used)]
use super::*;
use crate::audit::{KeyRef, Timestamp};
use crate::ApiKey;

const HOUR: i64 = 3600;
const T0: i64 = 1_772_409_600; // 2026-03-02T00:00:00Z

fn event(t: i64, ip: &str, status: u16) -> AuditEvent {
    AuditEvent::new(
        Timestamp::from_unix_millis(t * 1000),
        "api.request",
        KeyRef::from_id("key_a").unwrap(),
        "/v1/render?x=1",
        "POST",
        status,
    )
    .with_ip(ip)
}

#[test]
fn lifecycle_updates_share_one_id_and_end_after_the_cooldown() {
    let config = Config::parse("[keys.key_a]\nallowed_networks = [\"203.0.113.0/24\"]\n").unwrap();
    let mut m = Monitor::new(config);
    m.feed_event(&event(T0 + 60, "198.51.100.9", 200));
    m.feed_event(&event(T0 + HOUR + 60, "198.51.100.9", 200));
    m.feed_event(&event(T0 + 2 * HOUR + 600, "203.0.113.5", 200));
    let phases: Vec<(Phase, String, u32)> = m
        .drain_updates()
        .into_iter()
        .map(|u| (u.phase, u.alert.id, u.alert.windows))
        .collect();
    let id = "disallowed_network:key_a:2026-03-02T00:00:00Z".to_owned();
    assert_eq!(
        phases,
        vec![
            (Phase::Start, id.clone(), 1),
            (Phase::Update, id.clone(), 2)
        ]
    );
    // A quiet app: a timer moves time on, the cool-down (3 windows) runs out.
    m.advance_to(T0 + 5 * HOUR + 600);
    let ends: Vec<(Phase, String, bool)> = m
        .drain_updates()
        .into_iter()
        .map(|u| (u.phase, u.alert.id, u.alert.open))
        .collect();
    assert_eq!(ends, vec![(Phase::End, id, false)]);
    let report = m.finish();
    assert_eq!(report.alerts.len(), 1);
    assert_eq!(report.alerts[0].evidence[0].source, "memory");
    assert_eq!(
        report.alerts[0]
            .evidence
            .iter()
            .map(|e| e.line)
            .collect::<Vec<_>>(),
        vec![1, 2]
    );
    assert_eq!(
        report.keys[0].endpoints,
        vec![("POST /v1/render".to_owned(), 3)]
    );
}

#[test]
fn in_memory_events_by_fingerprint_and_usage_figures() {
    let key = ApiKey::parse("pk_test_FAKE3Wwd25rq4f5zra1b2").unwrap();
    let mut m = Monitor::new(Config::default());
    for (i, status) in [200u16, 201, 301, 401, 403, 404, 429, 500]
        .into_iter()
        .enumerate()
    {
        let e = AuditEvent::new(
            Timestamp::from_unix_millis((T0 + 60 * i64::try_from(i).unwrap()) * 1000 + 123),
            "api.request",
            KeyRef::from_key(&key),
            "/v1/x",
            "GET",
            status,
        )
        .with_ip(if i % 2 == 0 {
            "203.0.113.5"
        } else {
            "2001:db8:1::5"
        })
        .with_user_agent("sdk/1");
        m.feed_event(&e);
    }
    let r = m.finish();
    let k = &r.keys[0];
    assert_eq!(k.key_id, "pk_test_****a1b2");
    assert_eq!(
        (
            k.requests,
            k.status_2xx,
            k.status_3xx,
            k.status_4xx,
            k.status_5xx
        ),
        (8, 2, 1, 4, 1)
    );
    assert_eq!((k.auth_failures, k.rate_limited, k.errors), (2, 1, 2));
    assert!((k.error_rate - 0.25).abs() < 1e-12);
    assert_eq!((k.distinct_ips, k.distinct_networks), (2, 2));
    assert_eq!(
        (k.first_seen.as_str(), k.last_seen.as_str()),
        ("2026-03-02T00:00:00Z", "2026-03-02T00:07:00Z")
    );
    // Monday 00:00 UTC is hour 0 of the week.
    assert_eq!(k.hour_of_week[0], 8);
    assert!(k.learning && !k.configured);
    assert_eq!(k.top_user_agents, vec![("sdk/1".to_owned(), 8)]);
}

#[test]
fn empty_stretches_are_skipped_with_the_same_result() {
    let mut text = String::new();
    let mut t = T0;
    let line = |t: i64, ip: &str| {
        format!(
            "{{\"timestamp\":\"{}\",\"keyId\":\"key_a\",\"status\":200,\"ip\":\"{ip}\"}}\n",
            format_timestamp(t)
        )
    };
    // 10 days at 12 an hour, 90 days of silence, a spike, a new network, then a line in 2199.
    for _ in 0..10 * 24 * 12 {
        text.push_str(&line(t, "203.0.113.5"));
        t += 300;
    }
    t += 90 * 86_400;
    for _ in 0..400 {
        text.push_str(&line(t, "203.0.113.5"));
        t += 5;
    }
    text.push_str(&line(t + 7200, "198.51.100.1"));
    let config = Config::parse(
        "[thresholds]\nlearning_days = 40\n[keys.key_b]\nthresholds = { cooldown_windows = 30 }\n",
    )
    .unwrap();
    let run = |fast: bool, tail: &str| {
        let mut m = Monitor::new(config.clone());
        if !fast {
            m.fast_forward_after = i64::MAX;
        }
        m.feed(text.as_bytes());
        m.feed(tail.as_bytes());
        m.finish()
    };
    let slow = run(false, "");
    let fast = run(true, "");
    assert_eq!(fast, slow);
    let kinds: Vec<&str> = fast.alerts.iter().map(|a| a.kind.code()).collect();
    assert_eq!(kinds, vec!["request_spike", "new_network"]);
    assert!(!fast.keys[0].learning);
    // One far-future line: analysed (not a hang), and later lines are out of order.
    let tail = format!(
        "{}{}",
        line(7_240_000_000, "203.0.113.5"),
        line(t + 9000, "203.0.113.5")
    );
    let r = run(true, &tail);
    assert_eq!(r.events, fast.events + 1);
    assert_eq!(r.issues[0].code, "out_of_order");
}

#[test]
fn long_lines_are_skipped_and_counted() {
    let mut m = Monitor::new(Config::default());
    m.begin_source("a");
    let long = vec![b'x'; MAX_LINE + 1];
    m.feed(&long);
    m.feed(b"\n{\"timestamp\":\"2026-03-02T00:00:00Z\",\"keyId\":\"k\",\"status\":200}\n");
    m.begin_source("b");
    m.feed(b"nope");
    let r = m.finish();
    assert_eq!((r.lines, r.events), (3, 1));
    let codes: Vec<(&str, &str, u64)> = r
        .issues
        .iter()
        .flat_map(|i| {
            i.lines
                .iter()
                .map(move |l| (i.code, l.source.as_str(), l.line))
        })
        .collect();
    assert_eq!(
        codes,
        vec![("invalid_json", "b", 1), ("line_too_long", "a", 1)]
    );
}
