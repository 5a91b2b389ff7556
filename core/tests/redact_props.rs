//! Property tests of the redaction invariants: nothing `ApiKey::parse` accepts survives,
//! no embedded secret survives, redaction is idempotent, streaming equals whole-buffer
//! redaction for every chunking, and lines (and, for the mask style, bytes) are preserved.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::borrow::Cow;

use pictify_keys::redact::{Redactor, Style, MAX_PENDING};
use pictify_keys::ApiKey;
use proptest::prelude::*;

const STYLES: [Style; 3] = [Style::Fingerprint, Style::Redacted, Style::Mask];

/// Pieces of log text, chosen to hit every rule and every boundary between rules.
const PIECES: &[&str] = &[
    "pk_",
    "pk_live_",
    "pk_test_",
    "PK_LIVE_",
    "Pk_Test_",
    "pk_live",
    "pk",
    "k_live_",
    "_test_",
    "Bearer ",
    "bearer%20",
    "Authorization: Bearer ",
    "api_key=",
    "api-key: ",
    "apikey=",
    "X-Api-Key: ",
    "\"apiKey\":\"",
    "\\\"api_key\\\":\\\"",
    "\"api_key\": ",
    "?key=",
    "&key=",
    "key",
    "monkey",
    "=",
    ":",
    "/",
    "\t",
    "\n",
    "\r\n",
    "\"",
    "'",
    "%22",
    "%2F",
    "%2B",
    "%20",
    "%",
    "%2",
    "\\\"",
    "*",
    "****",
    "[REDACTED]",
    "_",
    "-",
    "@",
    "null",
    " ",
    "https://user:",
    "@api.pictify.io",
    ".",
    ",",
];

/// A fragment of input; keys carry their secret part for the leak check.
fn fragment() -> impl Strategy<Value = (Vec<u8>, Option<String>)> {
    let key = (
        "(pk_live_|pk_test_|PK_LIVE_|PK_TEST_)",
        "[A-Za-z0-9]{12,60}",
    )
        .prop_map(|(prefix, tail)| {
            let text = format!("{prefix}FAKE{tail}");
            (text.into_bytes(), Some(format!("FAKE{tail}")))
        });
    prop_oneof![
        4 => prop::sample::select(PIECES).prop_map(|p| (p.as_bytes().to_vec(), None)),
        3 => "[a-z ]{1,12}".prop_map(|s| (s.into_bytes(), None)),
        2 => "[A-Za-z0-9]{1,40}".prop_map(|s| (s.into_bytes(), None)),
        1 => "[A-Za-z0-9]{120,200}".prop_map(|s| (s.into_bytes(), None)),
        3 => key,
        1 => prop::collection::vec(any::<u8>(), 1..4).prop_map(|b| (b, None)),
    ]
}

fn log_text() -> impl Strategy<Value = (Vec<u8>, Vec<String>)> {
    prop::collection::vec(fragment(), 0..40).prop_map(|parts| {
        let mut text = Vec::new();
        let mut secrets = Vec::new();
        for (bytes, secret) in parts {
            text.extend_from_slice(&bytes);
            secrets.extend(secret);
        }
        (text, secrets)
    })
}

fn redact(style: Style, bytes: &[u8]) -> Vec<u8> {
    Redactor::new(style).redact_bytes(bytes).into_owned()
}

