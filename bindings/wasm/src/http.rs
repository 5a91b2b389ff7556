//! `Client`: the core's request driver ([`pictify_keys::http::Driver`]) over the host's
//! `fetch`. This file supplies only the transport (one `fetch`, a timer, randomness) and
//! conversions; validation, the idempotency key, the attempt cap, the ring loop, the key
//! source re-read on 401 and the answer rules are the core's, as in every other language.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

use js_sys::{Function, Object, Promise, Reflect};
use pictify_keys::http::{
    uuid_v4, Answer, ClientBuilder, Driver, Request, Transport, TransportError,
};
use pictify_keys::secrets::{PrefetchedResolver, SecretResolver};
use pictify_keys::source::{EnvSource, KeyList, KeySource, SourcedKey};
use pictify_keys::{input, SourceError};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::env::env_or_host;
use crate::error::{core_error, invalid_argument};
use crate::ring::keys_from_js;
use crate::{get, HostClock};

/// Per-attempt timeout unless `timeoutMs` says otherwise.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;

fn set(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(name), value);
}

fn call_method(target: &JsValue, name: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f = get(target, name).dyn_into::<Function>()?;
    if arg.is_undefined() {
        f.call0(target)
    } else {
        f.call1(target, arg)
    }
}

/// The host's `fetch` (and `setTimeout`, `crypto`) as the driver's transport; the secrets
/// managers are read through the same `fetch` call ([`FetchTransport::fetch`]).
pub(crate) struct FetchTransport {
    fetch: Function,
    fetch_this: JsValue,
}

impl FetchTransport {
    /// `options.fetch`, else the global `fetch` (called with the global object as `this`, as
    /// Workers require); `invalid_argument` when the runtime has none.
    pub(crate) fn from_options(options: &JsValue) -> Result<Self, JsValue> {
        if let Ok(fetch) = get(options, "fetch").dyn_into::<Function>() {
            return Ok(Self {
                fetch,
                fetch_this: JsValue::UNDEFINED,
            });
        }
        let global: JsValue = js_sys::global().into();
        let fetch = get(&global, "fetch")
            .dyn_into::<Function>()
            .map_err(|_| invalid_argument("no fetch in this runtime: pass options.fetch"))?;
        Ok(Self {
            fetch,
            fetch_this: global,
        })
    }

    /// One `fetch` with a timeout: the response object, its status and its body as text.
    pub(crate) async fn fetch(
        &self,
        method: &str,
        url: &str,
        headers: &Object,
        body: Option<JsValue>,
        timeout: Duration,
    ) -> Result<(JsValue, u16, String), TransportError> {
        let init = Object::new();
        set(&init, "method", &method.into());
        set(&init, "headers", headers);
        if let Some(body) = body {
            set(&init, "body", &body);
        }
        let global: JsValue = js_sys::global().into();
        let ms = JsValue::from_f64(timeout.as_millis() as f64);
        if let Ok(signal) = call_method(&get(&global, "AbortSignal"), "timeout", &ms) {
            set(&init, "signal", &signal);
        }
        let response = match self.fetch.call2(&self.fetch_this, &url.into(), &init) {
            Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
            Err(e) => Err(e),
        }
        .map_err(|e| failure_kind(&e))?;
        let status = get(&response, "status").as_f64().unwrap_or(0.0);
        if !(100.0..=999.0).contains(&status) {
            return Err(TransportError::Other("fetch returned no HTTP status"));
        }
        let text = match call_method(&response, "text", &JsValue::UNDEFINED) {
            Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
            Err(e) => Err(e),
        }
        // The body broke off: the connection failed after the status line.
        .map_err(|e| failure_kind(&e))?;
        Ok((
            response,
            status as u16,
            text.as_string().unwrap_or_default(),
        ))
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: &Request<'_>) -> Result<Answer, TransportError> {
        let headers = Object::new();
        // EXPOSE: the Authorization header is the one place the API needs the secret.
        set(&headers, "Authorization", &request.authorization.into());
        set(&headers, "Accept", &"application/json".into());
        set(&headers, "User-Agent", &request.user_agent.into());
        if let Some(k) = request.idempotency_key {
            set(&headers, "Idempotency-Key", &k.into());
        }
        let body = request.body.map(|body| {
            set(&headers, "Content-Type", &"application/json".into());
            JsValue::from(String::from_utf8_lossy(body).as_ref())
        });
        let (response, status, text) = self
            .fetch(request.method, request.url, &headers, body, request.timeout)
            .await?;
        let header = |name: &str| {
            call_method(&get(&response, "headers"), "get", &name.into())
                .ok()
                .and_then(|v| v.as_string())
        };
        Ok(Answer {
            status,
            retry_after: header("retry-after"),
            request_id: header("x-request-id"),
            body: text.into_bytes(),
        })
    }

