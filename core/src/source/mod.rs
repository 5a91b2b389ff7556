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

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::error::SourceError;
use crate::key::ApiKey;
use crate::secrets::{is_reference, resolve_value, SecretResolver};
use crate::world::EnvLookup;

mod chain;
mod file;

pub use crate::world::{FileStamp, FileSystem, MemoryFs, StdFs};
pub use chain::{LoadOptions, Loaded, ShadowedKey, SourceChain};
pub use file::{DotEnvFile, SecretFile};

/// The variables that hold keys, in priority order (NEW first during a rotation).
pub const KEY_VARIABLES: &[&str] = &[
    "PICTIFY_API_KEY_NEW",
    "PICTIFY_API_KEY",
    "PICTIFY_API_KEY_OLD",
];

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

/// `pk_live_****a1b2 (env:PICTIFY_API_KEY)`: the fingerprint and the origin, never the secret.
impl fmt::Display for SourcedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.key.fingerprint(), self.origin)
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
    /// this ([`SourceError::Missing`]) rather than [`Error::NoKey`](crate::Error::NoKey), so a mistyped path is
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

/// Keys handed in with their provenance (bindings: keys from the host language).
impl From<Vec<SourcedKey>> for KeyList {
    fn from(keys: Vec<SourcedKey>) -> Self {
        Self { keys }
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
    fn a_sourced_key_shows_its_fingerprint_and_origin_only() {
        let keys = EnvSource::new(vars(&[("PICTIFY_API_KEY", NEW)]))
            .load()
            .unwrap()
            .unwrap();
        assert_eq!(
            keys[0].to_string(),
            "pk_live_****a1b2 (env:PICTIFY_API_KEY)"
        );
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
        assert_eq!(loaded.source_name, "file:/run/secrets/pictify");
        assert_eq!(loaded.shadowed.len(), 1);
        assert_eq!(loaded.shadowed[0].origin, "env-file:.env:PICTIFY_API_KEY");
        assert_eq!(loaded.shadowed[0].fingerprint, "pk_live_****c3d4");
        assert_eq!(loaded.shadowed[0].code(), "shadowed_key");
        #[cfg(feature = "serde")]
        {
            let shape = serde_json::to_value(&loaded.shadowed[0]).unwrap();
            let want = serde_json::json!({
                "code": "shadowed_key",
                "origin": "env-file:.env:PICTIFY_API_KEY",
                "fingerprint": "pk_live_****c3d4",
                "usedSource": "file:/run/secrets/pictify",
                "message": "env-file:.env:PICTIFY_API_KEY (pk_live_****c3d4) is ignored because file:/run/secrets/pictify takes precedence; remove it if it is stale",
            });
            assert_eq!(shape, want);
        }
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
