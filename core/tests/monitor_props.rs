//! Property tests of the usage monitor: the report does not depend on how the input is cut
//! into chunks, and no key handed in anywhere in a line reaches the report.
#![cfg(feature = "monitor")]
#![allow(clippy::unwrap_used)]

use pictify_keys::monitor::{format_timestamp, Config, Monitor, Report, MAX_LINE};
use proptest::prelude::*;

const KEY: &str = "pk_live_FAKE3Wwd25rq4f5zra1b2";

fn config() -> Config {
    Config::parse(
        "[thresholds]\nauth_burst = 3\nrate_limit_burst = 3\nlearning_days = 1\nspike_floor = 5\n\
         [networks]\nproduction = [\"10.0.0.0/8\"]\n\
         [keys.key_a]\nallowed_networks = [\"203.0.113.0/24\"]\nrevoked_at = \"2026-03-02T06:00:00Z\"\n\
         [keys.key_b]\nenvironment = \"test\"\nbusiness_hours = { zone = \"Europe/Paris\", start = \"08:00\", end = \"19:00\" }\n",
    )
    .unwrap()
}

/// One line: mostly valid events, some broken in every way the parser knows.
fn line() -> impl Strategy<Value = (i64, Vec<u8>)> {
    (
        -900i64..4000,
        0usize..3,
        prop::sample::select(vec![200u16, 201, 401, 403, 404, 429, 500]),
        prop::sample::select(vec!["203.0.113.5", "198.51.100.7", "10.1.2.3", "2001:db8:5::1"]),
        0u8..20,
    )
        .prop_map(|(step, key, status, ip, shape)| {
            let key_id = ["key_a", "key_b", "pk_test_****a1b2"][key];
            let body = format!(
                r#"{{"keyId":"{key_id}","endpoint":"/v1/render?api_key={KEY}","method":"POST","status":{status},"ip":"{ip}","userAgent":"ua {KEY}"}}"#
            );
            let bytes = match shape {
                0 => b"{\"timestamp\":\"2026-03-02T00:00:00Z\",\"keyId\":\"key_a\",\"sta".to_vec(),
                1 => b"\xff\xfe garbage".to_vec(),
                2 => format!(r#"{{"timestamp":"TS","keyId":"{KEY}","status":200}}"#).into_bytes(),
                3 => vec![b'x'; MAX_LINE + 10],
                4 => Vec::new(),
                _ => body.replacen('{', r#"{"timestamp":"TS","#, 1).into_bytes(),
            };
            (step, bytes)
        })
}

fn stream(lines: &[(i64, Vec<u8>)]) -> Vec<u8> {
    let mut t = 1_772_409_600; // 2026-03-02T00:00:00Z
    let mut out = Vec::new();
    for (step, bytes) in lines {
        t += step;
        let ts = format_timestamp(t);
        let text = String::from_utf8_lossy(bytes);
        if text.contains("\"TS\"") {
            out.extend_from_slice(text.replace("\"TS\"", &format!("\"{ts}\"")).as_bytes());
        } else {
            out.extend_from_slice(bytes);
        }
        out.push(b'\n');
    }
    out
}

fn analyse(chunks: &[&[u8]]) -> Report {
    let mut m = Monitor::new(config());
    m.begin_source("p");
    for c in chunks {
        m.feed(c);
    }
    m.finish()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn same_report_for_every_chunking(
        lines in prop::collection::vec(line(), 1..120),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
        last_newline in any::<bool>(),
    ) {
        let mut bytes = stream(&lines);
        if !last_newline {
            bytes.pop();
        }
        let whole = analyse(&[&bytes]);
        let mut at: Vec<usize> = cuts.iter().map(|i| i.index(bytes.len() + 1)).collect();
        at.sort_unstable();
        let mut chunks = Vec::new();
        let mut from = 0;
        for a in at {
            chunks.push(&bytes[from..a]);
            from = a;
        }
        chunks.push(&bytes[from..]);
        prop_assert_eq!(&analyse(&chunks), &whole);
        let bytewise: Vec<&[u8]> = bytes.chunks(1).collect();
        if bytes.len() < 20_000 {
            prop_assert_eq!(&analyse(&bytewise), &whole);
        }
        let json = serde_json::to_string(&whole).unwrap();
        prop_assert!(!json.contains("FAKE"));
        let expected_lines = bytes.split(|b| *b == b'\n').count()
            - usize::from(bytes.ends_with(b"\n") || bytes.is_empty());
        prop_assert_eq!(usize::try_from(whole.lines).unwrap(), expected_lines);
    }
}
