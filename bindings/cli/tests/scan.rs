//! `pictify-keys scan` run as a user would: the built binary over generated trees and a
//! temporary git repository. Every planted key is a fixture (body starts with FAKE); the
//! tests that need real-key behaviour pass `--fixtures-as-real`.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pictify-keys"));
    c.env("NO_COLOR", "1");
    c
}

/// Runs `scan` in `dir` with `args`; returns the exit code and the JSON document.
fn scan_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let out = bin()
        .current_dir(dir)
        .arg("scan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), doc)
}

/// A seeded generator of FAKE-marked keys that `ApiKey::parse` accepts.
struct Keys(u64);

impl Keys {
    fn next_u(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn key(&mut self, mode: &str) -> String {
        const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        loop {
            let len = 16 + (self.next_u() % 20) as usize;
            let body: String = (0..len)
                .map(|_| char::from(B62[(self.next_u() % 62) as usize]))
                .collect();
            let key = format!("pk_{mode}_FAKE{body}");
            if pictify_keys::ApiKey::parse(&key).is_ok() {
                return key;
            }
        }
    }
}

/// Where a key was planted: path, 1-based line and column.
type Spot = (String, u64, u64);

/// Line and column (1-based, characters) of byte offset `at` in `text`.
fn spot(path: &str, text: &str, at: usize) -> Spot {
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() as u64 + 1;
    (path.to_owned(), line, col)
}

const PLACEHOLDERS: &[&str] = &[
    "pk_live_your_api_key",
    "pk_test_xxxxxxxxxxxxxxxxxxxx",
    "pk_live_abc123...",
    "pk_live_****a1b2",
    "pk_test_YOUR_API_KEY_HERE",
    "pk_live_0123456789abcdefgh",
    "PK_LIVE_REPLACE_ME",
];

/// File templates by extension; `{}` is where a key (or placeholder) goes.
const TEMPLATES: &[(&str, &str)] = &[
    ("py", "import os\n\nAPI_KEY = \"{}\"\n\ndef render():\n    return API_KEY\n"),
    ("js", "// client\nconst client = new Pictify({ apiKey: '{}' });\nexport default client;\n"),
    ("ts", "export const key: string = `{}`;\n"),
    ("go", "package main\n\nconst apiKey = \"{}\"\n"),
    ("rs", "fn main() {\n    let key = \"{}\";\n    println!(\"{key}\");\n}\n"),
    ("java", "class A {\n  static final String KEY = \"{}\";\n}\n"),
    ("rb", "Pictify.api_key = '{}'\n"),
    ("yml", "env:\n  PICTIFY_API_KEY: {}\n"),
    ("json", "{\"pictify\": {\"apiKey\": \"{}\"}}"),
    ("toml", "[pictify]\napi_key = \"{}\"\n"),
    ("md", "# Setup\n\nCall `curl -H 'Authorization: Bearer {}' https://api.pictify.io`.\n"),
    ("txt", "{}"),
    ("sh", "#!/bin/sh\nexport PICTIFY_API_KEY={}\ncurl \"https://api.pictify.io/v1/render?api_key={}&x=1\"\n"),
    ("kt", "val key = \"{}\" // loaded\n"),
    ("swift", "let key = \"{}\"\n"),
    ("php", "<?php\n$key = '{}';\n"),
    ("cs", "var key = \"{}\";\r\nConsole.WriteLine(key);\r\n"),
    ("html", "<script>\n\tconst k=\"{}\";</script>\n"),
    ("xml", "<config><key>{}</key></config>\n"),
    ("env", "NODE_ENV=development\nPICTIFY_API_KEY={}\n"),
];

const FILLER: &str =
    "fn helper(x: u32) -> u32 { x * 2 } // pk_ prefix, pk_test_ mode, check_pk_live_mode\n";

#[test]
fn generated_tree_of_10000_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let mut keys = Keys(0x9E37_79B9_7F4A_7C15);
    let mut planted: BTreeSet<Spot> = BTreeSet::new();
    let mut inline_allowed: BTreeSet<Spot> = BTreeSet::new();
    let mut placeholders: BTreeSet<Spot> = BTreeSet::new();
    let mut to_allowlist: Vec<Spot> = Vec::new();
    let mut modes: BTreeMap<Spot, String> = BTreeMap::new();
    for i in 0..10_000usize {
        let (ext, template) = TEMPLATES[i % TEMPLATES.len()];
        let dir = format!("d{:02}/s{}", i % 50, i % 7);
        fs::create_dir_all(root.join(&dir)).unwrap();
        let path = format!("{dir}/f{i}.{ext}");
        let mut text = String::new();
        // Some non-ASCII text before, so columns are counted in characters.
        if i % 11 == 0 {
            text.push_str("# café — ünïcode\n");
        }
        for _ in 0..(i % 5) {
            text.push_str(FILLER);
        }
        let kind = i % 9;
        let mut pieces = template.split("{}");
        text.push_str(pieces.next().unwrap());
        for piece in pieces {
            let at = text.len();
            let value = match kind {
                // No key in a third of the files.
                0..=2 => "nothing here".to_owned(),
                3 => PLACEHOLDERS[i % PLACEHOLDERS.len()].to_owned(),
                // Upper-case and mixed-case prefixes.
                4 if i % 2 == 0 => keys.key("live").replacen("pk_live_", "PK_LIVE_", 1),
                5 if i % 4 == 0 => keys.key("test").replacen("pk_test_", "Pk_test_", 1),
                5 if i % 4 == 2 => keys.key("live").replacen("pk_live_", "pK_Live_", 1),
                _ => keys.key(if i % 3 == 0 { "live" } else { "test" }),
            };
            text.push_str(&value);
            if kind >= 4 {
                let s = spot(&path, &text, at);
                modes.insert(s.clone(), value[3..7].to_ascii_lowercase());
                if kind == 8 {
                    to_allowlist.push(s.clone());
                }
                planted.insert(s);
            } else if kind == 3 {
                placeholders.insert(spot(&path, &text, at));
            }
            text.push_str(piece);
        }
        if kind == 7 {
            // An inline allow on the key's line: append the marker to that line.
            let first = planted
                .iter()
                .filter(|s| s.0 == path)
                .map(|s| s.1)
                .min()
                .unwrap() as usize;
            let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
            lines[first - 1].push_str(" # pictify-keys:allow");
            text = lines.join("\n");
            for s in planted
                .iter()
                .filter(|s| s.0 == path && s.1 as usize == first)
            {
                inline_allowed.insert(s.clone());
            }
        }
        fs::write(root.join(&path), text).unwrap();
    }
    // Ignored, binary and oversized files: keys in them are not reported.
    fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
    fs::create_dir_all(root.join("ignored")).unwrap();
    fs::write(
        root.join("ignored/secret.py"),
        format!("KEY = '{}'\n", keys.key("live")),
    )
    .unwrap();
    fs::write(
        root.join("image.bin"),
        [b"\x89PNG\0\0".as_slice(), keys.key("live").as_bytes()].concat(),
    )
    .unwrap();
    fs::write(
        root.join("big.log"),
        format!("{}{}\n", "x".repeat(300_000), keys.key("live")),
    )
    .unwrap();

