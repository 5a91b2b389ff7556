//! Fuzzes the stream redactor: for every input and every chunking (taken from the first
//! bytes), the streamed output equals whole-buffer redaction, the stream never holds back
//! more than MAX_PENDING bytes, lines are kept, and redacting again changes nothing.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::redact::{Redactor, Style, MAX_PENDING};

fuzz_target!(|data: &[u8]| {
    let Some((&control, rest)) = data.split_first() else { return };
    let style = match control % 3 {
        0 => Style::Fingerprint,
        1 => Style::Redacted,
        _ => Style::Mask,
    };
    // Up to four chunk sizes from the next bytes, used in turn: 1..=128, or 16..=2048 so that
    // chunks longer than the stream's copied head are scanned in place.
    let n_sizes = usize::from(control >> 6) + 1;
    if rest.len() < n_sizes {
        return;
    }
    let (sizes, input) = rest.split_at(n_sizes);
    let redactor = Redactor::new(style);
    let whole = redactor.redact_bytes(input);

    let mut stream = redactor.stream();
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let s = usize::from(sizes[i % sizes.len()]);
        let n = if s < 128 { s + 1 } else { (s - 127) * 16 }.min(rest.len());
        stream.push(&rest[..n], &mut out);
        assert!(stream.pending() <= MAX_PENDING);
        rest = &rest[n..];
        i += 1;
    }
    stream.finish(&mut out);
    assert_eq!(out, whole.as_ref(), "stream and whole-buffer redaction differ");

    let lines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count();
    assert_eq!(lines(&whole), lines(input));
    if style == Style::Mask {
        assert_eq!(whole.len(), input.len());
    }
    assert_eq!(redactor.redact_bytes(&whole).as_ref(), whole.as_ref(), "not idempotent");
});
