//! Fuzzes the git-output parsers of `scan --history`: any bytes, cut into chunks sized by the
//! first byte, never panic and give the same records (or the same error) as the whole buffer;
//! the cat-file header and ls-tree entry parsers never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pictify_keys::scan::history::{parse_batch_header, parse_tree_entry, LogParser, Record};

fn parse(input: &[u8], chunk: usize) -> Result<Vec<Record>, u64> {
    let mut records = Vec::new();
    let mut parser = LogParser::default();
    for c in input.chunks(chunk) {
        parser
            .push(c, &mut |r| records.push(r))
            .map_err(|e| e.offset)?;
    }
    parser
        .finish(&mut |r| records.push(r))
        .map_err(|e| e.offset)?;
    Ok(records)
}

fuzz_target!(|data: &[u8]| {
    let Some((&size, input)) = data.split_first() else {
        return;
    };
    let whole = parse(input, input.len().max(1));
    assert_eq!(
        parse(input, usize::from(size) + 1),
        whole,
        "chunking changed the records"
    );
    let _ = parse_batch_header(input);
    let _ = parse_tree_entry(input);
});
