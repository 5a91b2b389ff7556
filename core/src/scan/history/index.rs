//! What the log and the blob scans add up to: [`HistoryIndex`] (commits and their changed
//! paths, compactly), [`BlobScans`] (each unique blob scanned once) and the
//! [`HistoryReport`] they give.

use std::collections::{HashMap, HashSet};

use super::parse::{Commit, HistoryParseError, ObjectId, Record, Side};
use crate::key::ApiKey;
use crate::scan::{key_hash, Class, FileOutcome, Finding, Mode, Summary, HASH_HEX};

/// One changed path, compactly: the commit and path by index, the parents' blobs as a range
/// of [`HistoryIndex::olds`].
struct Entry {
    commit: u32,
    path: u32,
    new: ObjectId,
    olds: (u32, u32),
}

/// Every commit of the walk and its changed regular files, with paths interned; and the
/// blobs of the HEAD tree. Memory grows with the number of commits and changed paths (tens of
/// bytes each), never with the size of a commit's content.
#[derive(Default)]
pub struct HistoryIndex {
    commits: Vec<Commit>,
    entries: Vec<Entry>,
    olds: Vec<ObjectId>,
    paths: Vec<String>,
    path_ids: HashMap<Box<[u8]>, u32>,
    requested: HashSet<ObjectId>,
    head: Vec<(u32, ObjectId)>,
    head_known: bool,
}

impl HistoryIndex {
    /// Adds one record of the log; `fetch` is called once for every blob not asked for before
    /// (regular files only), in the order the log names them: the blobs to scan.
    pub fn add(
        &mut self,
        record: Record,
        fetch: &mut impl FnMut(ObjectId),
    ) -> Result<(), HistoryParseError> {
        match record {
            Record::Commit(c) => self.commits.push(c),
            Record::Change(change) => {
                if self.commits.is_empty() {
                    return Err(HistoryParseError {
                        offset: 0,
                        reason: "a change before any commit",
                    });
                }
                if !change.new.is_file() {
                    return Ok(());
                }
                let start = self.olds.len() as u32;
                for old in change.parents.iter().filter(|s| s.is_file()) {
                    self.olds.push(old.id);
                    self.request(old.id, fetch);
                }
                let olds = (start, self.olds.len() as u32);
                self.request(change.new.id, fetch);
                let path = self.intern(&change.path);
                self.entries.push(Entry {
                    commit: (self.commits.len() - 1) as u32,
                    path,
                    new: change.new.id,
                    olds,
                });
            }
        }
        Ok(())
    }

    /// Adds one file of the HEAD tree (for [`KeyHistory::in_head`]); `fetch` as in
    /// [`HistoryIndex::add`].
    pub fn add_head(&mut self, side: Side, path: &[u8], fetch: &mut impl FnMut(ObjectId)) {
        self.head_known = true;
        if side.is_file() {
            self.request(side.id, fetch);
            let path = self.intern(path);
            self.head.push((path, side.id));
        }
    }

    /// Marks the HEAD tree as read (also when it holds no file); without it, whether a key is
    /// still in HEAD is unknown (`None`).
    pub fn head_read(&mut self) {
        self.head_known = true;
    }

    /// Commits walked so far.
    pub fn commits(&self) -> usize {
        self.commits.len()
    }

    /// Changed regular files seen so far.
    pub fn changes(&self) -> usize {
        self.entries.len()
    }

    /// Unique blobs asked for so far.
    pub fn blobs(&self) -> usize {
        self.requested.len()
    }

    fn request(&mut self, id: ObjectId, fetch: &mut impl FnMut(ObjectId)) {
        if self.requested.insert(id) {
            fetch(id);
        }
    }

    fn intern(&mut self, path: &[u8]) -> u32 {
        if let Some(&i) = self.path_ids.get(path) {
            return i;
        }
        let i = self.paths.len() as u32;
        self.paths.push(String::from_utf8_lossy(path).into_owned());
        self.path_ids.insert(path.into(), i);
        i
    }

