//! `Client`: authenticated calls to the Pictify API over the host's `fetch`, driving the
//! core's key ring (mirrors `core/src/http.rs`; design contract 6).
//!
//! Every decision (which key, fall back on 401, retry on 408/409/429/5xx/timeouts/connection
//! errors, how long to wait, when to give up) comes from [`pictify_keys::KeyRing`]; this file
//! only performs the `fetch`, waits, and converts results and errors.

use std::rc::Rc;
use std::sync::Arc;

use js_sys::{Function, Object, Promise, Reflect};
use pictify_keys::error::{api_code_of, request_id_of};
use pictify_keys::ring::{Decision, Outcome};
use pictify_keys::HttpError;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::env::{detection_from_js, env_or_host, policy_from_js};
use crate::error::{core_error, http_error, invalid_argument, policy_error};
use crate::ring::{config_from_js, keys_from_js, KeyRing};
use crate::source::load_sourced;

/// The Pictify API.
pub const DEFAULT_BASE_URL: &str = "https://api.pictify.io";
/// Per-attempt timeout unless `timeoutMs` says otherwise.
pub const DEFAULT_TIMEOUT_MS: f64 = 30_000.0;
const USER_AGENT: &str = concat!("pictify-keys-wasm/", env!("CARGO_PKG_VERSION"));

