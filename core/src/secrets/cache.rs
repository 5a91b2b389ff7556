//! A cached secrets-manager source: TTL with jitter, single-flight refresh,
//! serve-stale-on-error with a warning, and `reload()`.

use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use super::auth::{AuthCache, AuthWorld};
use super::fetch::{fetch_keys_in, FetchOptions, Transport};
use super::reference::SecretRef;
use super::SecretResolver;
use crate::error::SourceError;
use crate::source::{KeySource, SourcedKey};
use crate::world::EnvLookup;
use crate::world::{Clock, FileSystem, StdFs, SystemClock};

/// Cache settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheOptions {
    /// How long a fetched value is fresh, in milliseconds (default 300,000: five minutes, the
    /// AWS agent's and Vault Agent's cadence). A background refresh starts at a point drawn
    /// uniformly from `[ttl/2, 7·ttl/8]`, so a fleet does not refresh in lockstep and readers
    /// do not wait for it; past the TTL a reader waits for a refresh.
    pub ttl_ms: u64,
    /// How long past its freshness a value may still be served when the manager fails, in
    /// milliseconds (default 3,600,000: one hour). Past that the error surfaces.
    pub max_stale_ms: u64,
    /// What each fetch does (Vault overlap).
    pub fetch: FetchOptions,
    /// The shortest interval between two refetches caused by Pictify 401s, in milliseconds
    /// (default 5,000).
    pub min_refetch_ms: u64,
}

impl Default for CacheOptions {
    fn default() -> Self {
        Self {
            ttl_ms: 300_000,
            max_stale_ms: 3_600_000,
            fetch: FetchOptions::default(),
            min_refetch_ms: 5_000,
        }
    }
}

/// A stale value was served because the refresh failed: the code of the failure and the
/// reference. Shown to users as a warning; never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaleWarning {
    /// The reference.
    pub origin: String,
    /// The error code of the failed refresh (`secret_unreachable`, …).
    pub error_code: &'static str,
    /// The failed refresh's message.
    pub message: String,
    /// Age of the value served, in milliseconds since it was fetched.
    pub age_ms: u64,
}

impl StaleWarning {
    /// The stable warning code: `secret_stale`.
    pub fn code(&self) -> &'static str {
        "secret_stale"
    }
}

impl fmt::Display for StaleWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: serving the value fetched {} s ago because the refresh failed: [{}] {}",
            self.origin,
            self.age_ms / 1000,
            self.error_code,
            self.message
        )
    }
}

struct Entry {
    keys: Arc<Vec<SourcedKey>>,
    fetched_ms: u64,
    /// When a background refresh starts (jittered in `[ttl/2, 7·ttl/8]`).
    refresh_at_ms: u64,
    /// When the value stops being fresh and a reader waits for a refresh (`ttl`).
    expires_at_ms: u64,
}

/// A key source backed by a secrets manager. Cheap reads come from the cache; a cold or
/// expired cache is refreshed by exactly one caller while the others wait for its result.
///
/// Refresh ahead: from a point drawn uniformly in `[ttl/2, 7·ttl/8]` after a fetch (so a
/// fleet does not refresh in lockstep) until the TTL, a read returns the cached keys at once
/// and starts one background refresh on its own thread; readers wait only when the value is
/// past its TTL (a cold start, or a background refresh that failed or ran past it). A failed
/// background refresh is retried at most every `ttl/16` (at least one second), keeping the
/// cached keys. On wasm32, which has no threads, the refresh runs in the read that starts it.
///
/// ```no_run
/// # #[cfg(feature = "secrets-http")] {
/// use std::sync::Arc;
/// use pictify_keys::secrets::{NativeTransport, SecretRef, SecretSource};
/// use pictify_keys::{KeySource, ProcessEnv};
///
/// let reference = SecretRef::parse("vault://secret/pictify#api_key", "code")?;
/// let source = SecretSource::new(reference, ProcessEnv, Arc::new(NativeTransport::new()));
/// let keys = source.load()?.unwrap_or_default();
/// println!("{} from {}", keys[0].key(), keys[0].origin()); // pk_live_****a1b2 from vault://…
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct SecretSource {
    inner: Arc<Inner>,
}

struct Inner {
    reference: SecretRef,
    env: Box<dyn EnvLookup + Send + Sync>,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    fs: Arc<dyn FileSystem>,
    auth: Arc<AuthCache>,
    options: CacheOptions,
    entry: RwLock<Option<Entry>>,
    refresh: Mutex<()>,
    warning: Mutex<Option<StaleWarning>>,
    fetches: AtomicU64,
    jitter: RandomState,
    /// A background refresh is running.
    background: AtomicBool,
    /// No background refresh before this time (after one failed).
    background_after_ms: AtomicU64,
}

