//! Sans-IO parsers for the output of the git commands behind `scan --history`: the commit log
//! with raw changes ([`LogParser`] over [`LOG_ARGS`]), the `git cat-file --batch` header
//! ([`parse_batch_header`]) and the HEAD tree listing ([`parse_tree_entry`]).

use std::fmt;

/// The arguments of the `git log` whose output [`LogParser`] reads; the caller appends `--all`
/// (or a range, after `--end-of-options`) and `--` with any pathspecs.
///
/// - `--date-order`: children before parents, otherwise newest first, so the last commit that
///   adds a key is the one that introduced it;
/// - `--raw --no-abbrev -z`: per-commit changed paths with full blob ids, NUL-separated, paths
///   unquoted (any byte but NUL);
/// - `-c`: a merge lists only the paths that differ from every parent, with each parent's blob
///   (the content a merge resolution wrote itself);
/// - `--root`: a root commit lists its files as added; `--no-renames`: no rename detection (a
///   moved file is a deletion and an addition, so a key in it is found at its new path too).
pub const LOG_ARGS: &[&str] = &[
    "log",
    "--date-order",
    "--root",
    "-c",
    "--raw",
    "--no-abbrev",
    "-z",
    "--no-renames",
    "--no-ext-diff",
    "--no-textconv",
    "--no-color",
    "--format=%x01%H%x00%P%x00%aI%x00%an%x00%ae",
];

/// The arguments of the `git ls-tree` whose output [`parse_tree_entry`] reads (then the tree).
pub const TREE_ARGS: &[&str] = &["ls-tree", "-r", "-z", "--full-tree"];

/// The arguments of the `git cat-file` whose output [`parse_batch_header`] reads: blob ids on
/// stdin, one a line; each answer a header line, the content and a newline.
pub const BATCH_ARGS: &[&str] = &["cat-file", "--batch", "--buffer"];

/// A git object id: SHA-1 (20 bytes) or SHA-256 (32 bytes).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    len: u8,
    bytes: [u8; 32],
}

impl ObjectId {
    /// Parses 40 or 64 hex digits (either case).
    pub fn from_hex(hex: &[u8]) -> Option<Self> {
        if hex.len() != 40 && hex.len() != 64 {
            return None;
        }
        let mut bytes = [0u8; 32];
        for (i, pair) in hex.chunks_exact(2).enumerate() {
            bytes[i] = (hex_digit(pair[0])? << 4) | hex_digit(pair[1])?;
        }
        Some(Self {
            len: (hex.len() / 2) as u8,
            bytes,
        })
    }

    /// The all-zero id git prints for "no object" (the new side of a deletion).
    pub fn is_null(&self) -> bool {
        self.as_bytes().iter().all(|&b| b == 0)
    }

    /// The raw bytes (20 or 32).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    /// Lower-case hex, as git prints it.
    pub fn to_hex(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(usize::from(self.len) * 2);
        for b in self.as_bytes() {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xf)]));
        }
        out
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ObjectId({self})")
    }
}

fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// A commit as the log describes it. Holds no file content.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Commit {
    /// The full commit id (hex).
    pub id: String,
    /// Number of parents (0 for a root commit or a shallow boundary, 2+ for a merge).
    pub parents: usize,
    /// Author name.
    pub author: String,
    /// Author e-mail.
    pub email: String,
    /// Author date, strict ISO 8601 (`2026-12-02T13:21:30+01:00`).
    pub date: String,
}

/// One side of a change: the file mode and the blob id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Side {
    /// The mode as git prints it, in octal (`0o100644`; 0 where there is no file).
    pub mode: u32,
    /// The blob id (all zero where there is no file).
    pub id: ObjectId,
}

impl Side {
    /// Whether this side is a regular file's content (not a deletion, a symlink or a
    /// submodule): the only blobs that are scanned.
    pub fn is_file(&self) -> bool {
        self.mode & 0o170000 == 0o100000 && !self.id.is_null()
    }
}

/// One changed path of a commit: the parent side(s) and the new side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The path's content in each parent (one for an ordinary commit, one per parent for a
    /// merge, whose listed paths differ from every parent).
    pub parents: Vec<Side>,
    /// The path's content in the commit.
    pub new: Side,
    /// The path, as bytes (git paths need not be UTF-8).
    pub path: Vec<u8>,
}

/// What the log gives, in order: a commit, then its changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A commit header; the changes that follow belong to it.
    Commit(Commit),
    /// A changed path of the last commit.
    Change(Change),
}

/// The git output could not be understood (a git version that prints something else, or a
/// truncated stream). Report it with the git version; the scan result would be incomplete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("git printed output that cannot be read at byte {offset}: {reason}; check that git is 2.20 or newer")]
pub struct HistoryParseError {
    /// Byte offset in the stream where the record starts.
    pub offset: u64,
    /// What was expected.
    pub reason: &'static str,
}

