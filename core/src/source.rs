//! Key sources and provenance.
//!
//! A source answers one of three things: keys found, not configured (look at the next
//! source), or an error that stops the search and names the source. A configured but broken
//! source never falls through to a lower one: that is how a stale `.env` key ends up in
//! production.
//!
//! Sources, in the usual order of a [`SourceChain`]:
//! - [`EnvSource`]: `PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`, `PICTIFY_API_KEY_OLD` through an
//!   [`EnvLookup`] (a map, a Worker's `env`, or [`ProcessEnv`](crate::ProcessEnv));
//! - [`SecretFile`]: a mounted secret file, re-read whenever its stat changes (Kubernetes
//!   swaps a `..data` symlink atomically; polling the stat sees it, file watchers miss it);
//! - [`DotEnvFile`]: a `.env` file read into a map, never into the process environment;
//! - [`KeyList`]: keys handed in by the program.
//!
//! Files are read through the [`FileSystem`] shim, so tests and wasm hand in data
//! ([`MemoryFs`]) and native code uses [`StdFs`]. Every key carries its provenance
//! (`env:PICTIFY_API_KEY_NEW`, `file:/var/run/secrets/pictify/api-key`).
//!
//! ```
//! use pictify_keys::source::{EnvSource, KeySource, SourceChain};
//!
//! let vars = [
//!     ("PICTIFY_API_KEY_NEW", "pk_live_FAKE3Wwd25rq4f5zr3a1b2"),
//!     ("PICTIFY_API_KEY_OLD", "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4"),
//! ];
//! let chain = SourceChain::new().with(EnvSource::new(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<std::collections::BTreeMap<_, _>>()));
//! let loaded = chain.load_all()?;
//! assert_eq!(loaded.keys[0].origin(), "env:PICTIFY_API_KEY_NEW");
//! assert_eq!(loaded.keys[1].key().fingerprint(), "pk_live_****c3d4");
//! # Ok::<(), pictify_keys::Error>(())
//! ```

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use zeroize::Zeroizing;

use crate::check::KEY_VARIABLES;
use crate::dotenv::DotEnv;
use crate::env::EnvLookup;
use crate::error::{Error, SourceError};
use crate::key::ApiKey;
use crate::secrets::{is_reference, resolve_value, SecretResolver};

/// A key and where it came from.
#[derive(Clone, PartialEq, Eq)]
pub struct SourcedKey {
    key: ApiKey,
    origin: String,
}

impl SourcedKey {
    /// Pairs a key with its provenance, e.g. `explicit:0`.
    pub fn new(key: ApiKey, origin: impl Into<String>) -> Self {
        Self {
            key,
            origin: origin.into(),
        }
    }

    /// The key.
    pub fn key(&self) -> &ApiKey {
        &self.key
    }

    /// Where it came from: `env:PICTIFY_API_KEY_NEW`, `file:/path`, `env-file:.env:PICTIFY_API_KEY`,
    /// `explicit:0`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Splits into key and provenance.
    pub fn into_parts(self) -> (ApiKey, String) {
        (self.key, self.origin)
    }
}

impl fmt::Debug for SourcedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SourcedKey({} from {})",
            self.key.fingerprint(),
            self.origin
        )
    }
}

/// One source of keys.
pub trait KeySource: Send + Sync {
    /// A short name of the source for messages, e.g. `env` or `file:/var/run/secrets/pictify/api-key`.
    fn name(&self) -> String;

    /// The keys of this source in priority order; `Ok(None)` when the source is not
    /// configured; an error when it is configured but broken.
    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError>;

    /// The name of the file this source was configured with when that file does not exist
    /// (an optional file: not an error by itself). When no source has a key, a chain reports
    /// this ([`SourceError::Missing`]) rather than [`Error::NoKey`], so a mistyped path is
    /// named instead of "set PICTIFY_API_KEY".
    fn missing_file(&self) -> Option<String> {
        None
    }

    /// Like [`load`](KeySource::load), but past any cache of a remote source: called after
    /// the Pictify API refused a key with 401, since a rotated secret may already hold the new
    /// key. Secrets-manager sources refetch (rate-limited); the default is `load`.
    fn refresh(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        self.load()
    }
}

