//! Keys in git history (`pictify-keys scan --history`), sans-IO: the command runs git, this
//! module reads what git prints and decides what is a finding.
//!
//! The design avoids diffing file contents per commit, which is what makes other history
//! scanners slow:
//!
//! 1. `git log` with [`LOG_ARGS`] lists, per commit, the changed paths with the blob id before
//!    and after (no content); [`LogParser`] reads that stream in chunks and
//!    [`HistoryIndex::add`] keeps it compactly, naming each blob the first time it is seen.
//! 2. Each unique blob is read once (`git cat-file --batch`, streamed; [`parse_batch_header`])
//!    and scanned by the same [`Scanner`](super::Scanner) as `scan` (size limit, binary sniff,
//!    fixtures, inline allows and the allow-list); [`BlobScans`] keeps only the findings.
//! 3. [`HistoryIndex::report`]: a commit *adds* a key to a path when the key is in the new blob
//!    and in none of the path's parent blobs; the key's *introducing* commit is the last
//!    adding commit in the log's date order (children before parents), so no other adding
//!    commit is its ancestor. A key in the HEAD tree ([`parse_tree_entry`]) is `in_head`;
//!    one that is not, but has findings, was removed from the tree and is alive in history.
//!
//! Merges list only paths that differ from every parent (`-c`), so a key merged in from a
//! branch is found once, in the branch commit that added it; a merge that writes a key itself
//! is found in the merge. Renames are not detected: a moved file's keys are found again at
//! the new path. A key already in a file is not found again when the same file changes.
//!
//! ```
//! use pictify_keys::scan::history::{BlobScans, HistoryIndex, LogParser, ObjectId};
//! use pictify_keys::scan::Scanner;
//!
//! // One commit adding one file (as `git log` with LOG_ARGS prints it).
//! let blob = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
//! let log = format!("\x01{}\x00\x002026-01-02T03:04:05+00:00\x00Ann\x00ann@example.com\x00\n:000000 100644 {} {blob} A\x00config.py\x00", "a".repeat(40), "0".repeat(40));
//! let mut index = HistoryIndex::default();
//! let mut wanted = Vec::new();
//! let mut parser = LogParser::default();
//! parser.push(log.as_bytes(), &mut |r| index.add(r, &mut |id| wanted.push(id)).unwrap())?;
//! parser.finish(&mut |r| index.add(r, &mut |id| wanted.push(id)).unwrap())?;
//! assert_eq!(wanted, [ObjectId::from_hex(blob.as_bytes()).unwrap()]);
//!
//! // The blob's content, as `git cat-file --batch` gives it.
//! let mut scans = BlobScans::default();
//! scans.add(wanted[0], Scanner::default().scan_file(b"KEY = 'pk_live_FAKE3Wwd25rq4f5zra1b2'\n"));
//! let report = index.report(&scans, None);
//! assert_eq!(report.findings.len(), 1);
//! let f = &report.findings[0];
//! assert_eq!((f.path.as_str(), f.finding.line, f.finding.column), ("config.py", 1, 8));
//! assert_eq!(report.introduced_in(f).author, "Ann");
//! # Ok::<(), pictify_keys::scan::history::HistoryParseError>(())
//! ```

mod index;
mod parse;
#[cfg(test)]
mod tests;

pub use index::{
    BlobScans, HistoryFinding, HistoryIndex, HistoryReport, KeyHistory, KeySelector,
    KeySelectorError, Occurrence,
};
pub use parse::{
    parse_batch_header, parse_tree_entry, BatchHeader, Change, Commit, HistoryParseError,
    LogParser, ObjectId, Record, Side, BATCH_ARGS, LOG_ARGS, TREE_ARGS,
};