/// Every `pk_live_`/`pk_test_` in `out` followed by something `ApiKey::parse` accepts.
fn parseable_keys(out: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    for start in 0..out.len() {
        let rest = &out[start..];
        if !(rest.starts_with(b"pk_live_") || rest.starts_with(b"pk_test_")) {
            continue;
        }
        let run = rest[8..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        for len in 16..=run.min(128) {
            let candidate = std::str::from_utf8(&rest[..8 + len]).unwrap();
            if ApiKey::parse(candidate).is_ok() {
                found.push(candidate.to_owned());
            }
        }
    }
    found
}

fn chunked(style: Style, bytes: &[u8], cuts: &[usize]) -> Vec<u8> {
    let mut stream = Redactor::new(style).stream();
    let mut out = Vec::new();
    let mut rest = bytes;
    let mut i = 0;
    while !rest.is_empty() {
        let n = cuts[i % cuts.len()].min(rest.len());
        stream.push(&rest[..n], &mut out);
        assert!(
            stream.pending() <= MAX_PENDING,
            "holds back {} bytes",
            stream.pending()
        );
        rest = &rest[n..];
        i += 1;
    }
    stream.finish(&mut out);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn no_key_survives((text, secrets) in log_text()) {
        for style in STYLES {
            let out = redact(style, &text);
            let keys = parseable_keys(&out);
            prop_assert!(keys.is_empty(), "{style:?}: parseable key left: {keys:?}");
            for secret in &secrets {
                // The fingerprint shows the last four characters; no longer piece survives.
                let hidden = &secret.as_bytes()[..secret.len() - 4];
                for w in hidden.windows(8) {
                    prop_assert!(!out.windows(8).any(|o| o == w), "{style:?}: secret piece {:?} left", String::from_utf8_lossy(w));
                }
            }
        }
    }

    #[test]
    fn idempotent((text, _) in log_text()) {
        for style in STYLES {
            let once = redact(style, &text);
            let twice = redact(style, &once);
            prop_assert_eq!(String::from_utf8_lossy(&twice), String::from_utf8_lossy(&once), "{:?}", style);
        }
    }

    #[test]
    fn stream_equals_whole((text, _) in log_text(), cuts in prop::collection::vec(1usize..70, 1..12)) {
        for style in STYLES {
            let whole = redact(style, &text);
            let stream = chunked(style, &text, &cuts);
            prop_assert_eq!(String::from_utf8_lossy(&stream), String::from_utf8_lossy(&whole), "{:?} cuts {:?}", style, cuts);
        }
    }

    #[test]
    fn stream_equals_whole_for_large_chunks(
        parts in prop::collection::vec(log_text(), 1..12),
        cuts in prop::collection::vec(1usize..3000, 1..6),
    ) {
        // Chunks longer than the copied head (2 x MAX_PENDING) are scanned in place.
        let text: Vec<u8> = parts.into_iter().flat_map(|(t, _)| t).collect();
        for style in STYLES {
            let whole = redact(style, &text);
            let stream = chunked(style, &text, &cuts);
            prop_assert_eq!(String::from_utf8_lossy(&stream), String::from_utf8_lossy(&whole), "{:?} cuts {:?}", style, cuts);
        }
    }

    #[test]
    fn lines_and_mask_length_preserved((text, _) in log_text()) {
        for style in STYLES {
            let out = redact(style, &text);
            let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
            prop_assert_eq!(lines(&out), lines(&text));
            if style == Style::Mask {
                prop_assert_eq!(out.len(), text.len());
            }
        }
    }

    #[test]
    fn narrowed_text_gets_the_same_edits(parts in prop::collection::vec(prop_oneof![
        3 => fragment().prop_map(|(b, _)| String::from_utf8_lossy(&b).into_owned()),
        1 => "[é€😀ǰŰ\u{80}\u{ff}]{1,3}",
    ], 0..30)) {
        // What a binding does with a UTF-16 string: one byte per code unit, every non-ASCII
        // unit narrowed to 0x80. Its edits, spliced at code-unit indices, must give exactly
        // the UTF-8 result.
        let text: String = parts.concat();
        let units: Vec<u16> = text.encode_utf16().collect();
        let narrow: Vec<u8> = units.iter().map(|&u| if u < 0x80 { u as u8 } else { 0x80 }).collect();
        for style in STYLES {
            let mut out: Vec<u16> = Vec::with_capacity(units.len());
            let mut done = 0;
            let n = Redactor::new(style).for_each_edit(&narrow, |start, end, with| {
                out.extend_from_slice(&units[done..start]);
                out.extend(with.encode_utf16());
                done = end;
            });
            out.extend_from_slice(&units[done..]);
            let spliced = String::from_utf16(&out).unwrap();
            let whole = Redactor::new(style).redact(&text);
            prop_assert_eq!(n == 0, matches!(whole, Cow::Borrowed(_)));
            prop_assert_eq!(spliced, whole.into_owned(), "{:?}", style);
        }
    }

    #[test]
    fn str_and_bytes_agree_and_borrow_when_unchanged(text in "[ -~\n\t]{0,200}") {
        let out = Redactor::default().redact(&text);
        prop_assert_eq!(out.as_bytes(), &redact(Style::Fingerprint, text.as_bytes())[..]);
        if out == text {
            prop_assert!(matches!(out, Cow::Borrowed(_)));
        }
    }
}

#[test]
fn long_runs_stream_like_whole() {
    // Bodies and tokens longer than the caps, cut at every position near the caps.
    let body: String = (0..400)
        .map(|i| char::from(b"FAKEabcdefghijklmnopqrstuvwxyz0123456789"[i % 40]))
        .collect();
    let inputs = [
        format!("x pk_live_{body} y"),
        format!("x pk_live_{body}pk_live_{} y", &body[..30]),
        format!("Authorization: Bearer {body}.{body} end"),
        format!("a&key={body}%2B{body}%22 b"),
    ];
    for input in &inputs {
        for style in STYLES {
            let whole = redact(style, input.as_bytes());
            for cut in [
                1, 2, 3, 7, 64, 129, 130, 131, 137, 138, 200, 337, 400, 500, 1000,
            ] {
                assert_eq!(
                    chunked(style, input.as_bytes(), &[cut]),
                    whole,
                    "{style:?} cut {cut}: {input}"
                );
            }
            assert!(parseable_keys(&whole).is_empty());
        }
    }
}