fn get(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() || obj.is_function() {
        Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

fn set(obj: &Object, name: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(name), value);
}

struct Inner {
    ring: Arc<pictify_keys::KeyRing>,
    base_url: String,
    fetch: Function,
    fetch_this: JsValue,
    timeout_ms: f64,
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
    /// `PICTIFY_API_KEY_OLD`). `fetch` defaults to `globalThis.fetch`.
    ///
    /// The environment policy is applied to every key when the client is built: a live key
    /// in development, test or staging throws `live_key_in_development`, a test key in
    /// production `test_key_in_production`, unless `policy` relaxes it. The environment is
    /// `environment` when given, else detected from `env`, else from `process.env` on Node
    /// and Deno; on Workers pass `env` (or `environment`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "ClientOptions")] options: JsValue,
    ) -> Result<Client, JsValue> {
        let keys = get(&options, "keys");
        let env = get(&options, "env");
        let keys = if keys.is_undefined() || keys.is_null() {
            load_sourced(&env)?
        } else {
            keys_from_js(&keys)?
        };
        // The environment policy, applied to every key before any request (strict unless
        // `policy` relaxes it): the environment as given, else detected from `env`, else from
        // the host environment (Node, Deno); Workers must pass `env` or `environment`.
        let environment = get(&options, "environment");
        let detection = if environment.is_undefined() || environment.is_null() {
            pictify_keys::detect_environment(&env_or_host(&env)?)
        } else {
            detection_from_js(&environment)?
        };
        pictify_keys::check::check_client_keys(
            &keys,
            &detection,
            policy_from_js(&get(&options, "policy")),
        )
        .map_err(|e| policy_error(&e))?;
        let ring = KeyRing::from_keys(keys, config_from_js(&options))?.core();
        let base_url = get(&options, "baseUrl")
            .as_string()
            .unwrap_or_else(|| DEFAULT_BASE_URL.to_owned());
        let base_url = base_url.trim_end_matches('/').to_owned();
        if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
            return Err(http_error(&HttpError::InvalidRequest {
                reason: "baseUrl must start with https:// or http://",
            }));
        }
        let (fetch, fetch_this) = match get(&options, "fetch").dyn_into::<Function>() {
            Ok(f) => (f, JsValue::UNDEFINED),
            Err(_) => {
                let global: JsValue = js_sys::global().into();
                let f = get(&global, "fetch").dyn_into::<Function>().map_err(|_| {
                    invalid_argument("no fetch in this runtime: pass options.fetch")
                })?;
                // Workers require `this` to be the global object when calling fetch.
                (f, global)
            }
        };
        let timeout_ms = get(&options, "timeoutMs")
            .as_f64()
            .filter(|t| *t > 0.0)
            .unwrap_or(DEFAULT_TIMEOUT_MS);
        Ok(Self {
            inner: Rc::new(Inner {
                ring,
                base_url,
                fetch,
                fetch_this,
                timeout_ms,
            }),
        })
    }

    /// Sends `method path` with an optional JSON `body`. Resolves to `{ status, body,
    /// attempts, keySource, fallbacks }`; rejects with an `Error` whose `.code` is
    /// `unauthorized`, `http_timeout`, `http_connection`, `rate_limited`, `server_error`,
    /// `http_status`, `invalid_request` or `invalid_response`.
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
    pub fn stats(&self) -> js_sys::Array {
        KeyRing::wrap(self.inner.ring.clone()).stats()
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

/// How one `fetch` ended.
enum Sent {
    Answer {
        status: u16,
        retry_after: Option<String>,
        /// The `X-Request-Id` header as sent (checked by `request_id_of` before use).
        request_id: Option<String>,
        text: String,
    },
    Failed(Outcome<'static>),
}

impl Inner {
    async fn send(&self, method: &str, path: &str, body: JsValue) -> Result<JsValue, JsValue> {
        let method = method.to_ascii_uppercase();
        if !matches!(
            method.as_str(),
            "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD"
        ) {
            return Err(http_error(&HttpError::InvalidRequest {
                reason: "unsupported HTTP method",
            }));
        }
        if !path.starts_with('/') {
            return Err(http_error(&HttpError::InvalidRequest {
                reason: "path must start with /",
            }));
        }
        let url = format!("{}{}", self.base_url, path);
        let json = if body.is_undefined() || body.is_null() {
            None
        } else {
            let text = js_sys::JSON::stringify(&body).map_err(|_| {
                http_error(&HttpError::InvalidRequest {
                    reason: "body is not JSON-serialisable",
                })
            })?;
            text.as_string()
        };
        // One idempotency key per logical POST, reused on every retry and fallback.
        let idempotency_key = if method == "POST" {
            Some(random_uuid()?)
        } else {
            None
        };

        let mut req = self.ring.begin_request();
        // The API's code and request id of the last 401, reported if every key is refused.
        let mut refusal: (Option<String>, Option<String>) = (None, None);
        loop {
            let attempt = self.ring.attempt(&mut req).map_err(|e| core_error(&e))?;
            let sent = self
                .fetch_once(
                    &method,
                    &url,
                    attempt.key(),
                    idempotency_key.as_deref(),
                    json.as_deref(),
                )
                .await?;
            let (decision, answer) = match &sent {
                Sent::Answer {
                    status,
                    retry_after,
                    text,
                    ..
                } => (
                    self.ring.on_outcome(
                        &mut req,
                        &attempt,
                        Outcome::Response {
                            status: *status,
                            retry_after: retry_after.as_deref(),
                        },
                    ),
                    Some((*status, text)),
                ),
                Sent::Failed(outcome) => (self.ring.on_outcome(&mut req, &attempt, *outcome), None),
            };
            if let Sent::Answer {
                status: 401,
                request_id,
                text,
                ..
            } = &sent
            {
                refusal = (api_code(text), request_id_of(request_id.as_deref()));
            }
            match decision {
                Decision::Done => {
                    let (status, text) = answer.ok_or_else(|| invalid_argument("no answer"))?;
                    let request_id = match &sent {
                        Sent::Answer { request_id, .. } => request_id_of(request_id.as_deref()),
                        Sent::Failed(_) => None,
                    };
                    return finish(status, text, request_id, &req, attempt.source());
                }
                Decision::TryNextKey => continue,
                Decision::Retry { delay_ms } => sleep(delay_ms as f64).await?,
                Decision::Fail(HttpError::Unauthorized { tried, .. }) => {
                    let (api_code, request_id) = refusal;
                    return Err(http_error(&HttpError::Unauthorized {
                        tried,
                        api_code,
                        request_id,
                    }));
                }
                Decision::Fail(e) => return Err(http_error(&e)),
            }
        }
    }

    async fn fetch_once(
        &self,
        method: &str,
        url: &str,
        key: &pictify_keys::ApiKey,
        idempotency_key: Option<&str>,
        body: Option<&str>,
    ) -> Result<Sent, JsValue> {
        let headers = Object::new();
        // EXPOSE: the Authorization header is the one place the API needs the secret.
        set(
            &headers,
            "Authorization",
            &format!("Bearer {}", key.expose_secret()).into(),
        );
        set(&headers, "Accept", &"application/json".into());
        set(&headers, "User-Agent", &USER_AGENT.into());
        if let Some(k) = idempotency_key {
            set(&headers, "Idempotency-Key", &k.into());
        }
        let init = Object::new();
        set(&init, "method", &method.into());
        set(&init, "headers", &headers);
        if let Some(b) = body {
            set(&headers, "Content-Type", &"application/json".into());
            set(&init, "body", &b.into());
        }
        if let Some(signal) = timeout_signal(self.timeout_ms) {
            set(&init, "signal", &signal);
        }
        let called = self.fetch.call2(&self.fetch_this, &url.into(), &init);
        let response = match called {
            Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
            Err(e) => Err(e),
        };
        let response = match response {
            Ok(r) => r,
            Err(e) => return Ok(Sent::Failed(failure_kind(&e))),
        };
        let status = get(&response, "status").as_f64().unwrap_or(0.0);
        if !(100.0..=999.0).contains(&status) {
            return Err(http_error(&HttpError::Transport {
                kind: "fetch returned no HTTP status",
            }));
        }
        let header = |name: &str| {
            get(&response, "headers")
                .dyn_into::<Object>()
                .ok()
                .and_then(|h| call_method(&h, "get", &name.into()).ok())
                .and_then(|v| v.as_string())
        };
        let retry_after = header("retry-after");
        let request_id = header("x-request-id");
        let text = match call_method(&response, "text", &JsValue::UNDEFINED) {
            Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
            Err(e) => Err(e),
        };
        Ok(match text {
            Ok(t) => Sent::Answer {
                status: status as u16,
                retry_after,
                request_id,
                text: t.as_string().unwrap_or_default(),
            },
            // The body broke off: the connection failed after the status line.
            Err(e) => Sent::Failed(failure_kind(&e)),
        })
    }
}

/// The API's error code from an error body (`{"error": {"code": …}}`), when it is plain.
fn api_code(text: &str) -> Option<String> {
    let body = js_sys::JSON::parse(text).ok()?;
    let error = get(&body, "error");
    if !error.is_object() {
        return None;
    }
    api_code_of(get(&error, "code").as_string().as_deref())
}

/// `{ status, body, attempts, keySource, fallbacks }` for a finished request; a non-2xx
/// final answer becomes an `http_status` error with the API's own message.
fn finish(
    status: u16,
    text: &str,
    request_id: Option<String>,
    req: &pictify_keys::ring::RequestState,
    source: &str,
) -> Result<JsValue, JsValue> {
    let parsed = if text.trim().is_empty() {
        Ok(JsValue::NULL)
    } else {
        js_sys::JSON::parse(text)
    };
    if !(200..=299).contains(&status) {
        let message = parsed
            .ok()
            .and_then(|v| {
                let m = get(&v, "message");
                let m = if m.is_undefined() {
                    get(&v, "error")
                } else {
                    m
                };
                let m = if m.is_object() { get(&m, "message") } else { m };
                m.as_string()
            })
            .map(|m| pictify_keys::redact(&m).into_owned());
        return Err(http_error(&HttpError::Status {
            status,
            message,
            api_code: api_code(text),
            request_id,
        }));
    }
    let body = parsed.map_err(|_| http_error(&HttpError::InvalidResponse { status }))?;
    let out = Object::new();
    set(&out, "status", &JsValue::from_f64(f64::from(status)));
    set(&out, "body", &body);
    set(
        &out,
        "attempts",
        &JsValue::from_f64(f64::from(req.attempts())),
    );
    set(&out, "keySource", &source.into());
    let fallbacks = js_sys::Array::new();
    for e in req.fallbacks() {
        let o = Object::new();
        set(&o, "fromFingerprint", &e.from_fingerprint.as_str().into());
        set(&o, "fromSource", &e.from_source.as_str().into());
        set(&o, "toFingerprint", &e.to_fingerprint.as_str().into());
        set(&o, "toSource", &e.to_source.as_str().into());
        fallbacks.push(&o);
    }
    set(&out, "fallbacks", &fallbacks);
    Ok(out.into())
}

fn call_method(target: &JsValue, name: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    let f = get(target, name).dyn_into::<Function>()?;
    if arg.is_undefined() {
        f.call0(target)
    } else {
        f.call1(target, arg)
    }
}

/// A timeout (`TimeoutError`/`AbortError`) or any other failure (connection).
fn failure_kind(e: &JsValue) -> Outcome<'static> {
    match get(e, "name").as_string().as_deref() {
        Some("TimeoutError" | "AbortError") => Outcome::Timeout,
        _ => Outcome::ConnectionError,
    }
}

/// `AbortSignal.timeout(ms)` where the runtime has it.
fn timeout_signal(ms: f64) -> Option<JsValue> {
    let global: JsValue = js_sys::global().into();
    let abort_signal = get(&global, "AbortSignal");
    call_method(&abort_signal, "timeout", &JsValue::from_f64(ms)).ok()
}

/// `crypto.randomUUID()`.
fn random_uuid() -> Result<String, JsValue> {
    let global: JsValue = js_sys::global().into();
    call_method(&get(&global, "crypto"), "randomUUID", &JsValue::UNDEFINED)
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| {
            http_error(&HttpError::Transport {
                kind: "crypto.randomUUID is not available",
            })
        })
}

/// Waits `ms` milliseconds with the host's `setTimeout`.
async fn sleep(ms: f64) -> Result<(), JsValue> {
    let global: JsValue = js_sys::global().into();
    let set_timeout = get(&global, "setTimeout").dyn_into::<Function>()?;
    let promise = Promise::new(&mut |resolve, _reject| {
        let _ = set_timeout.call2(&JsValue::UNDEFINED, &resolve, &JsValue::from_f64(ms));
    });
    JsFuture::from(promise).await.map(|_| ())
}