impl<S: KeySource + ?Sized> KeySource for Arc<S> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        (**self).load()
    }
    fn missing_file(&self) -> Option<String> {
        (**self).missing_file()
    }

    fn refresh(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        (**self).refresh()
    }
}

/// Adds `key` unless an equal key is already there (the same key in two variables is used once).
fn push_unique(keys: &mut Vec<SourcedKey>, key: SourcedKey) {
    if !keys.iter().any(|k| k.key == key.key) {
        keys.push(key);
    }
}

/// Reads the key variables from `lookup`, naming each key `{prefix}:{VARIABLE}`.
/// An empty variable counts as unset; a secret reference (`vault://…`) is resolved through
/// `resolver` (its keys are named by the reference); anything else must be a well-formed key.
fn keys_from_lookup(
    lookup: &(impl EnvLookup + ?Sized),
    prefix: &str,
    resolver: Option<&dyn SecretResolver>,
    force: bool,
) -> Result<Option<Vec<SourcedKey>>, SourceError> {
    let mut keys = Vec::new();
    for &variable in KEY_VARIABLES {
        let Some(value) = lookup.get(variable).map(Zeroizing::new) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let origin = format!("{prefix}:{variable}");
        if is_reference(&value) {
            for key in resolve_value(&value, &origin, resolver, force)? {
                push_unique(&mut keys, key);
            }
            continue;
        }
        let key = ApiKey::parse(&value).map_err(|error| SourceError::InvalidKey {
            origin: origin.clone(),
            error,
        })?;
        push_unique(&mut keys, SourcedKey { key, origin });
    }
    Ok(if keys.is_empty() { None } else { Some(keys) })
}

/// Keys from environment variables: `PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
/// `PICTIFY_API_KEY_OLD`, in that order. Provenance `env:<VARIABLE>`.
pub struct EnvSource<L> {
    lookup: L,
    resolver: Option<Arc<dyn SecretResolver>>,
}

impl<L: EnvLookup> EnvSource<L> {
    /// Reads variables through `lookup` (a map, or [`ProcessEnv`](crate::ProcessEnv)).
    pub fn new(lookup: L) -> Self {
        Self {
            lookup,
            resolver: None,
        }
    }

    /// Resolves secret references (`PICTIFY_API_KEY=vault://secret/pictify`) through
    /// `resolver`; without one a reference is `secret_unsupported`.
    pub fn with_resolver(mut self, resolver: Arc<dyn SecretResolver>) -> Self {
        self.resolver = Some(resolver);
        self
    }
}

impl<L> fmt::Debug for EnvSource<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EnvSource")
    }
}

impl<L: EnvLookup + Send + Sync> KeySource for EnvSource<L> {
    fn name(&self) -> String {
        "env".to_owned()
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        keys_from_lookup(&self.lookup, "env", self.resolver.as_deref(), false)
    }

    fn refresh(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        keys_from_lookup(&self.lookup, "env", self.resolver.as_deref(), true)
    }
}

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
    /// [`EnvSource::with_resolver`]).
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

/// Keys handed in by the program, in priority order. Provenance `explicit:<index>`.
#[derive(Clone, Default)]
pub struct KeyList {
    keys: Vec<SourcedKey>,
}

impl KeyList {
    /// Parsed keys, in priority order.
    pub fn new(keys: impl IntoIterator<Item = ApiKey>) -> Self {
        let mut list = Vec::new();
        for (i, key) in keys.into_iter().enumerate() {
            push_unique(
                &mut list,
                SourcedKey {
                    key,
                    origin: format!("explicit:{i}"),
                },
            );
        }
        Self { keys: list }
    }

    /// Parses each value; the first malformed one is an error naming its index.
    pub fn parse<S: AsRef<str>>(values: &[S]) -> Result<Self, SourceError> {
        let mut keys = Vec::with_capacity(values.len());
        for (i, v) in values.iter().enumerate() {
            let key = ApiKey::parse(v.as_ref()).map_err(|error| SourceError::InvalidKey {
                origin: format!("explicit:{i}"),
                error,
            })?;
            keys.push(key);
        }
        Ok(Self::new(keys))
    }

