#![allow(clippy::unwrap_used)]
use super::*;

fn classes(text: &str) -> Vec<(Class, Mode)> {
    scan_bytes(text.as_bytes())
        .iter()
        .map(|f| (f.class, f.mode))
        .collect()
}

#[test]
fn a_closing_bracket_after_a_pasted_fingerprint_is_not_part_of_it() {
    // New-user trial: `ApiKey(pk_live_****ttAa)` was listed as `pk_live_****tAa)`, with
    // another hash than the same fingerprint followed by a comma.
    let plain = scan_bytes(b"seen pk_live_****ttAa, then");
    assert_eq!(plain.len(), 1);
    assert_eq!(plain[0].fingerprint, "pk_live_****ttAa");
    for text in [
        "ApiKey(pk_live_****ttAa)",
        "{pk_live_****ttAa}",
        "<pk_live_****ttAa>",
        "(pk_live_****ttAa))",
    ] {
        let found = scan_bytes(text.as_bytes());
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].class, Class::Placeholder, "{text}");
        assert_eq!(found[0].fingerprint, plain[0].fingerprint, "{text}");
        assert_eq!(found[0].hash, plain[0].hash, "{text}");
        assert_eq!(found[0].len, "pk_live_****ttAa".len(), "{text}");
    }
    // Brackets that belong to the placeholder stay in it.
    for text in ["pk_live_<your-key>", "pk_test_${PICTIFY_KEY}"] {
        let found = scan_bytes(text.as_bytes());
        assert_eq!(found.len(), 1, "{text}");
        assert_eq!(found[0].len, text.len(), "{text}");
    }
}

#[test]
fn classifies_real_placeholder_fixture() {
    assert_eq!(
        classes(&format!("a {p}_live_Q3Wwd25rq4f5zra1b2 b", p = "pk")),
        [(Class::Real, Mode::Live)]
    );
    assert_eq!(
        classes("pk_test_FAKE3Wwd25rq4f5zra1b2"),
        [(Class::Fixture, Mode::Test)]
    );
    for p in [
        "pk_live_your_api_key",
        "pk_test_xxxxxxxxxxxxxxxxxxxx",
        "pk_live_abc123...",
        "pk_live_****a1b2",
        "pk_live_YOUR_API_KEY_HERE",
        "pk_test_0123456789abcdefgh",
    ] {
        let mode = if p.starts_with("pk_live_") {
            Mode::Live
        } else {
            Mode::Test
        };
        assert_eq!(classes(p), [(Class::Placeholder, mode)], "{p}");
    }
    assert!(classes("pk_live_ pk_test_short pk_prod_Q3Wwd25rq4f5zra1b2 mypk_live_mode").is_empty());
    let long = format!("pk_live_{}", "Q3Wwd25rq4f5zra1b2".repeat(10));
    assert!(classes(&long).is_empty());
}

#[test]
fn upper_case_prefix_is_found() {
    let f = &scan_bytes(format!("X={pu}_LIVE_Q3Wwd25rq4f5zra1b2", pu = "PK").as_bytes())[0];
    assert_eq!((f.class, f.mode, f.column), (Class::Real, Mode::Live, 3));
    assert_eq!(
        f.hash,
        scan_bytes(format!("{p}_live_Q3Wwd25rq4f5zra1b2", p = "pk").as_bytes())[0].hash
    );
}

#[test]
fn mixed_case_prefixes_are_found() {
    let body = "Q3Wwd25rq4f5zra1b2";
    let lower = scan_bytes(format!("{p}_live_{body}", p = "pk").as_bytes())[0]
        .hash
        .clone();
    for (prefix, mode) in [
        ("Pk_live_", Mode::Live),
        ("pK_LIVE_", Mode::Live),
        ("PK_Live_", Mode::Live),
        ("Pk_TEST_", Mode::Test),
        ("PK_TEST_", Mode::Test),
        ("pk_tEsT_", Mode::Test),
    ] {
        let text = format!("a {prefix}{body} b");
        let found = scan_bytes(text.as_bytes());
        assert_eq!(found.len(), 1, "{prefix}");
        let f = &found[0];
        assert_eq!(
            (f.class, f.mode, f.column, f.len),
            (Class::Real, mode, 3, 26),
            "{prefix}"
        );
        assert_eq!(f.fingerprint, format!("{}****a1b2", mode.prefix()));
        if mode == Mode::Live {
            assert_eq!(f.hash, lower, "{prefix}");
        }
    }
    let f = &scan_bytes(b"x=Pk_Live_your_api_key\n")[0];
    assert_eq!((f.class, f.mode), (Class::Placeholder, Mode::Live));
    // A lone `k_` at offset 0 or at the end; a key right after a placeholder.
    assert!(scan_bytes(b"k_ K_ pk_").is_empty());
    let text = format!("PK_TEST_{body}<pk_live_{body}");
    let modes: Vec<_> = scan_bytes(text.as_bytes())
        .iter()
        .map(|f| (f.offset, f.mode))
        .collect();
    assert_eq!(modes, [(0, Mode::Test), (27, Mode::Live)]);
}