impl HistoryParseError {
    /// The stable code: `git_output_malformed`.
    pub fn code(&self) -> &'static str {
        "git_output_malformed"
    }
}

/// Fields of the commit header after the marker: id, parents, date, name, e-mail.
const HEADER_FIELDS: usize = 5;

enum State {
    /// Between records: a commit marker or a change's metadata comes next.
    Record,
    /// Inside a commit header: the fields read so far.
    Header(Vec<String>),
    /// After a change's metadata: its path comes next.
    Path(Vec<Side>, Side),
}

/// A streaming parser of `git log` output in the [`LOG_ARGS`] format: feed it chunks of any
/// size ([`LogParser::push`]), then call [`LogParser::finish`]; it hands out each [`Record`]
/// as soon as it is complete and holds at most one unfinished token (a path, a name) between
/// chunks, so memory does not grow with the size of a commit.
///
/// ```
/// use pictify_keys::scan::history::{LogParser, Record};
///
/// let log = b"\x01aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\x00\x002026-01-02T03:04:05+00:00\x00Ann\x00ann@example.com\x00\n:000000 100644 0000000000000000000000000000000000000000 bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb A\x00src/odd name.py\x00";
/// let mut records = Vec::new();
/// let mut parser = LogParser::default();
/// for chunk in log.chunks(7) {
///     parser.push(chunk, &mut |r| records.push(r))?;
/// }
/// parser.finish(&mut |r| records.push(r))?;
/// assert!(matches!(&records[0], Record::Commit(c) if c.author == "Ann" && c.parents == 0));
/// assert!(matches!(&records[1], Record::Change(c) if c.path == b"src/odd name.py" && c.new.is_file()));
/// # Ok::<(), pictify_keys::scan::history::HistoryParseError>(())
/// ```
pub struct LogParser {
    carry: Vec<u8>,
    state: State,
    /// Bytes consumed before `carry`.
    offset: u64,
}

impl Default for LogParser {
    fn default() -> Self {
        Self {
            carry: Vec::new(),
            state: State::Record,
            offset: 0,
        }
    }
}

impl LogParser {
    /// Parses the next chunk of output; complete records go to `out`.
    pub fn push(
        &mut self,
        chunk: &[u8],
        out: &mut impl FnMut(Record),
    ) -> Result<(), HistoryParseError> {
        let mut rest = chunk;
        if !self.carry.is_empty() {
            match memchr::memchr(0, rest) {
                None => {
                    self.carry.extend_from_slice(rest);
                    return Ok(());
                }
                Some(i) => {
                    let mut token = std::mem::take(&mut self.carry);
                    token.extend_from_slice(&rest[..i]);
                    let at = self.offset;
                    self.offset += token.len() as u64 + 1;
                    self.token(&token, at, out)?;
                    rest = &rest[i + 1..];
                }
            }
        }
        while let Some(i) = memchr::memchr(0, rest) {
            let at = self.offset;
            self.offset += i as u64 + 1;
            self.token(&rest[..i], at, out)?;
            rest = &rest[i + 1..];
        }
        self.carry.extend_from_slice(rest);
        Ok(())
    }

    /// Ends the stream: the last token (git ends the last commit without a NUL when it has no
    /// change) is parsed; a record left unfinished is an error.
    pub fn finish(mut self, out: &mut impl FnMut(Record)) -> Result<(), HistoryParseError> {
        let token = std::mem::take(&mut self.carry);
        let at = self.offset;
        if !token.iter().all(|&b| b == b'\n') {
            self.token(&token, at, out)?;
        }
        match self.state {
            State::Record => Ok(()),
            State::Header(fields) if fields.len() == HEADER_FIELDS => {
                out(Record::Commit(commit_of(fields, at)?));
                Ok(())
            }
            _ => Err(HistoryParseError {
                offset: at,
                reason: "the output ends inside a record",
            }),
        }
    }

    fn token(
        &mut self,
        token: &[u8],
        at: u64,
        out: &mut impl FnMut(Record),
    ) -> Result<(), HistoryParseError> {
        match std::mem::replace(&mut self.state, State::Record) {
            State::Record => {
                let start = token.iter().take_while(|&&b| b == b'\n').count();
                let token = &token[start..];
                match token.first() {
                    None => {}
                    Some(0x01) => {
                        let mut fields = Vec::with_capacity(HEADER_FIELDS);
                        fields.push(String::from_utf8_lossy(&token[1..]).into_owned());
                        self.state = State::Header(fields);
                    }
                    Some(b':') => {
                        let (parents, new) = parse_meta(token).ok_or(HistoryParseError {
                            offset: at,
                            reason: "a change line is not `:mode… id… status`",
                        })?;
                        self.state = State::Path(parents, new);
                    }
                    Some(_) => {
                        return Err(HistoryParseError {
                            offset: at,
                            reason: "expected a commit or a change",
                        })
                    }
                }
            }
            State::Header(mut fields) => {
                fields.push(String::from_utf8_lossy(token).into_owned());
                if fields.len() == HEADER_FIELDS {
                    out(Record::Commit(commit_of(fields, at)?));
                } else {
                    self.state = State::Header(fields);
                }
            }
            State::Path(parents, new) => out(Record::Change(Change {
                parents,
                new,
                path: token.to_vec(),
            })),
        }
        Ok(())
    }
}