    async fn sleep(&self, ms: u64) {
        let global: JsValue = js_sys::global().into();
        let promise = Promise::new(&mut |resolve, _reject| {
            match get(&global, "setTimeout").dyn_into::<Function>() {
                Ok(f) => {
                    let _ = f.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from_f64(ms as f64));
                }
                // No timer in this host: retry at once rather than hang.
                Err(_) => {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
            }
        });
        let _ = JsFuture::from(promise).await;
    }

    fn idempotency_key(&self) -> String {
        let global: JsValue = js_sys::global().into();
        call_method(&get(&global, "crypto"), "randomUUID", &JsValue::UNDEFINED)
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| {
                let r = || (js_sys::Math::random() * 4_294_967_296.0) as u64;
                uuid_v4((r() << 32) | r(), (r() << 32) | r())
            })
    }
}

/// A timeout (`TimeoutError`/`AbortError`) or any other failure (connection).
fn failure_kind(e: &JsValue) -> TransportError {
    match get(e, "name").as_string().as_deref() {
        Some("TimeoutError" | "AbortError") => TransportError::Timeout,
        _ => TransportError::Connection,
    }
}

thread_local! {
    /// The `env` objects clients read their keys from, by slot (a source must be `Send`,
    /// a `JsValue` is not; wasm32 has one thread).
    static ENVS: RefCell<Vec<Option<JsValue>>> = const { RefCell::new(Vec::new()) };
}

/// The key variables of a client's `env` object (or the host environment), re-read when
/// the API refuses a key, as the native clients re-read their sources.
struct JsEnvSource {
    slot: usize,
    /// Secret references read when the client was built (`Client.create`).
    resolver: Option<Arc<PrefetchedResolver>>,
}

impl JsEnvSource {
    fn new(env: JsValue, resolver: Option<Arc<PrefetchedResolver>>) -> Self {
        let slot = ENVS.with(|e| {
            let mut envs = e.borrow_mut();
            match envs.iter().position(Option::is_none) {
                Some(i) => {
                    envs[i] = Some(env);
                    i
                }
                None => {
                    envs.push(Some(env));
                    envs.len() - 1
                }
            }
        });
        Self { slot, resolver }
    }
}

impl Drop for JsEnvSource {
    fn drop(&mut self) {
        // The slot is free again; nothing to do when the thread's storage is already gone.
        let _ = ENVS.try_with(|e| e.borrow_mut()[self.slot] = None);
    }
}

impl KeySource for JsEnvSource {
    fn name(&self) -> String {
        "env".to_owned()
    }

    fn load(&self) -> Result<Option<Vec<SourcedKey>>, SourceError> {
        let env = ENVS.with(|e| e.borrow()[self.slot].clone());
        // The object was checked when the client was built; if it no longer reads, keep the
        // keys we have.
        let Some(map) = env.and_then(|env| env_or_host(&env).ok()) else {
            return Ok(None);
        };
        let source = EnvSource::new(map);
        match &self.resolver {
            Some(r) => source.with_resolver(r.clone()).load(),
            None => source.load(),
        }
    }
}

struct Inner {
    driver: Driver,
    transport: FetchTransport,
}

impl Inner {
    async fn send(&self, method: &str, path: &str, body: JsValue) -> Result<JsValue, JsValue> {
        let json = match crate::json(&body)? {
            serde_json::Value::Null => None,
            json => Some(json),
        };
        let response = self
            .driver
            .request(&self.transport, method, path, json.as_ref())
            .await
            .map_err(|e| core_error(&e))?;
        Ok(crate::to_js(&response))
    }
}

/// A Pictify API client with zero-downtime key rotation.
#[wasm_bindgen]
pub struct Client {
    inner: Rc<Inner>,
}

/// `client.images`: the image endpoints.
#[wasm_bindgen]
pub struct Images {
    inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Client {
    /// `new Client({ env?, keys?, environment?, policy?, baseUrl?, fetch?, timeoutMs?,
    /// maxRetries?, cooldownMs?, baseDelayMs?, maxDelayMs?, retryAfterCapMs?, jitter? })`.
    ///
    /// Keys come from `keys` (key strings, `ApiKey`s or `loadKeys()` entries, NEW first) or
    /// else from the `env` object (`PICTIFY_API_KEY_NEW`, `PICTIFY_API_KEY`,
    /// `PICTIFY_API_KEY_OLD`), which is read again when the API refuses a key, so a rotated
    /// key is picked up. `fetch` defaults to `globalThis.fetch`.
    ///
    /// The environment policy is applied to every key when the client is built: a live key
    /// in development, test or staging throws `live_key_in_development`, a test key in
    /// production `test_key_in_production`, unless `policy` relaxes it. The environment is
    /// `environment` when given, else detected from `env`, else from `process.env` on Node
    /// and Deno; on Workers pass `env` (or `environment`).
    ///
    /// A secret reference in `env` (`vault://…`, `aws-sm://…`) needs a fetch before the
    /// client exists: use `Client.create`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        Self::build(options, None)
    }

