//! Fuzzes the `.env` parser: never panics, errors point inside the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::DotEnv;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Err(e) = DotEnv::parse(s) {
        assert!(e.line >= 1 && e.line <= s.lines().count().max(1) + 1);
        assert!(e.column >= 1);
    }
});