    // First run: every planted key found, as a fixture, and the scan passes.
    let (code, doc) = scan_json(
        root,
        &[
            "--max-file-size",
            "200000",
            "--include-fixtures",
            "--include-placeholders",
        ],
    );
    assert_eq!(code, 0, "{}", doc["summary"]);
    let summary = &doc["summary"];
    assert_eq!(summary["files"], 10_000 + 1, "{summary}");
    assert_eq!(summary["skipped_binary"], 1);
    assert_eq!(summary["skipped_large"], 1);
    assert_eq!(summary["fixtures"].as_u64().unwrap(), planted.len() as u64);
    assert_eq!(summary["real"], 0);
    let found = |doc: &Value, class: &str| -> BTreeSet<Spot> {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["class"] == class)
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(found(&doc, "fixture"), planted);
    // Each with its mode, whatever the case of its prefix.
    let found_modes: BTreeMap<Spot, String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["class"] == "fixture")
        .map(|f| {
            (
                (
                    f["path"].as_str().unwrap().to_owned(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                ),
                f["mode"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(found_modes, modes);
    assert_eq!(found(&doc, "placeholder"), placeholders);
    assert!(found(&doc, "real").is_empty());

    // Allow-list by hash: the hashes printed for the kind-8 keys.
    let hashes: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let s = (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
            );
            to_allowlist.contains(&s)
        })
        .map(|f| f["hash"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hashes.len(), to_allowlist.len());
    fs::write(
        root.join(".pictify-keys-ignore"),
        format!("# reviewed test keys\n{}\n", hashes.join("\n")),
    )
    .unwrap();

    // Second run, fixtures as real keys: every planted key is real, allow-lists honoured.
    let (code, doc) = scan_json(
        root,
        &[
            "--max-file-size",
            "200000",
            "--fixtures-as-real",
            "--include-placeholders",
        ],
    );
    assert_eq!(code, 1);
    let real: Vec<&Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["class"] == "real")
        .collect();
    let spot_of = |f: &Value| {
        (
            f["path"].as_str().unwrap().to_owned(),
            f["line"].as_u64().unwrap(),
            f["column"].as_u64().unwrap(),
        )
    };
    let all: BTreeSet<Spot> = real.iter().map(|f| spot_of(f)).collect();
    assert_eq!(all, planted);
    let inline: BTreeSet<Spot> = real
        .iter()
        .filter(|f| f["allowed"] == "inline")
        .map(|f| spot_of(f))
        .collect();
    assert_eq!(inline, inline_allowed);
    let listed: BTreeSet<Spot> = real
        .iter()
        .filter(|f| f["allowed"] == "allowlist")
        .map(|f| spot_of(f))
        .collect();
    let expected: BTreeSet<Spot> = to_allowlist
        .iter()
        .filter(|s| !inline_allowed.contains(*s))
        .cloned()
        .collect();
    assert_eq!(listed, expected);
    let blocking = real.iter().filter(|f| f["blocking"] == true).count() as u64;
    assert_eq!(doc["summary"]["real"].as_u64().unwrap(), blocking);
    assert_eq!(
        blocking,
        (planted.len() - inline.len() - listed.len()) as u64
    );
    assert_eq!(
        found(&doc, "placeholder"),
        placeholders,
        "no placeholder is reported as a real key"
    );
    // Printed in path and position order, the same with one walker thread as with many.
    let order: Vec<Spot> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(spot_of)
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    let (_, one_thread) = scan_json(
        root,
        &[
            "--max-file-size",
            "200000",
            "--fixtures-as-real",
            "--include-placeholders",
            "--threads",
            "1",
        ],
    );
    assert_eq!(one_thread, doc);
    // No secret in the output: only fingerprints.
    let text = doc.to_string();
    assert!(!text.contains("pk_live_FAKE") && !text.contains("pk_test_FAKE"));
}

#[test]
fn text_output_exit_codes_and_allowlist_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let mut keys = Keys(42);
    let key = keys.key("live");
    fs::write(root.join("a.py"), format!("KEY = \"{key}\"\n")).unwrap();
    let out = bin()
        .current_dir(root)
        .args(["scan", "--fixtures-as-real"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.starts_with(&format!(
            "a.py:1:8: real live key pk_live_****{}",
            &key[key.len() - 4..]
        )),
        "{stdout}"
    );
    assert!(!stdout.contains(&key[12..]));
    // Without --fixtures-as-real the fixture passes.
    let out = bin().current_dir(root).arg("scan").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    // An allow-list holding a key itself is refused with exit 2.
    fs::write(root.join(".pictify-keys-ignore"), format!("{key}\n")).unwrap();
    let out = bin().current_dir(root).arg("scan").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("error[allowlist_contains_secret]"),
        "{stderr}"
    );
    assert!(!stderr.contains(&key[12..]));
    // A fingerprint entry allows the key.
    fs::write(
        root.join(".pictify-keys-ignore"),
        format!("pk_live_****{}\n", &key[key.len() - 4..]),
    )
    .unwrap();
    let out = bin()
        .current_dir(root)
        .args(["scan", "--fixtures-as-real"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    // The prefix in any case is found and reported with its mode (in lower case).
    let body = &key[8..];
    fs::write(
        root.join("b.py"),
        format!("k = 'Pk_Test_{body}'\nK = \"PK_LIVE_{body}\"\n"),
    )
    .unwrap();
    let out = bin()
        .current_dir(root)
        .args([
            "scan",
            "--fixtures-as-real",
            "--ignore-file",
            "/dev/null",
            "b.py",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let tail = &key[key.len() - 4..];
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.starts_with(&format!(
            "b.py:1:6: real test key pk_test_****{tail} — revoke it and remove it from the source [sha256:"
        )) && stdout.contains(&format!("\nb.py:2:6: real live key pk_live_****{tail} — revoke")),
        "{stdout}"
    );
    // A missing path is an error.
    let out = bin()
        .current_dir(root)
        .args(["scan", "no/such/dir"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn staged_scans_the_index_only() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let mut keys = Keys(7);
    let (staged, unstaged, untracked, removed) = (
        keys.key("live"),
        keys.key("test"),
        keys.key("live"),
        keys.key("test"),
    );
    git(root, &["init", "-q"]);
    fs::write(root.join("clean.py"), "print('hello')\n").unwrap();
    fs::write(root.join("later.py"), format!("K = '{removed}'\n")).unwrap();
    git(root, &["add", "clean.py", "later.py"]);
    // Staged: a new file with a key.
    fs::write(root.join("new.py"), format!("\nK = '{staged}'\n")).unwrap();
    git(root, &["add", "new.py"]);
    // Unstaged: a key added to a tracked file after staging it clean.
    fs::write(root.join("clean.py"), format!("K = '{unstaged}'\n")).unwrap();
    // Untracked file with a key.
    fs::write(root.join("scratch.py"), format!("K = '{untracked}'\n")).unwrap();
    // Staged key removed from the working tree only: still in the index, still found.
    fs::write(root.join("later.py"), "K = None\n").unwrap();

    let (code, doc) = scan_json(root, &["--staged", "--fixtures-as-real"]);
    assert_eq!(code, 1, "{doc}");
    let mut found: Vec<(String, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    found.sort();
    let fp = |k: &str| format!("{}****{}", &k[..8], &k[k.len() - 4..]);
    assert_eq!(
        found,
        [
            ("later.py".to_owned(), 1, fp(&removed)),
            ("new.py".to_owned(), 2, fp(&staged))
        ]
    );
    assert_eq!(doc["summary"]["files"], 3);
    // The working-tree scan sees the unstaged and untracked keys instead.
    let (_, doc) = scan_json(root, &["--fixtures-as-real"]);
    let paths: BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, BTreeSet::from(["clean.py", "new.py", "scratch.py"]));
    // A pathspec limits --staged.
    let (code, doc) = scan_json(root, &["--staged", "--fixtures-as-real", "clean.py"]);
    assert_eq!((code, doc["findings"].as_array().unwrap().len()), (0, 0));
    // Outside a git repository --staged is an error.
    let outside = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(outside.path())
        .args(["scan", "--staged"])
        .env("GIT_CEILING_DIRECTORIES", outside.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn sarif_output_shape() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let mut keys = Keys(99);
    let (a, b) = (keys.key("live"), keys.key("test"));
    fs::write(
        root.join("a.js"),
        format!("const k = '{a}';\nconst d = 'pk_live_your_api_key';\nconst t = '{b}'; // pictify-keys:allow\n"),
    )
    .unwrap();
    let out = bin()
        .current_dir(root)
        .args([
            "scan",
            "--format",
            "sarif",
            "--fixtures-as-real",
            "--include-placeholders",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "pictify-keys");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["ruleId"], "pictify-api-key");
    assert_eq!(results[0]["level"], "error");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(1), Some(12))
    );
    assert_eq!(results[1]["ruleId"], "pictify-api-key-placeholder");
    assert_eq!(results[2]["suppressions"][0]["kind"], "inSource");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&a[12..]));
}

#[test]
fn rules_for_other_scanners() {
    let out = bin()
        .args(["rules", "--format", "gitleaks"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.contains("[[rules]]") && text.contains("keywords = [\"pk_live_\", \"pk_test_\"]"),
        "{text}"
    );
    // The prefix in any case, as the scanner finds it (`Pk_live_`, `PK_TEST_`).
    assert!(
        text.contains(r"regex = '''((?i:pk_(?:live|test)_)[0-9A-Za-z]{16,128})"),
        "{text}"
    );
    let out = bin()
        .args(["rules", "--format", "detect-secrets", "--skip-fixtures"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("class PictifyKeyDetector(RegexBasedDetector)") && text.contains("FAKE"),
        "{text}"
    );
}

/// `scan` from a subdirectory and `doctor` on the project both find the allow-list at the
/// top of the git work tree (the core's `find_allowlist`), and no further up.
#[test]
fn the_allowlist_is_found_up_to_the_project_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("project");
    let sub = root.join("src/app");
    fs::create_dir_all(&sub).unwrap();
    git(&root, &["init", "-q"]);
    let mut keys = Keys(99);
    let key = keys.key("live");
    fs::write(sub.join("config.py"), format!("KEY = \"{key}\"\n")).unwrap();
    let scan_in = |dir: &Path| {
        bin()
            .current_dir(dir)
            .args(["scan", "--fixtures-as-real", "."])
            .output()
            .unwrap()
            .status
            .code()
    };
    // No allow-list yet: the key fails the scan and the doctor.
    assert_eq!(scan_in(&sub), Some(1));
    let doctor = || {
        let out = bin()
            .args(["doctor", "--json", "--fixtures-as-real"])
            .arg(&root)
            .env_remove("PICTIFY_API_KEY")
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "no_hardcoded_keys")
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(doctor(), "fail");
    // An allow-list above the project root is not the project's.
    let fingerprint = format!("pk_live_****{}\n", &key[key.len() - 4..]);
    fs::write(tmp.path().join(".pictify-keys-ignore"), &fingerprint).unwrap();
    assert_eq!(scan_in(&sub), Some(1));
    // At the project root it allows the key for scan (from a subdirectory) and doctor alike.
    fs::write(root.join(".pictify-keys-ignore"), &fingerprint).unwrap();
    assert_eq!(scan_in(&sub), Some(0));
    assert_eq!(doctor(), "pass");
}