    /// The keys with their provenance, in priority order.
    pub fn into_keys(self) -> Vec<SourcedKey> {
        self.keys
    }
}

impl fmt::Debug for KeyList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.keys).finish()
    }
}

impl KeySource for KeyList {
    fn name(&self) -> String {
        "explicit".to_owned()
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        Ok(if self.keys.is_empty() {
            None
        } else {
            Some(self.keys.clone())
        })
    }
}

/// A key in a lower-priority source that differs from the keys in use: probably stale, and a
/// trap if the higher source disappears. Shown to the user as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShadowedKey {
    /// Where the shadowed key is (`env-file:.env:PICTIFY_API_KEY`).
    pub origin: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// The source whose keys are used instead.
    pub used_source: String,
}

impl ShadowedKey {
    /// The stable warning code: `shadowed_key`.
    pub fn code(&self) -> &'static str {
        "shadowed_key"
    }
}

impl fmt::Display for ShadowedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) is ignored because {} takes precedence; remove it if it is stale",
            self.origin, self.fingerprint, self.used_source
        )
    }
}

/// The result of loading a [`SourceChain`].
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The keys of the first configured source, in priority order.
    pub keys: Vec<SourcedKey>,
    /// That source's name.
    pub source: String,
    /// Keys in lower sources that differ from the ones used.
    pub shadowed: Vec<ShadowedKey>,
}

/// Sources in priority order. The first source that is configured wins; a broken source
/// stops the search with its error.
#[derive(Default)]
pub struct SourceChain {
    sources: Vec<Box<dyn KeySource>>,
}

impl SourceChain {
    /// An empty chain.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a lower-priority source.
    pub fn with(mut self, source: impl KeySource + 'static) -> Self {
        self.sources.push(Box::new(source));
        self
    }

    /// The usual chain for a process: environment variables, then an optional mounted secret
    /// file, then an optional `.env` file.
    pub fn standard(
        env: impl EnvLookup + Send + Sync + 'static,
        secret_file: Option<PathBuf>,
        dotenv: Option<PathBuf>,
    ) -> Self {
        Self::standard_resolving(env, secret_file, dotenv, None)
    }

    /// [`SourceChain::standard`], resolving secret references in the environment and the
    /// `.env` file through `resolver` (e.g. a
    /// [`CachingResolver`](crate::secrets::CachingResolver)).
    pub fn standard_resolving(
        env: impl EnvLookup + Send + Sync + 'static,
        secret_file: Option<PathBuf>,
        dotenv: Option<PathBuf>,
        resolver: Option<Arc<dyn SecretResolver>>,
    ) -> Self {
        let mut env_source = EnvSource::new(env);
        if let Some(r) = &resolver {
            env_source = env_source.with_resolver(Arc::clone(r));
        }
        let mut chain = Self::new().with(env_source);
        if let Some(p) = secret_file {
            chain = chain.with(SecretFile::optional(p));
        }
        if let Some(p) = dotenv {
            let mut file = DotEnvFile::new(p);
            if let Some(r) = &resolver {
                file = file.with_resolver(Arc::clone(r));
            }
            chain = chain.with(file);
        }
        chain
    }

    /// Loads the keys of the first configured source, and lists keys of lower sources that
    /// it shadows (lower sources that fail are not used and not reported). No key anywhere is
    /// [`Error::NoKey`].
    pub fn load_all(&self) -> Result<Loaded, Error> {
        let mut iter = self.sources.iter();
        for source in iter.by_ref() {
            if let Some(keys) = source.load()? {
                let used_source = source.name();
                let mut shadowed = Vec::new();
                for lower in iter {
                    if let Ok(Some(lower_keys)) = lower.load() {
                        for k in lower_keys {
                            if !keys.iter().any(|used| used.key == k.key) {
                                shadowed.push(ShadowedKey {
                                    fingerprint: k.key.fingerprint(),
                                    origin: k.origin,
                                    used_source: used_source.clone(),
                                });
                            }
                        }
                    }
                }
                return Ok(Loaded {
                    keys,
                    source: used_source,
                    shadowed,
                });
            }
        }
        Err(self.nothing_found().map_or(Error::NoKey, Error::from))
    }

