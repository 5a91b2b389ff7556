//! Unit tests of the key ring.

use super::*;
use crate::source::KeyList;

const NEW: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
const OLD: &str = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4";

fn ring(config: RingConfig) -> (KeyRing, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(1_000_000));
    let keys = KeyList::parse(&[NEW, OLD]).unwrap().into_keys();
    (
        KeyRing::with_clock(keys, config, clock.clone()).unwrap(),
        clock,
    )
}

#[test]
fn demoted_key_is_skipped_until_cooldown_then_probed_once() {
    let (ring, clock) = ring(RingConfig::default());
    let mut r = ring.begin_request();
    let a = ring.next_attempt(&mut r).unwrap();
    assert_eq!(
        ring.on_outcome(&mut r, &a, Outcome::status(401)),
        Decision::TryNextKey
    );
    let b = ring.next_attempt(&mut r).unwrap();
    assert_eq!(b.key().fingerprint(), "pk_live_****c3d4");
    assert_eq!(r.fallbacks().len(), 1);
    assert_eq!(r.fallbacks()[0].from_fingerprint, "pk_live_****a1b2");
    ring.on_outcome(&mut r, &b, Outcome::status(200));

    clock.advance_ms(299_999);
    let mut r = ring.begin_request();
    assert_eq!(
        ring.next_attempt(&mut r).unwrap().key().fingerprint(),
        "pk_live_****c3d4"
    );

    clock.advance_ms(1);
    let mut probe = ring.begin_request();
    assert_eq!(
        ring.next_attempt(&mut probe).unwrap().key().fingerprint(),
        "pk_live_****a1b2"
    );
    // While the probe is in flight, other requests keep using the live key.
    let mut other = ring.begin_request();
    assert_eq!(
        ring.next_attempt(&mut other).unwrap().key().fingerprint(),
        "pk_live_****c3d4"
    );
}

#[test]
fn never_switches_on_5xx_and_fails_after_retries() {
    let (ring, _) = ring(RingConfig {
        jitter: false,
        ..RingConfig::default()
    });
    let mut r = ring.begin_request();
    let mut delays = Vec::new();
    loop {
        let a = ring.next_attempt(&mut r).unwrap();
        assert_eq!(a.key().fingerprint(), "pk_live_****a1b2");
        match ring.on_outcome(&mut r, &a, Outcome::status(503)) {
            Decision::Retry { delay_ms } => delays.push(delay_ms),
            Decision::Fail(e) => {
                assert_eq!(e.code(), "server_error");
                break;
            }
            d => panic!("{d:?}"),
        }
    }
    assert_eq!(delays, [250, 500]);
    let s = &ring.stats()[0];
    assert_eq!((s.requests, s.errors), (3, 3));
}

#[test]
fn jitter_stays_in_range() {
    let (ring, _) = ring(RingConfig::default());
    for retry in 1..=6 {
        let full = (250u64 << (retry - 1)).min(8_000);
        for _ in 0..200 {
            let d = ring.backoff_ms(retry);
            assert!(d >= full / 2 && d <= full, "{retry}: {d}");
        }
    }
}

#[test]
fn retry_after_seconds_date_and_cap() {
    assert_eq!(parse_retry_after("3", 0), Some(3_000));
    let now = 1_764_201_600_000; // 2025-11-27T00:00:00Z
    assert_eq!(
        parse_retry_after("Thu, 27 Nov 2025 00:00:05 GMT", now),
        Some(5_000)
    );
    assert_eq!(
        parse_retry_after("Wed, 26 Nov 2025 00:00:05 GMT", now),
        Some(0)
    );
    assert_eq!(parse_retry_after("soon", now), None);
    let (ring, _) = ring(RingConfig::default());
    let mut r = ring.begin_request();
    let a = ring.next_attempt(&mut r).unwrap();
    let d = ring.on_outcome(
        &mut r,
        &a,
        Outcome::Response {
            status: 429,
            retry_after: Some("3600"),
        },
    );
    assert_eq!(d, Decision::Retry { delay_ms: 30_000 });
}

#[test]
fn all_keys_refused_is_unauthorized() {
    let (ring, _) = ring(RingConfig::default());
    let mut r = ring.begin_request();
    let a = ring.next_attempt(&mut r).unwrap();
    assert_eq!(
        ring.on_outcome(&mut r, &a, Outcome::status(401)),
        Decision::TryNextKey
    );
    let b = ring.next_attempt(&mut r).unwrap();
    assert_eq!(
        ring.on_outcome(&mut r, &b, Outcome::status(401)),
        Decision::Fail(HttpError::Unauthorized {
            tried: 2,
            api_code: None,
            request_id: None
        })
    );
    assert_eq!(
        ring.next_attempt(&mut r).unwrap_err().code(),
        "unauthorized"
    );
}

#[test]
fn replace_keys_keeps_stats_of_kept_keys() {
    let (ring, _) = ring(RingConfig::default());
    let mut r = ring.begin_request();
    let a = ring.next_attempt(&mut r).unwrap();
    ring.on_outcome(&mut r, &a, Outcome::status(200));
    let rotated = KeyList::parse(&["pk_live_FAKEr0tat3dK3yZq7w8e9f0", NEW])
        .unwrap()
        .into_keys();
    ring.replace_keys(rotated);
    let stats = ring.stats();
    assert_eq!(stats[0].requests, 0);
    assert_eq!(stats[1].fingerprint, "pk_live_****a1b2");
    assert_eq!(stats[1].successes, 1);
}

#[test]
fn other_statuses_are_done() {
    let (ring, _) = ring(RingConfig::default());
    for status in [200, 201, 400, 403, 404, 422] {
        let mut r = ring.begin_request();
        let a = ring.next_attempt(&mut r).unwrap();
        assert_eq!(
            ring.on_outcome(&mut r, &a, Outcome::status(status)),
            Decision::Done
        );
    }
}

#[test]
fn owned_outcome_decides_as_the_borrowed_one() {
    let owned = OutcomeBuf::Response {
        status: 429,
        retry_after: Some("3".to_owned()),
    };
    let borrowed = Outcome::Response {
        status: 429,
        retry_after: Some("3"),
    };
    assert_eq!(owned.as_outcome(), borrowed);
    assert_eq!(OutcomeBuf::from(borrowed), owned);
    for o in [
        Outcome::Timeout,
        Outcome::ConnectionError,
        Outcome::status(401),
    ] {
        assert_eq!(OutcomeBuf::from(o).as_outcome(), o);
    }
    let (ring, _) = ring(RingConfig::default());
    let mut r = ring.begin_request();
    let a = ring.next_attempt(&mut r).unwrap();
    assert_eq!(
        ring.on_outcome(&mut r, &a, owned.as_outcome()),
        Decision::Retry { delay_ms: 3_000 }
    );
}