    /// The report: a finding wherever a commit adds a key to a path (the key is in the new
    /// blob and in none of the parents' blobs of that path), each key's introducing commit
    /// (the last such commit in the log's date order: no other is its ancestor) and whether it
    /// is still in HEAD. With a `selector`, only that key's findings.
    pub fn report(&self, scans: &BlobScans, selector: Option<&KeySelector>) -> HistoryReport {
        let mut findings: Vec<HistoryFinding> = Vec::new();
        let mut keys: Vec<KeyHistory> = Vec::new();
        let mut key_ids: HashMap<String, usize> = HashMap::new();
        let mut commit_ids: HashMap<u32, usize> = HashMap::new();
        let mut commits = Vec::new();
        let none: &[Finding] = &[];
        for e in &self.entries {
            let new = scans.findings.get(&e.new).map_or(none, Vec::as_slice);
            if new.is_empty() {
                continue;
            }
            let olds = &self.olds[e.olds.0 as usize..e.olds.1 as usize];
            let before: HashSet<&str> = olds
                .iter()
                .filter_map(|id| scans.findings.get(id))
                .flatten()
                .map(|f| f.hash.as_str())
                .collect();
            for f in new.iter().filter(|f| !before.contains(f.hash.as_str())) {
                if selector.is_some_and(|s| !s.matches(f)) {
                    continue;
                }
                let commit = *commit_ids.entry(e.commit).or_insert_with(|| {
                    commits.push(self.commits[e.commit as usize].clone());
                    commits.len() - 1
                });
                let key = *key_ids.entry(f.hash.clone()).or_insert_with(|| {
                    keys.push(KeyHistory {
                        hash: f.hash.clone(),
                        fingerprint: f.fingerprint.clone(),
                        mode: f.mode,
                        class: f.class,
                        introduced: findings.len(),
                        occurrences: 0,
                        commits: 0,
                        in_head: None,
                    });
                    keys.len() - 1
                });
                let k = &mut keys[key];
                k.occurrences += 1;
                // Report commits are numbered in log order (newest first): a higher number is
                // older.
                let here = findings.len();
                if k.introduced != here && commit > findings[k.introduced].commit {
                    k.introduced = here;
                }
                findings.push(HistoryFinding {
                    commit,
                    path: self.paths[e.path as usize].clone(),
                    key,
                    finding: f.clone(),
                });
            }
        }
        // Commits per key, and whether HEAD still holds it.
        let mut seen: HashSet<(usize, usize)> = HashSet::new();
        for f in &findings {
            if seen.insert((f.key, f.commit)) {
                keys[f.key].commits += 1;
            }
        }
        if self.head_known {
            let in_head: HashSet<&str> = self
                .head
                .iter()
                .filter_map(|(_, id)| scans.findings.get(id))
                .flatten()
                .map(|f| f.hash.as_str())
                .collect();
            for k in &mut keys {
                k.in_head = Some(in_head.contains(k.hash.as_str()));
            }
        }
        let mut summary = scans.summary;
        summary.blocking = 0;
        summary.allowed = 0;
        summary.placeholders = 0;
        summary.fixtures = 0;
        for f in &findings {
            summary.count(std::slice::from_ref(&f.finding));
        }
        HistoryReport {
            commits,
            findings,
            keys,
            summary,
            walked: self.commits.len() as u64,
            changes: self.entries.len() as u64,
        }
    }
}

/// The findings of every blob scanned, by blob id: each unique blob is scanned once, however
/// many commits hold it. Blobs without findings are only counted.
#[derive(Debug, Default)]
pub struct BlobScans {
    findings: HashMap<ObjectId, Vec<Finding>>,
    /// Blob counts: `files` and `bytes` scanned, binary and oversized blobs skipped, `errors`
    /// for blobs git could not give (missing from a partial clone).
    pub summary: Summary,
    /// Blob ids git reported missing.
    pub missing: Vec<ObjectId>,
}

impl BlobScans {
    /// Records what the scanner gave for a blob.
    pub fn add(&mut self, id: ObjectId, outcome: FileOutcome) {
        self.summary.add(&outcome);
        if let FileOutcome::Scanned { findings, .. } = outcome {
            if !findings.is_empty() {
                self.findings.insert(id, findings);
            }
        }
    }

    /// Records a blob git could not give: the scan is incomplete (exit status 2).
    pub fn add_missing(&mut self, id: ObjectId) {
        self.summary.errors += 1;
        self.missing.push(id);
    }

    /// Adds the scans of another worker.
    pub fn merge(&mut self, other: Self) {
        self.findings.extend(other.findings);
        self.summary.merge(&other.summary);
        self.missing.extend(other.missing);
    }
}

/// One place where a commit added a key to a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFinding {
    /// Index into [`HistoryReport::commits`].
    pub commit: usize,
    /// The path in that commit.
    pub path: String,
    /// Index into [`HistoryReport::keys`].
    pub key: usize,
    /// Line, column, fingerprint, hash and class, in the commit's version of the file.
    pub finding: Finding,
}

/// One distinct key (by hash) across the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyHistory {
    /// The key's allow-list hash ([`Finding::hash`]).
    pub hash: String,
    /// `pk_live_****a1b2`.
    pub fingerprint: String,
    /// Live or test.
    pub mode: Mode,
    /// Real, placeholder or fixture.
    pub class: Class,
    /// Index into [`HistoryReport::findings`] of the finding in the commit that first added
    /// the key.
    pub introduced: usize,
    /// Findings of this key.
    pub occurrences: usize,
    /// Commits that added it.
    pub commits: usize,
    /// Whether the HEAD tree still holds it (`None`: HEAD not read, e.g. an empty repository).
    /// `Some(false)` is the point of a history scan: removed from the tree, alive in history.
    pub in_head: Option<bool>,
}

