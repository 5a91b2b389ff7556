//! Key sources backed by a file: a mounted secret file ([`SecretFile`]) and a `.env` file
//! ([`DotEnvFile`]), each re-read when the file's stamp changes.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use crate::dotenv::DotEnv;
use crate::env::EnvLookup;
use crate::error::SourceError;
use crate::key::ApiKey;
use crate::secrets::{is_reference, SecretResolver};
use crate::world::{FileStamp, FileSystem, StdFs};

use super::{keys_from_lookup, push_unique, KeySource, SourcedKey, KEY_VARIABLES};

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::InvalidData => "not valid UTF-8 text".to_owned(),
        io::ErrorKind::InvalidInput => "not a regular file".to_owned(),
        kind => kind.to_string(),
    }
}

/// What the source does when its file does not exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WhenMissing {
    Error,
    NotConfigured,
}

/// The last read of a file and the stamp it was read at.
struct Cached<T> {
    stamp: FileStamp,
    value: T,
}

/// A mounted secret file (Kubernetes secret volume, Docker secret) holding one key, or
/// several keys one per line in priority order (NEW first). Provenance `file:<path>`, or
/// `file:<path>#<line>` for the second key on.
///
/// The file's stamp is checked on every [`load`](KeySource::load) and the file re-read when
/// it changed, so a rotated secret is picked up without a restart. A final line break is
/// expected in files and ignored; blank lines are skipped; any other whitespace is an error.
pub struct SecretFile<F = StdFs> {
    path: PathBuf,
    fs: F,
    when_missing: WhenMissing,
    cache: Mutex<Option<Cached<Vec<SourcedKey>>>>,
}

impl SecretFile<StdFs> {
    /// A file that must exist: a missing file is an error ([`SourceError::Missing`]).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self::with_fs(path, StdFs)
    }

    /// A file that may be absent: a missing file means "not configured".
    pub fn optional(path: impl Into<PathBuf>) -> Self {
        let mut s = Self::with_fs(path, StdFs);
        s.when_missing = WhenMissing::NotConfigured;
        s
    }
}

impl<F: FileSystem> SecretFile<F> {
    /// A required file read through `fs`.
    pub fn with_fs(path: impl Into<PathBuf>, fs: F) -> Self {
        Self {
            path: path.into(),
            fs,
            when_missing: WhenMissing::Error,
            cache: Mutex::new(None),
        }
    }

    /// Makes a missing file mean "not configured" instead of an error.
    pub fn missing_ok(mut self) -> Self {
        self.when_missing = WhenMissing::NotConfigured;
        self
    }

    fn origin(&self) -> String {
        format!("file:{}", self.path.display())
    }

    fn parse(&self, text: &str) -> Result<Vec<SourcedKey>, SourceError> {
        let origin = self.origin();
        let mut keys = Vec::new();
        let lines = text
            .strip_suffix('\n')
            .map(|t| t.strip_suffix('\r').unwrap_or(t))
            .unwrap_or(text);
        for (i, line) in lines.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            let origin = if i == 0 {
                origin.clone()
            } else {
                format!("{origin}#{}", i + 1)
            };
            let key = ApiKey::parse(line).map_err(|error| SourceError::InvalidKey {
                origin: origin.clone(),
                error,
            })?;
            push_unique(&mut keys, SourcedKey { key, origin });
        }
        if keys.is_empty() {
            return Err(SourceError::InvalidKey {
                origin,
                error: crate::error::KeyError::Empty,
            });
        }
        Ok(keys)
    }
}

impl<F> fmt::Debug for SecretFile<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<F: FileSystem> KeySource for SecretFile<F> {
    fn name(&self) -> String {
        self.origin()
    }

    fn missing_file(&self) -> Option<String> {
        match self.fs.stamp(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some(self.origin()),
            _ => None,
        }
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        let stamp = match self.fs.stamp(&self.path) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                *self.cache.lock().unwrap_or_else(|e| e.into_inner()) = None;
                return match self.when_missing {
                    WhenMissing::NotConfigured => Ok(None),
                    WhenMissing::Error => Err(SourceError::Missing {
                        origin: self.origin(),
                    }),
                };
            }
            Err(e) => {
                return Err(SourceError::Unreadable {
                    origin: self.origin(),
                    reason: io_reason(&e),
                })
            }
        };
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.stamp == stamp {
                return Ok(Some(c.value.clone()));
            }
        }
        let text = self
            .fs
            .read(&self.path)
            .map_err(|e| SourceError::Unreadable {
                origin: self.origin(),
                reason: io_reason(&e),
            })?;
        let keys = self.parse(&text)?;
        *cache = Some(Cached {
            stamp,
            value: keys.clone(),
        });
        Ok(Some(keys))
    }
}

/// A `.env` file, read into a map (never into the process environment) and searched for the
/// key variables. Provenance `env-file:<path>:<VARIABLE>`. A missing file means "not
/// configured"; an unreadable or malformed one is an error. Re-read when its stamp changes.
pub struct DotEnvFile<F = StdFs> {
    path: PathBuf,
    fs: F,
    cache: Mutex<Option<Cached<Option<Vec<SourcedKey>>>>>,
    resolver: Option<Arc<dyn SecretResolver>>,
}

impl DotEnvFile<StdFs> {
    /// The `.env` file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self::with_fs(path, StdFs)
    }
}

impl<F: FileSystem> DotEnvFile<F> {
    /// The `.env` file at `path`, read through `fs`.
    pub fn with_fs(path: impl Into<PathBuf>, fs: F) -> Self {
        Self {
            path: path.into(),
            fs,
            cache: Mutex::new(None),
            resolver: None,
        }
    }

    /// Resolves secret references in the file through `resolver` (see
    /// [`EnvSource::with_resolver`](super::EnvSource::with_resolver)).
    pub fn with_resolver(mut self, resolver: Arc<dyn SecretResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }

    fn origin(&self) -> String {
        format!("env-file:{}", self.path.display())
    }
}

impl<F> fmt::Debug for DotEnvFile<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DotEnvFile")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<F: FileSystem> KeySource for DotEnvFile<F> {
    fn name(&self) -> String {
        self.origin()
    }

    fn missing_file(&self) -> Option<String> {
        match self.fs.stamp(&self.path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Some(self.origin()),
            _ => None,
        }
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        let origin = self.origin();
        let stamp = match self.fs.stamp(&self.path) {
            Ok(s) => s,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SourceError::Unreadable {
                    origin,
                    reason: io_reason(&e),
                })
            }
        };
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = cache.as_ref() {
            if c.stamp == stamp {
                return Ok(c.value.clone());
            }
        }
        let text = self
            .fs
            .read(&self.path)
            .map_err(|e| SourceError::Unreadable {
                origin: origin.clone(),
                reason: io_reason(&e),
            })?;
        let env = DotEnv::parse(&text).map_err(|error| SourceError::DotEnv {
            origin: origin.clone(),
            error,
        })?;
        let keys = keys_from_lookup(&env, &origin, self.resolver.as_deref(), false)?;
        // Keys resolved from a secrets manager have their own cache and TTL: only plain keys
        // are kept until the file changes.
        let has_reference = KEY_VARIABLES
            .iter()
            .any(|v| env.get(v).is_some_and(|value| is_reference(&value)));
        *cache = (!has_reference).then(|| Cached {
            stamp,
            value: keys.clone(),
        });
        Ok(keys)
    }
}
