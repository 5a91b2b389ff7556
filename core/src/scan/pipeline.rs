//! The per-file pipeline shared by `pictify-keys scan` and `doctor` ([`Scanner`]): the size
//! limit, the binary sniff, the finder, fixtures as real keys on request, and the
//! allow-list; and where a project keeps its allow-list ([`find_allowlist`]).

use std::path::{Path, PathBuf};

use super::DEFAULT_MAX_FILE_SIZE;
use super::{fixtures_as_real, looks_binary, scan_bytes, Allowlist, Finding, Summary};

/// The allow-list file name.
pub const ALLOWLIST_FILE: &str = ".pictify-keys-ignore";

/// What one file gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileOutcome {
    /// Over the size limit: not read (or not scanned), counted.
    TooLarge,
    /// Looks binary (a NUL byte near the start): not scanned, counted.
    Binary,
    /// Scanned: its size and its findings, with fixtures reclassified and the allow-list
    /// applied.
    Scanned {
        /// Bytes scanned.
        bytes: u64,
        /// The findings, in order of offset.
        findings: Vec<Finding>,
    },
}

/// How files are scanned: one value, built once per run and shared by every thread.
///
/// ```
/// use pictify_keys::scan::{FileOutcome, Scanner, Summary};
///
/// let scanner = Scanner::default();
/// let outcome = scanner.scan_file(b"KEY=pk_live_FAKE3Wwd25rq4f5zra1b2\n");
/// let mut summary = Summary::default();
/// summary.add(&outcome);
/// assert_eq!((summary.files, summary.fixtures, summary.blocking), (1, 1, 0));
///
/// let strict = Scanner { fixtures_as_real: true, ..Scanner::default() };
/// summary.add(&strict.scan_file(b"KEY=pk_live_FAKE3Wwd25rq4f5zra1b2\n"));
/// assert_eq!(summary.blocking, 1);
/// assert_eq!(strict.scan_file(b"\0binary"), FileOutcome::Binary);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scanner {
    /// Reviewed keys that do not fail the scan.
    pub allowlist: Allowlist,
    /// Treat fixtures (`FAKE` bodies) as real keys (to try a hook with fake keys).
    pub fixtures_as_real: bool,
    /// Files larger than this many bytes are skipped ([`FileOutcome::TooLarge`]).
    pub max_file_size: u64,
}

impl Default for Scanner {
    fn default() -> Self {
        Self {
            allowlist: Allowlist::default(),
            fixtures_as_real: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

impl Scanner {
    /// Whether a file of `size` bytes is skipped for its size; callers that know the size
    /// before reading ask this first and read nothing.
    pub fn too_large(&self, size: u64) -> bool {
        size > self.max_file_size
    }

    /// Scans one file's content.
    pub fn scan_file(&self, bytes: &[u8]) -> FileOutcome {
        if self.too_large(bytes.len() as u64) {
            return FileOutcome::TooLarge;
        }
        if looks_binary(bytes) {
            return FileOutcome::Binary;
        }
        let mut findings = scan_bytes(bytes);
        if self.fixtures_as_real {
            fixtures_as_real(&mut findings);
        }
        self.allowlist.apply(&mut findings);
        FileOutcome::Scanned {
            bytes: bytes.len() as u64,
            findings,
        }
    }
}

impl Summary {
    /// Counts one file's outcome.
    pub fn add(&mut self, outcome: &FileOutcome) {
        match outcome {
            FileOutcome::TooLarge => self.skipped_large += 1,
            FileOutcome::Binary => self.skipped_binary += 1,
            FileOutcome::Scanned { bytes, findings } => {
                self.files += 1;
                self.bytes += bytes;
                self.count(findings);
            }
        }
    }
}

/// Where a project's allow-list is: the nearest [`ALLOWLIST_FILE`] from `start` up to the
/// project root (the top of the git work tree, the first directory holding `.git`), or
/// `None`. `exists` answers whether a path exists (the file system, or a test's set). Both
/// `scan` (from the current directory) and `doctor` (from the project directory) use it.
///
/// ```
/// use std::path::Path;
/// use pictify_keys::scan::find_allowlist;
///
/// let present = [Path::new("/repo/.git"), Path::new("/repo/.pictify-keys-ignore")];
/// let exists = |p: &Path| present.contains(&p);
/// let found = find_allowlist(Path::new("/repo/src/app"), exists);
/// assert_eq!(found.as_deref(), Some(Path::new("/repo/.pictify-keys-ignore")));
/// // Not above the project root.
/// assert_eq!(find_allowlist(Path::new("/elsewhere"), exists), None);
/// ```
pub fn find_allowlist(start: &Path, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(ALLOWLIST_FILE);
        if exists(&candidate) {
            return Some(candidate);
        }
        if exists(&dir.join(".git")) {
            return None;
        }
    }
    None
}