    /// No source has a key: a configured file that does not exist, if any, is the likely
    /// reason (a mistyped path), else nothing.
    fn nothing_found(&self) -> Option<SourceError> {
        self.sources
            .iter()
            .find_map(|s| s.missing_file())
            .map(|origin| SourceError::Missing { origin })
    }
}

impl fmt::Debug for SourceChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.sources.iter().map(|s| s.name()))
            .finish()
    }
}

impl KeySource for SourceChain {
    fn name(&self) -> String {
        let names: Vec<String> = self.sources.iter().map(|s| s.name()).collect();
        names.join(" > ")
    }

    /// The keys of the first configured source (shadowing is not reported here). With no key
    /// anywhere, a configured file that does not exist is [`SourceError::Missing`].
    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        for source in &self.sources {
            if let Some(keys) = source.load()? {
                return Ok(Some(keys));
            }
        }
        self.nothing_found().map_or(Ok(None), Err)
    }

    fn missing_file(&self) -> Option<String> {
        self.sources.iter().find_map(|s| s.missing_file())
    }

    /// The first configured source, refreshed past its cache.
    fn refresh(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        for source in &self.sources {
            if let Some(keys) = source.refresh()? {
                return Ok(Some(keys));
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    const NEW: &str = "pk_live_FAKE3Wwd25rq4f5zr3a1b2";
    const OLD: &str = "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4";

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn env_order_and_provenance() {
        let src = EnvSource::new(vars(&[
            ("PICTIFY_API_KEY_OLD", OLD),
            ("PICTIFY_API_KEY_NEW", NEW),
        ]));
        let keys = src.load().unwrap().unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[0].origin(), "env:PICTIFY_API_KEY_NEW");
        assert_eq!(keys[1].origin(), "env:PICTIFY_API_KEY_OLD");
    }

    #[test]
    fn env_unset_and_empty_are_not_configured() {
        assert!(EnvSource::new(vars(&[])).load().unwrap().is_none());
        assert!(EnvSource::new(vars(&[("PICTIFY_API_KEY", "")]))
            .load()
            .unwrap()
            .is_none());
    }

    #[test]
    fn broken_env_stops_the_chain() {
        let fs = Arc::new(MemoryFs::new());
        fs.set(".env", &format!("PICTIFY_API_KEY={OLD}\n"));
        let chain = SourceChain::new()
            .with(EnvSource::new(vars(&[(
                "PICTIFY_API_KEY",
                &format!("{NEW}\n"),
            )])))
            .with(DotEnvFile::with_fs(".env", fs));
        let err = chain.load_all().unwrap_err();
        assert_eq!(err.code(), "whitespace");
        assert!(
            err.to_string().starts_with("env:PICTIFY_API_KEY: "),
            "{err}"
        );
        assert!(!err.to_string().contains("FAKE"));
    }

    #[test]
    fn not_configured_falls_through_and_shadowing_warns() {
        let fs = Arc::new(MemoryFs::new());
        fs.set(".env", &format!("PICTIFY_API_KEY={OLD}\n"));
        let chain = SourceChain::new()
            .with(EnvSource::new(vars(&[])))
            .with(SecretFile::with_fs("/run/secrets/pictify", fs.clone()).missing_ok())
            .with(DotEnvFile::with_fs(".env", fs.clone()));
        let loaded = chain.load_all().unwrap();
        assert_eq!(loaded.keys[0].origin(), "env-file:.env:PICTIFY_API_KEY");
        assert!(loaded.shadowed.is_empty());

        fs.set("/run/secrets/pictify", &format!("{NEW}\n"));
        let loaded = chain.load_all().unwrap();
        assert_eq!(loaded.source, "file:/run/secrets/pictify");
        assert_eq!(loaded.shadowed.len(), 1);
        assert_eq!(loaded.shadowed[0].origin, "env-file:.env:PICTIFY_API_KEY");
        assert_eq!(loaded.shadowed[0].fingerprint, "pk_live_****c3d4");
        assert_eq!(loaded.shadowed[0].code(), "shadowed_key");
    }

    /// New-user trial: `load_keys(dotenv="typo.env")` with no other key said `no_key` ("set
    /// PICTIFY_API_KEY") instead of naming the file that does not exist.
    #[test]
    fn no_key_anywhere_names_a_configured_file_that_does_not_exist() {
        let fs = Arc::new(MemoryFs::new());
        let chain = SourceChain::new()
            .with(EnvSource::new(vars(&[])))
            .with(SecretFile::with_fs("/run/secrets/typo", fs.clone()).missing_ok())
            .with(DotEnvFile::with_fs("typo.env", fs.clone()));
        let err = chain.load_all().unwrap_err();
        assert_eq!(err.code(), "source_missing");
        assert!(err.to_string().contains("file:/run/secrets/typo"), "{err}");
        assert!(err.to_string().contains("does not exist"), "{err}");
        assert_eq!(chain.load().unwrap_err().code(), "source_missing");
        // A missing file stays optional when a key is found elsewhere.
        let chain = SourceChain::new()
            .with(EnvSource::new(vars(&[("PICTIFY_API_KEY", NEW)])))
            .with(DotEnvFile::with_fs("typo.env", fs.clone()));
        assert!(chain.load_all().is_ok());
        // Nothing configured anywhere: no_key.
        let chain = SourceChain::new().with(EnvSource::new(vars(&[])));
        assert_eq!(chain.load_all().unwrap_err().code(), "no_key");
    }

    #[test]
    fn required_secret_file_missing_is_an_error() {
        let src = SecretFile::with_fs("/run/secrets/pictify", MemoryFs::new());
        let err = src.load().unwrap_err();
        assert_eq!(err.code(), "source_missing");
        assert_eq!(err.origin(), "file:/run/secrets/pictify");
    }

    #[test]
    fn secret_file_is_reread_when_its_stamp_changes() {
        let fs = Arc::new(MemoryFs::new());
        fs.set("/s", NEW);
        let src = SecretFile::with_fs("/s", fs.clone());
        assert_eq!(
            src.load().unwrap().unwrap()[0].key().fingerprint(),
            "pk_live_****a1b2"
        );
        fs.set("/s", &format!("{OLD}\r\n"));
        assert_eq!(
            src.load().unwrap().unwrap()[0].key().fingerprint(),
            "pk_live_****c3d4"
        );
        fs.set("/s", &format!("{NEW}\n{OLD}\n"));
        let keys = src.load().unwrap().unwrap();
        assert_eq!(keys[1].origin(), "file:/s#2");
        fs.set("/s", "\n");
        assert_eq!(src.load().unwrap_err().code(), "empty");
        fs.set("/s", &format!(" {NEW}"));
        assert_eq!(src.load().unwrap_err().code(), "whitespace");
    }

    #[test]
    fn dotenv_syntax_error_names_the_file() {
        let fs = MemoryFs::new();
        fs.set(".env", "PICTIFY_API_KEY='unterminated\n");
        let err = DotEnvFile::with_fs(".env", fs).load().unwrap_err();
        assert_eq!(err.code(), "env_file_syntax");
        assert!(err.to_string().starts_with("env-file:.env: "));
    }

    #[test]
    fn explicit_list_and_no_key() {
        let list = KeyList::parse(&[NEW, OLD, NEW]).unwrap();
        let keys = list.load().unwrap().unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(keys[1].origin(), "explicit:1");
        assert_eq!(
            KeyList::parse(&["pk_live_your_api_key"])
                .unwrap_err()
                .code(),
            "placeholder"
        );
        assert_eq!(
            SourceChain::new()
                .with(KeyList::default())
                .load_all()
                .unwrap_err()
                .code(),
            "no_key"
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let list = KeyList::parse(&[NEW]).unwrap();
        let shown = format!("{list:?}");
        assert!(!shown.contains("FAKE"), "{shown}");
    }
}