impl fmt::Debug for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretSource({})", self.inner.reference)
    }
}

impl SecretSource {
    /// A source for `reference`, configured from `env` (VAULT_ADDR, AWS_REGION, …) and
    /// fetching through `transport`, with the default [`CacheOptions`] and the system clock.
    pub fn new(
        reference: SecretRef,
        env: impl EnvLookup + Send + Sync + 'static,
        transport: Arc<dyn Transport>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                reference,
                env: Box::new(env),
                transport,
                clock: Arc::new(SystemClock),
                fs: Arc::new(StdFs),
                auth: Arc::new(AuthCache::new()),
                options: CacheOptions::default(),
                entry: RwLock::new(None),
                refresh: Mutex::new(()),
                warning: Mutex::new(None),
                fetches: AtomicU64::new(0),
                jitter: RandomState::new(),
                background: AtomicBool::new(false),
                background_after_ms: AtomicU64::new(0),
            }),
        }
    }

    /// Applies a setting; settings are for a new source (once a background refresh shares
    /// the source, a late setting is ignored).
    fn set(mut self, apply: impl FnOnce(&mut Inner)) -> Self {
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            apply(inner);
        }
        self
    }

    /// Replaces the cache settings.
    pub fn with_options(self, options: CacheOptions) -> Self {
        self.set(|i| i.options = options)
    }

    /// Replaces the clock (tests, wasm hosts).
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        self.set(|i| i.clock = clock)
    }

    /// Replaces the file system token and key files are read from (`~/.vault-token`, the
    /// Kubernetes service-account token, `GOOGLE_APPLICATION_CREDENTIALS`, …).
    pub fn with_fs(self, fs: Arc<dyn FileSystem>) -> Self {
        self.set(|i| i.fs = fs)
    }

    /// Shares a cache of login credentials (a resolver shares one between its sources).
    pub fn with_auth_cache(self, auth: Arc<AuthCache>) -> Self {
        self.set(|i| i.auth = auth)
    }

    /// The reference this source reads.
    pub fn reference(&self) -> &SecretRef {
        &self.inner.reference
    }

    /// How many fetches were made (each is one read of the manager, two requests with a
    /// fallback), background refreshes included.
    pub fn fetch_count(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// The warning of the last read that served a stale value, if the value is still stale.
    pub fn stale_warning(&self) -> Option<StaleWarning> {
        self.inner.warning.lock().ok().and_then(|w| w.clone())
    }

    /// Keys, from the cache when fresh (starting a background refresh when one is due),
    /// else from one refresh shared by every caller.
    pub fn keys(&self) -> Result<Arc<Vec<SourcedKey>>, SourceError> {
        let now = self.inner.clock.now_ms();
        if let Some((keys, due)) = self.inner.cached(now) {
            if due {
                Inner::start_background(&self.inner, now);
            }
            return Ok(keys);
        }
        self.inner.refresh(false)
    }

    /// Fetches now, whatever the cache holds. On failure the cache is kept and the error
    /// returned.
    pub fn reload(&self) -> Result<Arc<Vec<SourcedKey>>, SourceError> {
        self.inner.refresh(true)
    }

    /// After the Pictify API refused a key (401): fetches now unless the last fetch is less
    /// than [`CacheOptions::min_refetch_ms`] old, so a revoked key costs the manager at most
    /// one read per interval, not one per request. On failure the cached keys are served
    /// (the ring then falls back to the next key).
    pub fn refetch_after_rejection(&self) -> Result<Arc<Vec<SourcedKey>>, SourceError> {
        let inner = &self.inner;
        let now = inner.clock.now_ms();
        let recent = inner.entry.read().ok().and_then(|e| {
            e.as_ref()
                .filter(|e| now.saturating_sub(e.fetched_ms) < inner.options.min_refetch_ms)
                .map(|e| Arc::clone(&e.keys))
        });
        if let Some(keys) = recent {
            return Ok(keys);
        }
        match inner.refresh(true) {
            Ok(k) => Ok(k),
            Err(e) => self.keys().or(Err(e)),
        }
    }
}

