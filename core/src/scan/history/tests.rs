#![allow(clippy::unwrap_used, clippy::panic)]
use proptest::prelude::*;

use super::*;
use crate::scan::{Class, Scanner};

const ZERO: &str = "0000000000000000000000000000000000000000";

fn id(c: char) -> String {
    std::iter::repeat(c).take(40).collect()
}

fn oid(c: char) -> ObjectId {
    ObjectId::from_hex(id(c).as_bytes()).unwrap()
}

fn header(commit: char, parents: &[char], date: &str, author: &str) -> String {
    let parents: Vec<String> = parents.iter().map(|&p| id(p)).collect();
    format!(
        "\x01{}\x00{}\x00{date}\x00{author}\x00{}@example.com",
        id(commit),
        parents.join(" "),
        author.to_lowercase()
    )
}

/// A log as git 2.39 prints it with LOG_ARGS (layout copied from a real run): a NUL and a
/// newline before the first change of an ordinary commit, two NULs before a merge's, none
/// after a commit without changes.
fn sample_log() -> Vec<u8> {
    let mut s = String::new();
    // Newest first: a merge that writes b.txt itself, an empty commit, a deletion, a branch
    // commit, a root commit with three files (one with a tab, a newline and a quote in its
    // name).
    s += &header('9', &['8', '7'], "2026-01-05T00:00:00+00:00", "Mia");
    s += "\x00\x00";
    s += &format!(
        "::100644 100644 100644 {} {} {} MM\x00b.txt\x00",
        id('b'),
        id('c'),
        id('d')
    );
    s += &header('8', &['6'], "2026-01-04T00:00:00+00:00", "Eve");
    s += "\x00";
    s += &header('6', &['5'], "2026-01-03T00:00:00+00:00", "Bob");
    s += "\x00\n";
    s += &format!(":100644 000000 {} {ZERO} D\x00gone.txt\x00", id('e'));
    s += &header('7', &['5'], "2026-01-02T00:00:00+01:00", "Ann");
    s += "\x00\n";
    s += &format!(":100644 100644 {} {} M\x00b.txt\x00", id('b'), id('c'));
    s += &header('5', &[], "2026-01-01T00:00:00+00:00", "Zoë");
    s += "\x00\n";
    s += &format!(":000000 100644 {ZERO} {} A\x00b.txt\x00", id('b'));
    s += &format!(":000000 100644 {ZERO} {} A\x00gone.txt\x00", id('e'));
    s += &format!(
        ":000000 100644 {ZERO} {} A\x00odd\tna\nme \"q\".py\x00",
        id('f')
    );
    s += &format!(":000000 120000 {ZERO} {} A\x00link\x00", id('1'));
    s += &format!(":000000 160000 {ZERO} {} A\x00submodule\x00", id('2'));
    let mut bytes = s.into_bytes();
    bytes.push(b'\n');
    bytes
}

fn parse_all(chunks: &[&[u8]]) -> Result<Vec<Record>, HistoryParseError> {
    let mut records = Vec::new();
    let mut parser = LogParser::default();
    for c in chunks {
        parser.push(c, &mut |r| records.push(r))?;
    }
    parser.finish(&mut |r| records.push(r))?;
    Ok(records)
}

fn commit(r: &Record) -> &Commit {
    match r {
        Record::Commit(c) => c,
        other => panic!("not a commit: {other:?}"),
    }
}

fn change(r: &Record) -> &Change {
    match r {
        Record::Change(c) => c,
        other => panic!("not a change: {other:?}"),
    }
}

#[test]
fn the_log_is_read_field_by_field() {
    let records = parse_all(&[&sample_log()]).unwrap();
    assert_eq!(records.len(), 5 + 8);
    let merge = commit(&records[0]);
    assert_eq!(merge.id, id('9'));
    assert_eq!(merge.parents, 2);
    assert_eq!(
        (
            merge.author.as_str(),
            merge.email.as_str(),
            merge.date.as_str()
        ),
        ("Mia", "mia@example.com", "2026-01-05T00:00:00+00:00")
    );
    let m = change(&records[1]);
    assert_eq!(m.path, b"b.txt");
    assert_eq!(
        m.parents.iter().map(|s| s.id).collect::<Vec<_>>(),
        [oid('b'), oid('c')]
    );
    assert_eq!(m.new.id, oid('d'));
    assert_eq!(commit(&records[2]).author, "Eve");
    assert_eq!(commit(&records[3]).author, "Bob");
    let d = change(&records[4]);
    assert_eq!(d.path, b"gone.txt");
    assert!(!d.new.is_file());
    assert!(d.parents[0].is_file());
    assert_eq!(commit(&records[5]).date, "2026-01-02T00:00:00+01:00");
    let root = commit(&records[7]);
    assert_eq!((root.author.as_str(), root.parents), ("Zoë", 0));
    assert_eq!(change(&records[10]).path, b"odd\tna\nme \"q\".py");
    assert!(change(&records[10]).new.is_file());
    assert_eq!(change(&records[11]).new.mode, 0o120000);
    assert!(!change(&records[11]).new.is_file());
    assert!(!change(&records[12]).new.is_file());
}

