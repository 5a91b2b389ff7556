//! Files, read through [`FileSystem`] so tests and wasm hand in data: the real [`StdFs`], the
//! in-memory [`MemoryFs`], and the [`FileStamp`] change marker both give.

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

/// A change marker for a file: size, modification time and (on Unix) device and inode.
/// Kubernetes' atomic `..data` symlink swap changes the inode behind the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FileStamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time in nanoseconds since the Unix epoch (0 when unknown).
    pub modified_ns: u128,
    /// Device id (0 where unknown).
    pub dev: u64,
    /// Inode (0 where unknown).
    pub ino: u64,
    /// A version counter for in-memory file systems (0 for real files).
    pub version: u64,
}

/// Read access to files, injectable so tests and wasm hand in data.
pub trait FileSystem: Send + Sync {
    /// The change marker of the file at `path` (following symlinks).
    fn stamp(&self, path: &Path) -> io::Result<FileStamp>;
    /// The whole content of the file at `path`.
    fn read(&self, path: &Path) -> io::Result<Zeroizing<String>>;
}

/// The real file system (std only).
#[derive(Debug, Clone, Copy, Default)]
pub struct StdFs;

impl FileSystem for StdFs {
    fn stamp(&self, path: &Path) -> io::Result<FileStamp> {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a regular file",
            ));
        }
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        Ok(FileStamp {
            len: meta.len(),
            modified_ns,
            dev,
            ino,
            version: 0,
        })
    }

    fn read(&self, path: &Path) -> io::Result<Zeroizing<String>> {
        std::fs::read_to_string(path).map(Zeroizing::new)
    }
}

/// An in-memory file system for tests and hosts without files (wasm): the host sets the
/// content of a path, and every change bumps the file's stamp.
#[derive(Default)]
pub struct MemoryFs {
    files: Mutex<HashMap<PathBuf, (Zeroizing<String>, u64)>>,
}

impl MemoryFs {
    /// An empty file system.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates or replaces a file.
    pub fn set(&self, path: impl Into<PathBuf>, content: &str) {
        let mut files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let path = path.into();
        let version = files.get(&path).map_or(1, |(_, v)| v + 1);
        files.insert(path, (Zeroizing::new(content.to_owned()), version));
    }

    /// Deletes a file.
    pub fn remove(&self, path: &Path) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
    }
}

impl fmt::Debug for MemoryFs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        f.debug_struct("MemoryFs")
            .field("paths", &files.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl FileSystem for MemoryFs {
    fn stamp(&self, path: &Path) -> io::Result<FileStamp> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        let (content, version) = files
            .get(path)
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))?;
        Ok(FileStamp {
            len: content.len() as u64,
            version: *version,
            ..FileStamp::default()
        })
    }

    fn read(&self, path: &Path) -> io::Result<Zeroizing<String>> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files
            .get(path)
            .map(|(c, _)| c.clone())
            .ok_or_else(|| io::Error::from(io::ErrorKind::NotFound))
    }
}

impl<F: FileSystem + ?Sized> FileSystem for Arc<F> {
    fn stamp(&self, path: &Path) -> io::Result<FileStamp> {
        (**self).stamp(path)
    }
    fn read(&self, path: &Path) -> io::Result<Zeroizing<String>> {
        (**self).read(path)
    }
}