impl Inner {
    /// The cached keys while they are within the TTL, and whether a background refresh is
    /// due.
    fn cached(&self, now: u64) -> Option<(Arc<Vec<SourcedKey>>, bool)> {
        let entry = self.entry.read().ok()?;
        let e = entry.as_ref()?;
        (now < e.expires_at_ms).then(|| (Arc::clone(&e.keys), now >= e.refresh_at_ms))
    }

    /// The cached keys, when no refresh is due yet.
    fn fresh(&self, now: u64) -> Option<Arc<Vec<SourcedKey>>> {
        self.cached(now).filter(|(_, due)| !due).map(|(k, _)| k)
    }

    /// Starts one background refresh unless one is running or the last one failed recently.
    fn start_background(this: &Arc<Self>, now: u64) {
        if now < this.background_after_ms.load(Ordering::Acquire)
            || this.background.swap(true, Ordering::AcqRel)
        {
            return;
        }
        let run = {
            let inner = Arc::clone(this);
            move || {
                let before = inner.fetches.load(Ordering::Acquire);
                let now = inner.clock.now_ms();
                let refreshed = inner.refresh(false).is_ok()
                    && inner.fresh(inner.clock.now_ms()).is_some()
                    && inner.fetches.load(Ordering::Acquire) > before;
                if !refreshed {
                    let pause = (inner.options.ttl_ms / 16).max(1000);
                    inner
                        .background_after_ms
                        .store(now.saturating_add(pause), Ordering::Release);
                }
                inner.background.store(false, Ordering::Release);
            }
        };
        #[cfg(not(target_arch = "wasm32"))]
        {
            let spawned = std::thread::Builder::new()
                .name("pictify-secret-refresh".into())
                .spawn(run);
            if spawned.is_err() {
                this.background.store(false, Ordering::Release);
            }
        }
        #[cfg(target_arch = "wasm32")]
        run();
    }

    /// `ttl/2 + uniform[0, 3·ttl/8]`.
    fn refresh_delay(&self) -> u64 {
        let half = self.options.ttl_ms / 2;
        let spread = self.options.ttl_ms / 8 * 3;
        if spread == 0 {
            return self.options.ttl_ms;
        }
        let mut h = self.jitter.build_hasher();
        h.write_u64(self.fetches.load(Ordering::Relaxed));
        half + h.finish() % (spread + 1)
    }

    fn refresh(&self, force: bool) -> Result<Arc<Vec<SourcedKey>>, SourceError> {
        let started = self.fetches.load(Ordering::Acquire);
        // A poisoned lock only means another refresher panicked; the data is still sound.
        let _guard = self.refresh.lock().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now_ms();
        // Someone else refreshed while we waited: use their result (single flight).
        if !force || self.fetches.load(Ordering::Acquire) != started {
            if let Some(k) = self.fresh(now) {
                return Ok(k);
            }
        }
        let world = AuthWorld {
            env: &*self.env,
            fs: &*self.fs,
            transport: &*self.transport,
            cache: &self.auth,
            now_unix: now / 1000,
        };
        let result = fetch_keys_in(&self.reference, &world, self.options.fetch);
        self.fetches.fetch_add(1, Ordering::AcqRel);
        match result {
            Ok(keys) => {
                let keys = Arc::new(keys);
                let entry = Entry {
                    keys: Arc::clone(&keys),
                    fetched_ms: now,
                    refresh_at_ms: now.saturating_add(self.refresh_delay()),
                    expires_at_ms: now.saturating_add(self.options.ttl_ms),
                };
                if let Ok(mut slot) = self.entry.write() {
                    *slot = Some(entry);
                }
                if let Ok(mut w) = self.warning.lock() {
                    *w = None;
                }
                self.background_after_ms.store(0, Ordering::Release);
                Ok(keys)
            }
            Err(error) if !force => {
                let entry = self.entry.read().ok();
                let stale = entry.as_ref().and_then(|e| e.as_ref()).and_then(|e| {
                    let age = now.saturating_sub(e.fetched_ms);
                    (age <= self
                        .options
                        .ttl_ms
                        .saturating_add(self.options.max_stale_ms))
                    .then(|| (Arc::clone(&e.keys), age))
                });
                match stale {
                    Some((keys, age_ms)) => {
                        if let Ok(mut w) = self.warning.lock() {
                            *w = Some(StaleWarning {
                                origin: self.reference.to_string(),
                                error_code: error.code(),
                                message: error.to_string(),
                                age_ms,
                            });
                        }
                        Ok(keys)
                    }
                    None => Err(error),
                }
            }
            Err(error) => Err(error),
        }
    }
}

impl KeySource for SecretSource {
    fn name(&self) -> String {
        self.reference().to_string()
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        Ok(Some(self.keys()?.as_ref().clone()))
    }

