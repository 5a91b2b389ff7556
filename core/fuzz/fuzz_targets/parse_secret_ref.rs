//! Secret-reference parsing never panics, and a parsed reference round-trips through its
//! canonical form.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::secrets::SecretRef;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(r) = SecretRef::parse(s, "fuzz") {
            let again = SecretRef::parse(&r.to_string(), "fuzz");
            assert_eq!(again.ok(), Some(r));
        }
    }
});
