//! Sources in priority order ([`SourceChain`]): the first configured source wins, and keys
//! that lower sources hold but the winner does not are reported as [`ShadowedKey`]s.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::error::{Error, SourceError};
use crate::secrets::SecretResolver;
use crate::world::EnvLookup;

use super::{DotEnvFile, EnvSource, KeyList, KeySource, SecretFile, SourcedKey};

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
    /// That source's name (`env`, `file:…`, `env-file:…`, `explicit`).
    pub source_name: String,
    /// Keys in lower sources that differ from the ones used.
    pub shadowed: Vec<ShadowedKey>,
}

/// `{code, origin, fingerprint, usedSource, message}`: a shadowed key as every front end
/// shows it (fingerprint only).
#[cfg(feature = "serde")]
impl serde::Serialize for ShadowedKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("ShadowedKey", 5)?;
        st.serialize_field("code", self.code())?;
        st.serialize_field("origin", &self.origin)?;
        st.serialize_field("fingerprint", &self.fingerprint)?;
        st.serialize_field("usedSource", &self.used_source)?;
        st.serialize_field("message", &self.to_string())?;
        st.end()
    }
}

/// `{keys: [{origin}], source, shadowed}`: a load result as the JavaScript packages show it
/// (`LoadedKeys` in packages/shapes.d.ts), each key by its origin alone; the packages set
/// each entry's `key` to a handle of the key, so no secret is ever serialized.
#[cfg(feature = "serde")]
impl serde::Serialize for Loaded {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        #[derive(serde::Serialize)]
        struct Entry<'a> {
            origin: &'a str,
        }
        let keys: Vec<Entry<'_>> = self
            .keys
            .iter()
            .map(|k| Entry { origin: k.origin() })
            .collect();
        let mut st = s.serialize_struct("Loaded", 3)?;
        st.serialize_field("keys", &keys)?;
        st.serialize_field("source", &self.source_name)?;
        st.serialize_field("shadowed", &self.shadowed)?;
        st.end()
    }
}

/// What a `loadKeys` call asks for, in every front end: keys handed in, else the standard
/// chain over the variables, a mounted secret file and a `.env` file
/// ([`SourceChain::from_options`]).
#[derive(Default)]
pub struct LoadOptions<E> {
    /// Keys handed in by the program; when set, nothing else is read.
    pub keys: Option<KeyList>,
    /// The variables to read the key variables from.
    pub env: E,
    /// A mounted secret file (Kubernetes), used when it exists.
    pub secret_file: Option<PathBuf>,
    /// A `.env` file, read into a map (never into the process environment).
    pub dotenv_file: Option<PathBuf>,
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

    /// The chain `options` describe: the keys handed in and nothing else when there are any,
    /// else [`SourceChain::standard`]. Every front end's `loadKeys` builds its chain here.
    ///
    /// ```
    /// use pictify_keys::source::{KeyList, LoadOptions, SourceChain};
    /// let env = std::collections::HashMap::from([(
    ///     "PICTIFY_API_KEY".to_owned(),
    ///     "pk_test_FAKE9xQ2mN7vB4kL0pRtb9Lm".to_owned(),
    /// )]);
    /// let given = KeyList::parse(&["pk_live_FAKE3Wwd25rq4f5zr3a1b2"])?;
    /// let options = LoadOptions { keys: Some(given), env, ..LoadOptions::default() };
    /// let loaded = SourceChain::from_options(options).load_all()?;
    /// assert_eq!(loaded.source_name, "explicit");
    /// assert_eq!(loaded.keys.len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_options<E: EnvLookup + Send + Sync + 'static>(options: LoadOptions<E>) -> Self {
        match options.keys {
            Some(list) => Self::new().with(list),
            None => Self::standard(options.env, options.secret_file, options.dotenv_file),
        }
    }

    /// [`SourceChain::from_options`], resolving secret references (`vault://…`, `aws-sm://…`,
    /// `gcp-sm://…`) in the variables and the `.env` file with the native resolver configured
    /// from the same variables ([`CachingResolver::native_for`](crate::secrets::CachingResolver::native_for)).
    #[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
    pub fn from_options_resolving<E: EnvLookup + Send + Sync + 'static>(
        options: LoadOptions<E>,
    ) -> Self {
        match options.keys {
            Some(list) => Self::new().with(list),
            None => {
                let resolver = crate::secrets::CachingResolver::native_for(&options.env);
                Self::standard_resolving(
                    options.env,
                    options.secret_file,
                    options.dotenv_file,
                    Some(Arc::new(resolver)),
                )
            }
        }
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
                    source_name: used_source,
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

#[cfg(all(test, feature = "serde", feature = "json"))]
mod serde_tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn a_load_result_serializes_origins_and_shadowed_keys_never_a_secret() {
        let vars = |name: &str, key: &str| BTreeMap::from([(name.to_owned(), key.to_owned())]);
        let chain = SourceChain::new()
            .with(EnvSource::new(vars(
                "PICTIFY_API_KEY",
                "pk_live_FAKE3Wwd25rq4f5zr3a1b2",
            )))
            .with(EnvSource::new(vars(
                "PICTIFY_API_KEY_OLD",
                "pk_live_FAKE9Qx7Lm2Np4Rs6c3d4",
            )));
        let loaded = chain.load_all().unwrap();
        let json = serde_json::to_value(&loaded).unwrap();
        assert_eq!(
            json["keys"],
            serde_json::json!([{"origin": "env:PICTIFY_API_KEY"}])
        );
        assert_eq!(json["source"], "env");
        let shadowed = &json["shadowed"][0];
        assert_eq!(shadowed["code"], "shadowed_key");
        assert_eq!(shadowed["origin"], "env:PICTIFY_API_KEY_OLD");
        assert_eq!(shadowed["fingerprint"], "pk_live_****c3d4");
        assert_eq!(shadowed["usedSource"], "env");
        assert_eq!(shadowed["message"], loaded.shadowed[0].to_string());
        assert!(!json.to_string().contains("FAKE"));
    }
}