    fn refresh(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        Ok(Some(self.refetch_after_rejection()?.as_ref().clone()))
    }
}

/// An [`EnvLookup`] shared between the resolver's sources.
#[derive(Clone)]
struct SharedEnv(Arc<dyn EnvLookup + Send + Sync>);

impl EnvLookup for SharedEnv {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name)
    }
}

/// Resolves references through one cached [`SecretSource`] per reference, configured from
/// one environment (VAULT_ADDR, AWS_REGION, …) and one transport.
pub struct CachingResolver {
    env: SharedEnv,
    transport: Arc<dyn Transport>,
    clock: Arc<dyn Clock>,
    fs: Arc<dyn FileSystem>,
    auth: Arc<AuthCache>,
    options: CacheOptions,
    sources: Mutex<HashMap<SecretRef, Arc<SecretSource>>>,
}

impl fmt::Debug for CachingResolver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.sources.lock().map(|s| s.len()).unwrap_or(0);
        write!(f, "CachingResolver({n} references)")
    }
}

impl CachingResolver {
    /// A resolver reading provider configuration from `env` and fetching through `transport`.
    pub fn new(env: impl EnvLookup + Send + Sync + 'static, transport: Arc<dyn Transport>) -> Self {
        Self {
            env: SharedEnv(Arc::new(env)),
            transport,
            clock: Arc::new(SystemClock),
            fs: Arc::new(StdFs),
            auth: Arc::new(AuthCache::new()),
            options: CacheOptions::default(),
            sources: Mutex::new(HashMap::new()),
        }
    }

    /// The same with the native (blocking reqwest) transport.
    #[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
    pub fn native(env: impl EnvLookup + Send + Sync + 'static) -> Self {
        Self::new(env, Arc::new(super::NativeTransport::new()))
    }

    /// [`native`](Self::native), configured from the provider variables of `env` (the ones
    /// [`SECRET_VARIABLES`](super::SECRET_VARIABLES) names, copied once): what an SDK builds
    /// from the variable map its caller hands in.
    #[cfg(all(feature = "secrets-http", not(target_arch = "wasm32")))]
    pub fn native_for(env: &(impl EnvLookup + ?Sized)) -> Self {
        Self::native(crate::world::EnvSnapshot::capture(
            env,
            super::SECRET_VARIABLES,
        ))
    }

    /// Replaces the cache settings of sources created from now on.
    pub fn with_options(mut self, options: CacheOptions) -> Self {
        self.options = options;
        self
    }

    /// Replaces the clock of sources created from now on.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Replaces the file system of sources created from now on.
    pub fn with_fs(mut self, fs: Arc<dyn FileSystem>) -> Self {
        self.fs = fs;
        self
    }

    /// The cached source for `reference`, created on first use.
    pub fn source(&self, reference: &SecretRef) -> Arc<SecretSource> {
        let mut sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        Arc::clone(sources.entry(reference.clone()).or_insert_with(|| {
            Arc::new(
                SecretSource::new(
                    reference.clone(),
                    self.env.clone(),
                    Arc::clone(&self.transport),
                )
                .with_options(self.options)
                .with_clock(Arc::clone(&self.clock))
                .with_fs(Arc::clone(&self.fs))
                .with_auth_cache(Arc::clone(&self.auth)),
            )
        }))
    }

    /// Warnings of every reference currently served stale.
    pub fn stale_warnings(&self) -> Vec<StaleWarning> {
        let sources = self.sources.lock().unwrap_or_else(|p| p.into_inner());
        sources.values().filter_map(|s| s.stale_warning()).collect()
    }

    /// Refetches every reference resolved so far (after a Pictify 401, or on demand).
    pub fn reload(&self) -> Result<(), SourceError> {
        let sources: Vec<Arc<SecretSource>> = {
            let s = self.sources.lock().unwrap_or_else(|p| p.into_inner());
            s.values().cloned().collect()
        };
        for s in sources {
            s.reload()?;
        }
        Ok(())
    }
}

impl SecretResolver for CachingResolver {
    fn resolve(&self, reference: &SecretRef) -> Result<Vec<SourcedKey>, SourceError> {
        Ok(self.source(reference).keys()?.as_ref().clone())
    }

    fn refresh(&self, reference: &SecretRef) -> Result<Vec<SourcedKey>, SourceError> {
        Ok(self
            .source(reference)
            .refetch_after_rejection()?
            .as_ref()
            .clone())
    }
}
