//! Property tests for secret references: parsing never panics, a valid reference round-trips
//! through its canonical form, and an error never repeats the value (which may be a
//! mistyped secret).
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use pictify_keys::secrets::{is_reference, SecretRef};
use proptest::prelude::*;

fn segment() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_][A-Za-z0-9_.@+=,-]{0,15}".prop_filter("no dot segments", |s| s != "." && s != "..")
}

fn reference() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            segment(),
            prop::collection::vec(segment(), 1..4),
            prop::option::of("[A-Za-z0-9_]{1,12}")
        )
            .prop_filter("not a data/ path", |(_, p, _)| p[0] != "data"
                && p[0] != "metadata")
            .prop_map(|(m, p, f)| match f {
                Some(f) => format!("vault://{m}/{}#{f}", p.join("/")),
                None => format!("vault://{m}/{}", p.join("/")),
            }),
        (
            "[A-Za-z0-9/_+=.@-]{1,40}",
            prop::option::of("[A-Za-z0-9_]{1,12}")
        )
            .prop_map(|(id, f)| match f {
                Some(f) => format!("aws-sm://{id}#{f}"),
                None => format!("aws-sm://{id}"),
            }),
        (
            "[a-z][a-z0-9-]{4,20}",
            "[A-Za-z0-9_-]{1,30}",
            prop::option::of("(latest|[0-9]{1,4})")
        )
            .prop_map(|(p, s, v)| match v {
                Some(v) => format!("gcp-sm://projects/{p}/secrets/{s}/versions/{v}"),
                None => format!("gcp-sm://projects/{p}/secrets/{s}"),
            }),
    ]
}

proptest! {
    #[test]
    fn parse_never_panics(s in "\\PC{0,80}") {
        let _ = SecretRef::parse(&s, "prop");
    }

    #[test]
    fn valid_references_round_trip(r in reference()) {
        prop_assert!(is_reference(&r));
        let parsed = SecretRef::parse(&r, "prop").unwrap();
        let canonical = parsed.to_string();
        prop_assert_eq!(SecretRef::parse(&canonical, "prop").unwrap(), parsed);
    }

    #[test]
    fn errors_never_repeat_the_value(
        scheme in "(vault|aws-sm|gcp-sm|vualt|aws)",
        body in "[A-Za-z0-9]{24,40}",
        junk in "[ \\n#?/!]{1,3}",
    ) {
        let value = format!("{scheme}://pk_live_{body}{junk}");
        if let Err(e) = SecretRef::parse(&value, "env:PICTIFY_API_KEY") {
            let report = pictify_keys::Error::from(e).report();
            prop_assert!(!report.message.contains(&body));
            prop_assert_eq!(report.code, "secret_bad_reference");
            prop_assert_eq!(report.details.origin.as_deref(), Some("env:PICTIFY_API_KEY"));
        }
    }
}
