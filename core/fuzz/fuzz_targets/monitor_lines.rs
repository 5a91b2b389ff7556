//! Fuzzes the audit-line parser and the monitor: any bytes, cut into chunks taken from the
//! first byte, never panic, give the same report as the whole buffer (also when the lines
//! are parsed apart with `parse_lines`, cut at a newline), count every line, and never carry
//! a key into the report.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::monitor::{parse_line, parse_lines, Config, Monitor};

fuzz_target!(|data: &[u8]| {
    let Some((&size, input)) = data.split_first() else { return };
    for line in input.split(|b| *b == b'\n') {
        if let Ok(e) = parse_line(line) {
            assert!((100..=599).contains(&e.status));
            assert!(!e.key_id.is_empty());
        }
    }
    let run = |chunk: usize| {
        let mut m = Monitor::new(Config::default());
        m.begin_source("fuzz");
        for c in input.chunks(chunk) {
            m.feed(c);
        }
        m.finish()
    };
    let whole = run(input.len().max(1));
    assert_eq!(run(usize::from(size) + 1), whole, "chunking changed the report");
    // Parsed apart in two batches cut after a newline, as `pictify-keys audit` does.
    let cut = input
        .iter()
        .take(usize::from(size) * 4)
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let mut m = Monitor::new(Config::default());
    m.begin_source("fuzz");
    m.feed_parsed(&parse_lines(&input[..cut]));
    m.feed_parsed(&parse_lines(&input[cut..]));
    assert_eq!(m.finish(), whole, "parse_lines changed the report");
    let newlines = input.iter().filter(|&&b| b == b'\n').count() as u64;
    let partial = u64::from(!input.is_empty() && !input.ends_with(b"\n"));
    assert_eq!(whole.lines, newlines + partial);
    let text = format!("{whole:?}");
    assert!(!pictify_keys::redact::Redactor::default().finds_secret(&text), "a key reached the report");
});
