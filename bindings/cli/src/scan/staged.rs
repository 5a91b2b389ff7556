//! `scan --staged`: the blobs staged in the git index, what the next commit will contain.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use pictify_keys::scan::Scanner;

use super::{progress, Gathered, ScanArgs};

/// Scans the blobs staged in the git index: `git ls-files -s` lists them, one
/// `git cat-file --batch` process streams their contents.
pub(super) fn scan_staged(args: &ScanArgs, scanner: &Scanner) -> Result<Gathered, String> {
    let mut ls = Command::new("git");
    ls.args(["ls-files", "--stage", "-z", "--"])
        .args(&args.paths);
    let listed = ls
        .output()
        .map_err(|e| format!("cannot run git: {}", e.kind()))?;
    if !listed.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&listed.stderr).trim()
        ));
    }
    // `<mode> <object> <stage>\t<path>\0`; regular files only (no symlinks, no submodules).
    let mut entries = Vec::new();
    for record in listed.stdout.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let text = String::from_utf8_lossy(record);
        let Some((meta, path)) = text.split_once('\t') else {
            continue;
        };
        let mut parts = meta.split(' ');
        let (Some(mode), Some(object)) = (parts.next(), parts.next()) else {
            continue;
        };
        if mode.starts_with("100") {
            entries.push((object.to_owned(), path.to_owned()));
        }
    }
    let mut gathered = Gathered::default();
    if entries.is_empty() {
        return Ok(gathered);
    }
    let mut child = Command::new("git")
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git cat-file: {}", e.kind()))?;
    let (Some(mut stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
        return Err("git cat-file: no pipes".into());
    };
    let objects: Vec<String> = entries.iter().map(|(o, _)| o.clone()).collect();
    let writer = std::thread::spawn(move || -> io::Result<()> {
        for o in objects {
            writeln!(stdin, "{o}")?;
        }
        Ok(())
    });
    let mut reader = BufReader::new(stdout);
    let mut header = String::new();
    let mut buf = Vec::new();
    let bar = progress(args);
    for (_, path) in &entries {
        header.clear();
        reader
            .read_line(&mut header)
            .map_err(|e| format!("git cat-file: {}", e.kind()))?;
        // `<object> blob <size>` or `<object> missing`.
        let size: u64 = match header.trim_end().rsplit_once(' ') {
            Some((_, n)) if header.contains(" blob ") => n
                .parse()
                .map_err(|_| "git cat-file: bad header".to_owned())?,
            _ => {
                gathered.error(path.clone(), "object missing from the index".into());
                continue;
            }
        };
        buf.clear();
        (&mut reader)
            .take(size + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("git cat-file: {}", e.kind()))?;
        buf.pop(); // the newline after each object
        bar.inc(1);
        gathered.add(path.clone(), scanner.scan_file(&buf));
    }
    bar.finish_and_clear();
    let _ = writer.join();
    let _ = child.wait();
    Ok(gathered)
}