    /// `await Client.create(options)`: the client of `new Client(options)`, with the secret
    /// references in `env` (`PICTIFY_API_KEY=vault://secret/pictify`) read through `fetch`
    /// first, with the settings in `env` (`VAULT_ADDR`, `VAULT_TOKEN`, the AWS keys,
    /// `GOOGLE_OAUTH_ACCESS_TOKEN`). Each key's origin is its reference. The values read are
    /// kept for the client's life: a refused key falls back to the next one (AWSPREVIOUS,
    /// Vault's previous version) without reading the manager again.
    #[wasm_bindgen(unchecked_return_type = "Promise<Client>")]
    pub fn create(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Promise {
        future_to_promise(async move {
            let keys = get(&options, "keys");
            let resolver = if keys.is_undefined() || keys.is_null() {
                let map = env_or_host(&get(&options, "env"))?;
                let transport = FetchTransport::from_options(&options)?;
                Some(crate::secrets::prefetch(&map, &transport).await)
            } else {
                None
            };
            Self::build(options, resolver).map(JsValue::from)
        })
    }

    fn build(
        options: JsValue,
        resolver: Option<Arc<PrefetchedResolver>>,
    ) -> Result<Client, JsValue> {
        let keys = get(&options, "keys");
        let env = get(&options, "env");
        let builder = if keys.is_undefined() || keys.is_null() {
            // Read once here for the JavaScript error (`invalid_argument`, `no_key`, a
            // malformed key with its origin); the driver then reads through the source.
            let shared = resolver.clone().map(|r| r as Arc<dyn SecretResolver>);
            crate::source::load_map(env_or_host(&env)?, shared)?;
            ClientBuilder::default().source(JsEnvSource::new(env.clone(), resolver))
        } else {
            ClientBuilder::default().source(KeyList::from(keys_from_js(&keys)?))
        };
        // The plain options, without the env object, the keys and fetch (not JSON).
        let rest = Object::assign(&Object::new(), options.unchecked_ref());
        for name in ["env", "keys", "fetch"] {
            Reflect::delete_property(&rest, &name.into())?;
        }
        let o = crate::json(&rest)?;
        let detection = match input::detection(&o["environment"]).map_err(|e| core_error(&e))? {
            Some(detection) => detection,
            None => pictify_keys::detect_environment(&env_or_host(&env)?),
        };
        let timeout_ms = o["timeoutMs"]
            .as_f64()
            .filter(|t| *t > 0.0)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        let ring_config = input::ring_config(&o).map_err(|e| core_error(&e))?;
        let mut builder = builder
            .environment(detection)
            .policy(input::policy(&o["policy"]))
            .ring_config(ring_config)
            .clock(Arc::new(HostClock))
            .timeout(Duration::from_millis(timeout_ms as u64))
            .user_agent("wasm", env!("CARGO_PKG_VERSION"));
        if let Some(url) = o["baseUrl"].as_str() {
            builder = builder.base_url(url);
        }
        let driver = builder.build_driver().map_err(|e| core_error(&e))?;
        let transport = FetchTransport::from_options(&options)?;
        Ok(Self {
            inner: Rc::new(Inner { driver, transport }),
        })
    }

    /// Sends `method path` with an optional JSON `body`. Resolves to `{ status, body,
    /// keyFingerprint, keyOrigin, attempts, fallbacks }`; rejects with a `PictifyKeyError`
    /// whose `.code` is `unauthorized`, `http_timeout`, `http_connection`, `rate_limited`,
    /// `server_error`, `http_status`, `invalid_request`, `invalid_response` or `http_transport`.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse>")]
    pub fn request(
        &self,
        method: String,
        path: String,
        #[wasm_bindgen(unchecked_param_type = "unknown | undefined")] body: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move { inner.send(&method, &path, body).await })
    }

    /// The image endpoints (`client.images.create({...})`).
    #[wasm_bindgen(getter)]
    pub fn images(&self) -> Images {
        Images {
            inner: self.inner.clone(),
        }
    }

    /// Usage of every key, in priority order (see `KeyRing.stats`).
    #[wasm_bindgen(unchecked_return_type = "KeyStats[]")]
    pub fn stats(&self) -> JsValue {
        crate::to_js(&self.inner.driver.stats())
    }

    /// Re-reads the keys from `env` now; a key the environment policy refuses keeps the
    /// current keys and throws.
    #[wasm_bindgen(js_name = reloadKeys)]
    pub fn reload_keys(&self) -> Result<(), JsValue> {
        self.inner.driver.reload_keys().map_err(|e| core_error(&e))
    }
}

#[wasm_bindgen]
impl Images {
    /// Renders an image: `POST /image` with `options` as the JSON body.
    #[wasm_bindgen(unchecked_return_type = "Promise<ApiResponse<{ id: string; url: string }>>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] options: JsValue,
    ) -> Promise {
        let inner = self.inner.clone();
        future_to_promise(async move { inner.send("POST", "/image", options).await })
    }
}