/// What a history scan found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryReport {
    /// The commits that have findings, in log order (newest first).
    pub commits: Vec<Commit>,
    /// Every finding, in log order (newest commit first), then by path order of the log.
    pub findings: Vec<HistoryFinding>,
    /// Every distinct key, in order of its newest finding.
    pub keys: Vec<KeyHistory>,
    /// Blob counts (`files`: unique blobs scanned) and finding counts (`real`, `allowed`,
    /// `placeholders`, `fixtures`: findings over the history); its exit status is the scan's.
    pub summary: Summary,
    /// Commits walked.
    pub walked: u64,
    /// Changed regular files over all commits.
    pub changes: u64,
}

/// Where a key appears in history: the answer to "where is the key with this fingerprint".
#[derive(Debug, Clone, Copy)]
pub struct Occurrence<'a> {
    /// The commit that added it there.
    pub commit: &'a Commit,
    /// The path.
    pub path: &'a str,
    /// The finding (line, column, fingerprint, hash, class).
    pub finding: &'a Finding,
    /// Whether this is the key's introducing commit.
    pub introduced: bool,
}

impl HistoryReport {
    /// Where the key chosen by `selector` appears: every commit that added it, with author,
    /// date, path and line, newest first (the incident report's "where was it exposed").
    pub fn occurrences<'a>(
        &'a self,
        selector: &'a KeySelector,
    ) -> impl Iterator<Item = Occurrence<'a>> + 'a {
        self.findings
            .iter()
            .enumerate()
            .filter(move |(_, f)| selector.matches(&f.finding))
            .map(move |(i, f)| Occurrence {
                commit: &self.commits[f.commit],
                path: &f.path,
                finding: &f.finding,
                introduced: self.keys[f.key].introduced == i,
            })
    }

    /// The commit that introduced the key of `finding`.
    pub fn introduced_in(&self, finding: &HistoryFinding) -> &Commit {
        let key = &self.keys[finding.key];
        &self.commits[self.findings[key.introduced].commit]
    }
}

/// Which key to look for: by hash (as `scan` prints it, `sha256:…`), by fingerprint
/// (`pk_live_****a1b2`, every key of that mode ending so), or by the key itself (hashed at
/// once, never kept).
///
/// ```
/// use pictify_keys::scan::history::KeySelector;
///
/// let by_key = KeySelector::parse("pk_live_FAKE3Wwd25rq4f5zra1b2")?;
/// let by_fp = KeySelector::parse("pk_live_****a1b2")?;
/// let found = &pictify_keys::scan::scan_bytes(b"k = 'pk_live_FAKE3Wwd25rq4f5zra1b2'")[0];
/// assert!(by_key.matches(found) && by_fp.matches(found));
/// assert!(KeySelector::parse(&format!("sha256:{}", found.hash))?.matches(found));
/// assert_eq!(KeySelector::parse("nonsense").unwrap_err().code(), "invalid_key_selector");
/// # Ok::<(), pictify_keys::scan::history::KeySelectorError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelector {
    /// The first [`HASH_HEX`] hex digits of the key's SHA-256.
    Hash(String),
    /// `pk_live_****a1b2`.
    Fingerprint(String),
}

/// A key selector that is neither a hash, a fingerprint nor a key. Pass the hash `scan`
/// printed (`sha256:…`), a fingerprint such as `pk_live_****a1b2`, or the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a key hash, fingerprint or key; pass the hash printed by `pictify-keys scan` (sha256:…), a fingerprint such as pk_live_****a1b2, or the key")]
pub struct KeySelectorError;

impl KeySelectorError {
    /// The stable code: `invalid_key_selector`.
    pub fn code(&self) -> &'static str {
        "invalid_key_selector"
    }
}

impl KeySelector {
    /// Reads a hash, a fingerprint or a key; the error never repeats the text.
    pub fn parse(text: &str) -> Result<Self, KeySelectorError> {
        let text = text.trim();
        let lower = text.to_ascii_lowercase();
        let hex = lower.strip_prefix("sha256:").unwrap_or(&lower);
        if (hex.len() == HASH_HEX || hex.len() == 64) && hex.bytes().all(|c| c.is_ascii_hexdigit())
        {
            return Ok(Self::Hash(hex[..HASH_HEX].to_owned()));
        }
        let b = text.as_bytes();
        if b.len() == 16
            && (lower.starts_with("pk_live_****") || lower.starts_with("pk_test_****"))
            && b[12..].iter().all(u8::is_ascii_alphanumeric)
        {
            return Ok(Self::Fingerprint(format!(
                "{}{}",
                &lower[..12],
                &text[12..]
            )));
        }
        match ApiKey::parse(text) {
            Ok(key) => Ok(Self::Hash(key_hash(&key))),
            Err(_) => Err(KeySelectorError),
        }
    }

    /// Whether `finding` is of the chosen key.
    pub fn matches(&self, finding: &Finding) -> bool {
        match self {
            Self::Hash(h) => finding.hash == *h,
            Self::Fingerprint(fp) => finding.fingerprint == *fp,
        }
    }
}
