//! Property tests for the key parser: no secret in any output, no panic on any input.
#![allow(clippy::unwrap_used, clippy::panic)]

use pictify_keys::{ApiKey, DotEnv};
use proptest::prelude::*;

/// A valid key: a mode prefix and a base62 body of 16 to 128 characters, rejection-sampled
/// past the placeholder patterns (a random body hits them with negligible probability).
fn valid_key() -> impl Strategy<Value = String> {
    (prop::bool::ANY, "[0-9A-Za-z]{16,128}")
        .prop_map(|(live, body)| format!("{}{body}", if live { "pk_live_" } else { "pk_test_" }))
        .prop_filter("placeholder-shaped body", |k| ApiKey::parse(k).is_ok())
}

/// A valid key whose every 5-character window holds a digit, so a window found in an error
/// message can only be a leak, never an English word of the message that a random body
/// happened to spell.
fn valid_key_for_leak_check() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        prop::collection::vec("[0-9][0-9A-Za-z]{3}", 4..=32),
    )
        .prop_map(|(live, chunks)| {
            format!(
                "{}{}",
                if live { "pk_live_" } else { "pk_test_" },
                chunks.concat()
            )
        })
        .prop_filter("placeholder-shaped body", |k| ApiKey::parse(k).is_ok())
}

/// Corruptions a real key suffers: the mistakes of tests/vectors/keys.json, applied to a
/// random valid key. Yields (original key, corrupted value).
fn corrupted_key() -> impl Strategy<Value = (String, String)> {
    let edit = prop_oneof![
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just(" ".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\u{200b}".to_owned()),
        Just("\u{a0}".to_owned()),
        Just("\u{430}".to_owned()),
        Just("\0".to_owned()),
        Just("-".to_owned()),
        Just("/".to_owned()),
        Just("...".to_owned()),
        "[a-zA-Z0-9]{1,200}".prop_map(|s| s),
    ];
    (
        valid_key_for_leak_check(),
        edit,
        any::<prop::sample::Index>(),
        0..4u8,
    )
        .prop_map(|(key, edit, at, how)| {
            let chars: Vec<char> = key.chars().collect();
            let i = at.index(chars.len() + 1);
            let bad = match how {
                0 => format!(
                    "{}{edit}{}",
                    chars[..i].iter().collect::<String>(),
                    chars[i..].iter().collect::<String>()
                ),
                1 => format!("{edit}{key}"),
                2 => format!("{key}{edit}"),
                // Truncate or upper-case: the other two common mistakes.
                _ if i % 2 == 0 => chars[..i].iter().collect(),
                _ => key.to_uppercase(),
            };
            (key, bad)
        })
}

/// Does `text` contain 5 or more consecutive characters of `body`?
fn leaks(text: &str, body: &str) -> Option<String> {
    let chars: Vec<char> = body.chars().collect();
    chars
        .windows(5)
        .map(|w| w.iter().collect::<String>())
        .find(|w| text.contains(w.as_str()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_keys_never_show_their_body(key in valid_key()) {
        let parsed = ApiKey::parse(&key).unwrap();
        let body = &key[8..];
        for shown in [format!("{parsed:?}"), parsed.to_string(), parsed.fingerprint()] {
            prop_assert!(leaks(&shown, body).is_none(), "{shown} leaks part of the body");
        }
        prop_assert_eq!(parsed.expose_secret(), key.as_str());
    }

    #[test]
    fn error_messages_never_show_the_body((key, bad) in corrupted_key()) {
        if let Err(e) = ApiKey::parse(&bad) {
            // The secret is the original body, as written or upper-cased.
            let body = &key[8..];
            let message = format!("{e} {e:?}");
            for secret in [body.to_owned(), body.to_uppercase()] {
                prop_assert!(leaks(&message, &secret).is_none(), "[{}] {message} leaks the body", e.code());
            }
        }
    }

    #[test]
    fn parse_never_panics_and_codes_are_known(s in "\\PC*|[ -~\\n\\r\\t]{0,300}") {
        const CODES: &[&str] = &["empty", "whitespace", "quoted", "control_character", "non_ascii",
            "missing_prefix", "wrong_case", "unknown_mode", "foreign_key", "placeholder",
            "too_short", "too_long", "invalid_character"];
        match ApiKey::parse(&s) {
            Ok(k) => prop_assert!(k.expose_secret() == s),
            Err(e) => {
                prop_assert!(CODES.contains(&e.code()));
                if let Some(p) = e.position() {
                    prop_assert!(p >= 1 && p <= s.chars().count());
                }
            }
        }
    }

    #[test]
    fn dotenv_never_panics(s in "\u{feff}?[A-Za-z_=\"' #\\\\\n\r\t$.:a-z0-9-]{0,200}") {
        match DotEnv::parse(&s) {
            Err(e) => prop_assert!(e.line >= 1 && e.column >= 1),
            // Warnings point at a line of the input and name a variable, never a value.
            Ok(env) => {
                for w in env.warnings() {
                    prop_assert!(w.line >= 1 && w.line <= s.split('\n').count());
                    prop_assert!(!w.name.is_empty() && s.contains(w.name.as_str()));
                }
            }
        }
    }

    #[test]
    fn dotenv_odd_lines_never_hide_the_key(
        key in valid_key(),
        bare in "[A-Z_][A-Z0-9_]{0,12}",
        bom in proptest::bool::ANY,
        crlf in proptest::bool::ANY,
    ) {
        // A bare name or a colon-form line before or after the key leaves the key readable.
        let nl = if crlf { "\r\n" } else { "\n" };
        let bom = if bom { "\u{feff}" } else { "" };
        let text = format!("{bom}{bare}{nl}OTHER: x{nl}PICTIFY_API_KEY={key}{nl}{bare}{nl}");
        let env = DotEnv::parse(&text).unwrap();
        // (Even a bare `PICTIFY_API_KEY` after the assignment leaves it set: it sets nothing.)
        prop_assert_eq!(pictify_keys::EnvLookup::get(&env, "PICTIFY_API_KEY"), Some(key));
        prop_assert_eq!(env.warnings().len(), 3);
        prop_assert_eq!(env.warnings()[0].line, 1);
    }

    #[test]
    fn dotenv_round_trips_single_quoted_keys(key in valid_key()) {
        let env = DotEnv::parse(&format!("export PICTIFY_API_KEY='{key}' # comment\n")).unwrap();
        prop_assert_eq!(pictify_keys::EnvLookup::get(&env, "PICTIFY_API_KEY"), Some(key));
    }
}