#[test]
fn a_commit_without_changes_at_the_end_is_read() {
    let log = header('a', &[], "2026-01-01T00:00:00+00:00", "Ann");
    let records = parse_all(&[log.as_bytes()]).unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(commit(&records[0]).email, "ann@example.com");
}

#[test]
fn truncated_and_garbled_output_is_an_error_with_a_code() {
    let log = sample_log();
    // Cut inside the last change's metadata.
    let cut = log.len() - 60;
    let e = parse_all(&[&log[..cut]]).unwrap_err();
    assert_eq!(e.code(), "git_output_malformed");
    let e = parse_all(&[b"hello\x00world\x00"]).unwrap_err();
    assert_eq!(e.offset, 0);
    let bad_meta = format!(
        "{}\x00\n:100644 zzz {} {} M\x00p\x00",
        header('a', &[], "d", "n"),
        id('b'),
        id('c')
    );
    assert!(parse_all(&[bad_meta.as_bytes()]).is_err());
    let bad_id = "\x01nothex\x00\x00d\x00n\x00e\x00";
    assert!(parse_all(&[bad_id.as_bytes()]).is_err());
}

#[test]
fn sha256_ids_are_read() {
    let long = "a".repeat(64);
    let parsed = ObjectId::from_hex(long.as_bytes()).unwrap();
    assert_eq!(parsed.as_bytes().len(), 32);
    assert_eq!(parsed.to_hex(), long);
    assert!(ObjectId::from_hex(&long.as_bytes()[..63]).is_none());
    assert!(ObjectId::from_hex(b"g".repeat(40).as_slice()).is_none());
}

proptest! {
    /// Any chunking gives the same records as the whole buffer.
    #[test]
    fn chunking_does_not_change_the_records(cuts in proptest::collection::vec(0usize..2000, 0..12)) {
        let log = sample_log();
        let whole = parse_all(&[&log]).unwrap();
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (log.len() + 1)).collect();
        cuts.sort_unstable();
        let mut chunks: Vec<&[u8]> = Vec::new();
        let mut from = 0;
        for c in cuts {
            chunks.push(&log[from..c]);
            from = c;
        }
        chunks.push(&log[from..]);
        prop_assert_eq!(parse_all(&chunks).unwrap(), whole);
    }

    /// Arbitrary bytes never panic: they are records or an error.
    #[test]
    fn arbitrary_output_never_panics(bytes in proptest::collection::vec(
        prop_oneof![Just(0u8), Just(1u8), Just(b':'), Just(b'\n'), Just(b' '), Just(b'0'), Just(b'a'), any::<u8>()], 0..400)) {
        let _ = parse_all(&[&bytes]);
        let _ = parse_batch_header(&bytes);
        let _ = parse_tree_entry(&bytes);
    }

    /// Mutating one byte of a valid log never panics.
    #[test]
    fn a_mutated_log_never_panics(at in 0usize..2000, byte in any::<u8>()) {
        let mut log = sample_log();
        let at = at % log.len();
        log[at] = byte;
        let _ = parse_all(&[&log]);
    }
}

// ---- the index and the report ----

const K1: &str = "pk_live_FAKE3Wwd25rq4f5zra1b2";
const K2: &str = "pk_test_FAKEq8Nc2vLx7Tb9Rw4y";

struct Repo {
    index: HistoryIndex,
    scans: BlobScans,
    scanner: Scanner,
    next_commit: u8,
}

impl Repo {
    fn new() -> Self {
        Self {
            index: HistoryIndex::default(),
            scans: BlobScans::default(),
            scanner: Scanner::default(),
            next_commit: 0,
        }
    }

    /// A commit (given newest first, as the log does) with its changes: (path, parent blob
    /// contents, new content or None for a deletion).
    fn commit(&mut self, author: &str, changes: &[(&str, &[&str], Option<&str>)]) -> String {
        self.next_commit += 1;
        let commit_id = format!("{:040x}", self.next_commit);
        self.index
            .add(
                Record::Commit(Commit {
                    id: commit_id.clone(),
                    parents: 1,
                    author: author.into(),
                    email: format!("{author}@example.com"),
                    date: "2026-01-01T00:00:00+00:00".into(),
                }),
                &mut |_| {},
            )
            .unwrap();
        for (path, parents, new) in changes {
            let parents: Vec<Side> = parents.iter().map(|c| self.blob(c)).collect();
            let new = match new {
                Some(c) => self.blob(c),
                None => Side {
                    mode: 0,
                    id: ObjectId::from_hex(ZERO.as_bytes()).unwrap(),
                },
            };
            let mut wanted = Vec::new();
            self.index
                .add(
                    Record::Change(Change {
                        parents,
                        new,
                        path: path.as_bytes().to_vec(),
                    }),
                    &mut |id| wanted.push(id),
                )
                .unwrap();
        }
        commit_id
    }

    /// The blob of `content` (its id is derived from the content), scanned once.
    fn blob(&mut self, content: &str) -> Side {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in content.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        let id = ObjectId::from_hex(format!("{h:040x}").as_bytes()).unwrap();
        self.scans
            .add(id, self.scanner.scan_file(content.as_bytes()));
        Side { mode: 0o100644, id }
    }
}