#[test]
fn repeated_loose_tokens_get_the_same_verdict() {
    let text = "check_pk_live_mode(); pk_live_your_api_key pk_test_your_api_key \
                check_pk_live_mode(); pk_live_your_api_key pk_live_your-api-key)";
    let found = scan_bytes(text.as_bytes());
    let got: Vec<_> = found
        .iter()
        .map(|f| (f.mode, f.len, f.reason.is_some()))
        .collect();
    assert_eq!(
        got,
        [
            (Mode::Live, 20, true),
            (Mode::Test, 20, true),
            (Mode::Live, 20, true),
            (Mode::Live, 20, true)
        ]
    );
    assert_eq!(found[0].hash, found[2].hash);
    assert_ne!(found[0].hash, found[1].hash);
}

#[test]
fn lines_columns_and_inline_allow() {
    let text = &format!(
        "é\nx = '{p}_live_Q3Wwd25rq4f5zra1b2' # pictify-keys:allow\n\té {p}_test_Q3Wwd25rq4f5zra1b2\n",
        p = "pk"
    );
    let f = scan_bytes(text.as_bytes());
    assert_eq!(
        (f[0].line, f[0].column, f[0].allowed),
        (2, 6, Some(Allowed::Inline))
    );
    assert_eq!((f[1].line, f[1].column, f[1].allowed), (3, 4, None));
    assert!(f[1].is_blocking() && !f[0].is_blocking());
    assert_eq!(
        &text.as_bytes()[f[1].offset..f[1].offset + f[1].len],
        format!("{p}_test_Q3Wwd25rq4f5zra1b2", p = "pk").as_bytes()
    );
}

#[test]
fn allowlist_entries() {
    let mut f = scan_bytes(
        format!(
            "{p}_live_Q3Wwd25rq4f5zra1b2 {p}_live_Q3Wwd25rq4f5zra9z9 {p}_test_Q3Wwd25rq4f5zrc3d4",
            p = "pk"
        )
        .as_bytes(),
    );
    let list = Allowlist::parse(&format!(
        "{}  # ok\n\nPK_LIVE_****9z9\npk_test_****c3d4\n",
        f[0].hash
    ));
    assert_eq!(list.unwrap_err(), AllowlistError::InvalidEntry { line: 3 });
    let list = Allowlist::parse(&format!("sha256:{}\npk_test_****c3d4\n", f[0].hash)).unwrap();
    list.apply(&mut f);
    let allowed: Vec<_> = f.iter().map(|x| x.allowed).collect();
    assert_eq!(
        allowed,
        [Some(Allowed::Allowlist), None, Some(Allowed::Allowlist)]
    );
    let err =
        Allowlist::parse(&format!("# x\nKEY={p}_live_Q3Wwd25rq4f5zra1b2", p = "pk")).unwrap_err();
    assert_eq!(
        (err.code(), err.clone()),
        (
            "allowlist_contains_secret",
            AllowlistError::ContainsSecret { line: 2 }
        )
    );
}

#[test]
fn summary_exit_status() {
    let mut s = Summary::default();
    s.count(&scan_bytes(
        b"pk_live_your_api_key pk_test_FAKE3Wwd25rq4f5zra1b2",
    ));
    assert_eq!((s.placeholders, s.fixtures, s.exit_status()), (1, 1, 0));
    s.count(&scan_bytes(
        format!("{p}_live_Q3Wwd25rq4f5zra1b2", p = "pk").as_bytes(),
    ));
    assert_eq!(s.exit_status(), 1);
    s.errors = 1;
    assert_eq!(s.exit_status(), 2);
}

#[test]
fn binary_sniff() {
    assert!(looks_binary(b"abc\0def"));
    assert!(!looks_binary(b"plain text"));
}
