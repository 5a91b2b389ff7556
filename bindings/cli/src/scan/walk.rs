//! Walking trees for `scan`: in parallel, respecting .gitignore, reading each file once.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};
use pictify_keys::scan::{FileOutcome, Scanner};

use super::{display_path, progress, Gathered, ScanArgs};

/// Walks the given paths in parallel, respecting .gitignore (hidden files such as .env are
/// scanned; the .git directory is not).
pub(super) fn scan_tree(args: &ScanArgs, scanner: &Scanner) -> Gathered {
    let roots: Vec<PathBuf> = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let mut builder = WalkBuilder::new(&roots[0]);
    for root in &roots[1..] {
        builder.add(root);
    }
    builder
        .hidden(false)
        .git_ignore(!args.no_ignore)
        .git_global(!args.no_ignore)
        .git_exclude(!args.no_ignore)
        .ignore(!args.no_ignore)
        .parents(!args.no_ignore)
        .require_git(false)
        .filter_entry(|e| e.file_name() != ".git");
    if let Some(n) = args.threads {
        builder.threads(n);
    }
    let bar = progress(args);
    let total = Mutex::new(Gathered::default());
    // Real keys found so far by all walker threads, for the progress message.
    let real = AtomicU64::new(0);
    builder.build_parallel().run(|| {
        let bar = bar.clone();
        let total = &total;
        let real = &real;
        let mut local = Local {
            gathered: Gathered::default(),
            total,
            buf: Vec::new(),
        };
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    local.gathered.error(String::new(), e.to_string());
                    return WalkState::Continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            bar.inc(1);
            let path = display_path(entry.path());
            match read_limited(entry.path(), scanner.max_file_size, &mut local.buf) {
                Ok(None) => local.gathered.add(path, FileOutcome::TooLarge),
                Ok(Some(len)) => {
                    let before = local.gathered.summary.blocking;
                    local
                        .gathered
                        .add(path, scanner.scan_file(&local.buf[..len]));
                    let new = local.gathered.summary.blocking - before;
                    if new > 0 {
                        real.fetch_add(new, Ordering::Relaxed);
                    }
                }
                Err(e) => local.gathered.error(path, e.kind().to_string()),
            }
            if bar.position() % 256 == 0 {
                bar.set_message(format!("{} real key(s)", real.load(Ordering::Relaxed)));
            }
            WalkState::Continue
        })
    });
    bar.finish_and_clear();
    total
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Reads the file at `path` into `buf` (reusing its allocation) unless it is larger than `max`
/// bytes; returns the number of bytes read into `buf[..n]`, or `None` for a file over the
/// limit. One `open`, one `statx` and (for a file that does not change meanwhile) one `read`:
/// the size from the open file bounds the read, and `buf` only grows (it is zeroed once, when
/// it grows). A file that reports size 0 (procfs and the like) is read to its end, up to the
/// limit.
fn read_limited(path: &Path, max: u64, buf: &mut Vec<u8>) -> io::Result<Option<usize>> {
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    if size > max {
        return Ok(None);
    }
    if size == 0 {
        buf.clear();
        file.take(max + 1).read_to_end(buf)?;
        return Ok((buf.len() as u64 <= max).then_some(buf.len()));
    }
    let size = usize::try_from(size).map_err(|_| io::Error::from(io::ErrorKind::OutOfMemory))?;
    if buf.len() < size {
        buf.resize(size, 0);
    }
    let mut filled = 0;
    while filled < size {
        match file.read(&mut buf[filled..size]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(filled))
}

/// A walker thread's results, merged into the total when the thread's visitor is dropped.
struct Local<'a> {
    gathered: Gathered,
    total: &'a Mutex<Gathered>,
    buf: Vec<u8>,
}

impl Drop for Local<'_> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.gathered);
        let mut total = self
            .total
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        total.merge(mine);
    }
}
