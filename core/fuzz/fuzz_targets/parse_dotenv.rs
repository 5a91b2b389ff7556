//! Fuzzes the `.env` parser: never panics, errors and warnings point inside the input, and a
//! warning names a variable that is in the input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::DotEnv;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let lines = s.lines().count().max(1) + 1;
    match DotEnv::parse(s) {
        Err(e) => {
            assert!(e.line >= 1 && e.line <= lines);
            assert!(e.column >= 1);
        }
        Ok(env) => {
            for w in env.warnings() {
                assert!(w.line >= 1 && w.line <= lines);
                assert!(!w.name.is_empty() && s.contains(w.name.as_str()));
            }
        }
    }
});