fn commit_of(mut fields: Vec<String>, at: u64) -> Result<Commit, HistoryParseError> {
    let bad = HistoryParseError {
        offset: at,
        reason: "a commit header is not `id, parents, date, author, e-mail`",
    };
    let email = fields.pop().ok_or(bad.clone())?;
    let author = fields.pop().ok_or(bad.clone())?;
    let date = fields.pop().ok_or(bad.clone())?;
    let parents = fields.pop().ok_or(bad.clone())?;
    let id = fields.pop().ok_or(bad.clone())?;
    if ObjectId::from_hex(id.as_bytes()).is_none() {
        return Err(bad);
    }
    let parents = parents.split(' ').filter(|p| !p.is_empty()).count();
    Ok(Commit {
        id,
        parents,
        author,
        email,
        date,
    })
}

/// `:100644 100644 <old> <new> M` or, for a merge of n parents, n colons, n+1 modes, n+1 ids
/// and the statuses.
fn parse_meta(token: &[u8]) -> Option<(Vec<Side>, Side)> {
    let colons = token.iter().take_while(|&&b| b == b':').count();
    let text = std::str::from_utf8(&token[colons..]).ok()?;
    let mut parts = text.split(' ');
    let mut modes = Vec::with_capacity(colons + 1);
    for _ in 0..=colons {
        modes.push(u32::from_str_radix(parts.next()?, 8).ok()?);
    }
    let mut ids = Vec::with_capacity(colons + 1);
    for _ in 0..=colons {
        ids.push(ObjectId::from_hex(parts.next()?.as_bytes())?);
    }
    parts.next()?; // the status letters
    if parts.next().is_some() {
        return None;
    }
    let new = Side {
        mode: modes[colons],
        id: ids[colons],
    };
    let parents = modes[..colons]
        .iter()
        .zip(&ids[..colons])
        .map(|(&mode, &id)| Side { mode, id })
        .collect();
    Some((parents, new))
}

/// What `git cat-file --batch` says before an object's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BatchHeader {
    /// `<id> <type> <size>`: `size` bytes of content and a newline follow.
    Found {
        /// The object.
        id: ObjectId,
        /// Whether it is a blob.
        blob: bool,
        /// Content size in bytes.
        size: u64,
    },
    /// `<id> missing` (or `ambiguous`): nothing follows.
    Missing(ObjectId),
}

/// Parses one header line of `git cat-file --batch` (with or without its newline).
///
/// ```
/// use pictify_keys::scan::history::{parse_batch_header, BatchHeader};
///
/// let h = parse_batch_header(b"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 blob 12\n");
/// assert!(matches!(h, Some(BatchHeader::Found { blob: true, size: 12, .. })));
/// assert!(matches!(
///     parse_batch_header(b"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 missing"),
///     Some(BatchHeader::Missing(_))
/// ));
/// ```
pub fn parse_batch_header(line: &[u8]) -> Option<BatchHeader> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let text = std::str::from_utf8(line).ok()?;
    let mut parts = text.split(' ');
    let id = ObjectId::from_hex(parts.next()?.as_bytes())?;
    let kind = parts.next()?;
    match parts.next() {
        None if kind == "missing" || kind == "ambiguous" => Some(BatchHeader::Missing(id)),
        Some(size) if parts.next().is_none() => Some(BatchHeader::Found {
            id,
            blob: kind == "blob",
            size: size.parse().ok()?,
        }),
        _ => None,
    }
}

/// Parses one NUL-terminated record of `git ls-tree -r -z` (without the NUL):
/// `<mode> <type> <id>\t<path>`.
///
/// ```
/// use pictify_keys::scan::history::parse_tree_entry;
///
/// let (side, path) =
///     parse_tree_entry(b"100644 blob e69de29bb2d1d6434b8b29ae775ad8c2e48c5391\tdir/a\tb.txt").unwrap();
/// assert!(side.is_file());
/// assert_eq!(path, b"dir/a\tb.txt");
/// ```
pub fn parse_tree_entry(record: &[u8]) -> Option<(Side, &[u8])> {
    let tab = memchr::memchr(b'\t', record)?;
    let meta = std::str::from_utf8(&record[..tab]).ok()?;
    let mut parts = meta.split(' ');
    let mode = u32::from_str_radix(parts.next()?, 8).ok()?;
    parts.next()?;
    let id = ObjectId::from_hex(parts.next()?.as_bytes())?;
    if parts.next().is_some() {
        return None;
    }
    Some((Side { mode, id }, &record[tab + 1..]))
}