#[test]
fn added_removed_re_added_and_merged_keys() {
    let mut repo = Repo::new();
    // Newest first.
    let merge = repo.commit(
        "mia",
        &[(
            "app.py",
            &["x = 1\n", &format!("x = 2\nk = '{K1}'\n")],
            Some(&format!("x = 3\nk = '{K1}'\nk2 = '{K2}'\n")),
        )],
    );
    let readd = repo.commit(
        "eve",
        &[("conf/b.env", &[], Some(&format!("A=1\nKEY={K1}\n")))],
    );
    let _remove = repo.commit("bob", &[("app.py", &[&format!("k = '{K1}'\n")], None)]);
    let touch = repo.commit(
        "ann",
        &[(
            "app.py",
            &[&format!("k = '{K1}'\n")],
            Some(&format!("# edit\nk = '{K1}'\n")),
        )],
    );
    let first = repo.commit("zoe", &[("app.py", &[], Some(&format!("k = '{K1}'\n")))]);
    repo.index.head_read();
    // HEAD holds conf/b.env only.
    let head = repo.blob(&format!("A=1\nKEY={K1}\n"));
    repo.index.add_head(head, b"conf/b.env", &mut |_| {});

    let report = repo.index.report(&repo.scans, None);
    let got: Vec<(String, &str, usize, usize, &str)> = report
        .findings
        .iter()
        .map(|f| {
            (
                report.commits[f.commit].id.clone(),
                f.path.as_str(),
                f.finding.line,
                f.finding.column,
                f.finding.fingerprint.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            // The merge writes K2 itself (in neither parent); K1 came from a parent.
            (merge.clone(), "app.py", 3, 7, "pk_test_****Rw4y"),
            (readd.clone(), "conf/b.env", 2, 5, "pk_live_****a1b2"),
            // `touch` edits a file that already held K1: not an addition.
            (first.clone(), "app.py", 1, 6, "pk_live_****a1b2"),
        ]
    );
    assert!(!got.iter().any(|g| g.0 == touch));
    let k1 = &report.keys[report.findings[1].key];
    assert_eq!(report.introduced_in(&report.findings[1]).id, first);
    assert_eq!((k1.occurrences, k1.commits, k1.in_head), (2, 2, Some(true)));
    assert_eq!(k1.class, Class::Fixture);
    let k2 = &report.keys[report.findings[0].key];
    assert_eq!(report.introduced_in(&report.findings[0]).author, "mia");
    assert_eq!(k2.in_head, Some(false));
    assert_eq!(report.summary.fixtures, 3);
    assert_eq!(report.summary.exit_status(), 0);
    assert_eq!(report.walked, 5);

    // The incident question: where is K1?
    let sel = KeySelector::parse("pk_live_****a1b2").unwrap();
    let places: Vec<(&str, &str, bool)> = report
        .occurrences(&sel)
        .map(|o| (o.commit.author.as_str(), o.path, o.introduced))
        .collect();
    assert_eq!(
        places,
        [("eve", "conf/b.env", false), ("zoe", "app.py", true)]
    );
    // A report for one key only.
    let only = repo
        .index
        .report(&repo.scans, Some(&KeySelector::parse(K2).unwrap()));
    assert_eq!(only.findings.len(), 1);
    assert_eq!(only.keys.len(), 1);
    assert_eq!(only.commits[0].id, merge);
}

#[test]
fn fixtures_as_real_and_the_allowlist_apply_to_history() {
    let mut repo = Repo::new();
    repo.scanner.fixtures_as_real = true;
    repo.commit("ann", &[("a.py", &[], Some(&format!("k = '{K1}'\n")))]);
    repo.commit(
        "bob",
        &[(
            "b.py",
            &[],
            Some(&format!("k = '{K2}' # pictify-keys:allow\n")),
        )],
    );
    let report = repo.index.report(&repo.scans, None);
    assert_eq!((report.summary.blocking, report.summary.allowed), (1, 1));
    assert_eq!(report.summary.exit_status(), 1);
    // HEAD not read: unknown.
    assert!(report.keys.iter().all(|k| k.in_head.is_none()));
}

#[test]
fn missing_blobs_make_the_scan_incomplete() {
    let mut scans = BlobScans::default();
    scans.add_missing(oid('a'));
    assert_eq!(scans.summary.errors, 1);
    assert_eq!(scans.summary.exit_status(), 2);
}

#[test]
fn key_selector_errors_never_repeat_the_text() {
    for text in [
        "pk_live_FAKE",
        "sk_live_FAKE3Wwd25rq4f5zra1b2",
        "pk_live_****a1",
        "",
    ] {
        let e = KeySelector::parse(text).unwrap_err();
        assert_eq!(e.code(), "invalid_key_selector");
        assert!(!e.to_string().contains("FAKE"));
    }
    assert_eq!(
        KeySelector::parse("PK_LIVE_****a1b2").unwrap(),
        KeySelector::Fingerprint("pk_live_****a1b2".into())
    );
}
