//! Fuzzes the configuration reader as the key inventory and the incident investigation: any
//! text never panics; a refusal names a line (and a column for malformed TOML) inside the
//! text and never carries a key; a configuration read judges into an inventory and an
//! incident report without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::incident::{Investigation, Target};
use pictify_keys::inventory::{Inventory, LastUse};
use pictify_keys::monitor::{parse_line, Config, ConfigError, Evidence};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let lines = text.matches('\n').count() + 1;
    match Config::parse(text) {
        Err(e) => {
            let shown = e.to_string();
            assert!(!pictify_keys::redact::Redactor::default().finds_secret(&shown), "a key in the error");
            match e {
                ConfigError::ContainsSecret { line } => assert!(line >= 1 && line <= lines),
                ConfigError::Invalid { line, column, .. } => assert!(line >= 1 && line <= lines && column >= 1),
                _ => {}
            }
        }
        Ok(config) => {
            let mut usage = LastUse::default();
            for id in config.keys.keys() {
                usage.record(id, 1_700_000_000, 1_760_000_000, 1);
            }
            let inv = Inventory::build(&config, &usage, 1_764_633_600);
            assert_eq!(inv.keys.len(), config.keys.len());
            for id in config.keys.keys() {
                let mut i = Investigation::new(Target::resolve(&config, id), Some(0), Some(1));
                for (n, line) in text.lines().enumerate() {
                    if let Ok(e) = parse_line(line.as_bytes()) {
                        i.feed(&e, Evidence { source: "fuzz".into(), line: n as u64 + 1 });
                    }
                }
                let _ = i.finish(1_764_633_600);
            }
        }
    }
});
