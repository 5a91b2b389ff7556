//! A Pictify API stand-in for tests in every language: a small HTTP/1.1 server on a loopback
//! port that authenticates `Authorization: Bearer pk_…` keys (active, revoked, not yet
//! active), serves `POST /image` with server-side `Idempotency-Key` deduplication, plays
//! scripted failures (401, 429 with `Retry-After`, 503, a slow answer, a dropped connection)
//! and records every request on an admin endpoint. See README.md for the admin API.
//!
//! This is a test tool, not shipped. It only ever binds loopback addresses.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use pictify_keys::ApiKey;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// The state of a key on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Accepted.
    Active,
    /// Refused with 401 `revoked_api_key`.
    Revoked,
    /// Created but not yet active: refused with 401 `key_not_active`.
    Pending,
}

/// A key the server knows.
#[derive(Clone, Serialize, Deserialize)]
pub struct KeyConfig {
    /// The full key (test fixtures only: bodies start with `FAKE`).
    pub key: String,
    /// Its state (default active).
    #[serde(default = "active")]
    pub status: KeyStatus,
}

fn active() -> KeyStatus {
    KeyStatus::Active
}

impl fmt::Debug for KeyConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "KeyConfig({} {:?})",
            fingerprint(&self.key).unwrap_or_else(|| "malformed".into()),
            self.status
        )
    }
}

/// What a scripted failure does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// Answer with this status (e.g. 401, 429, 503) without executing the request.
    Status {
        /// The status.
        status: u16,
        /// A `Retry-After` header value (seconds or an HTTP date).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
    },
    /// Execute the request, then wait this long before answering (a client timeout sees a
    /// request that did run).
    Slow {
        /// The delay in milliseconds.
        delay_ms: u64,
    },
    /// Close the connection without an answer, before executing the request.
    Drop,
}

/// A failure to play on matching requests (after authentication).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Only requests with this method (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Only requests to this path (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Only requests with the key of this fingerprint, e.g. `pk_live_****a1b2` (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_fingerprint: Option<String>,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub times: u32,
    /// What to do.
    #[serde(flatten)]
    pub action: Action,
}

fn one() -> u32 {
    1
}

/// The server configuration (also the JSON config file format).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Config {
    /// Known keys.
    #[serde(default)]
    pub keys: Vec<KeyConfig>,
    /// Scripted failures, applied in order.
    #[serde(default)]
    pub failures: Vec<Failure>,
}

/// One request as the server saw it. Never holds a key, only its fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// 1-based arrival order.
    pub seq: u64,
    /// HTTP method.
    pub method: String,
    /// Path (without query).
    pub path: String,
    /// Fingerprint of the bearer key, when one was sent and well-formed.
    pub key_fingerprint: Option<String>,
    /// `active`, `revoked`, `pending`, `unknown`, `malformed` or `missing`.
    pub key_status: String,
    /// The `Idempotency-Key` header.
    pub idempotency_key: Option<String>,
    /// The `User-Agent` header.
    pub user_agent: Option<String>,
    /// The answer's status (0 when the connection was dropped).
    pub status: u16,
    /// Whether the request did its work (created an image).
    pub executed: bool,
    /// Whether the answer was replayed from the idempotency record.
    pub replayed: bool,
    /// The scripted failure that applied, if any (`status:503`, `slow`, `drop`).
    pub scripted: Option<String>,
}

/// The stored answer of an executed request with an `Idempotency-Key`.
struct Idem {
    status: u16,
    body: Value,
}

struct State {
    keys: HashMap<String, KeyStatus>,
    failures: VecDeque<Failure>,
    records: Vec<Record>,
    idempotency: HashMap<String, Idem>,
    images: u64,
}

struct Shared {
    state: Mutex<State>,
    base_url: String,
    /// The number behind the next `X-Request-Id` (`req_1`, `req_2`, …).
    next_request_id: AtomicU64,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn fingerprint(key: &str) -> Option<String> {
    ApiKey::parse(key).ok().map(|k| k.fingerprint())
}

/// A running mock API. Dropping it stops the server.
pub struct MockApi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    _stop: oneshot::Sender<()>,
}

impl fmt::Debug for MockApi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockApi")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

/// The error a service returns to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl fmt::Display for DropConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("scripted connection drop")
    }
}

impl std::error::Error for DropConnection {}

type Answer = Result<Response<Full<Bytes>>, DropConnection>;

fn json_response(status: u16, body: &Value) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(body.to_string())));
    *resp.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp
}

fn error_body(code: &str, message: &str) -> Value {
    json!({ "error": { "code": code, "message": message } })
}

impl MockApi {
    /// Starts the server on `127.0.0.1` with a free port, on the current tokio runtime.
    pub async fn start(config: Config) -> std::io::Result<Self> {
        Self::start_on(config, 0).await
    }

    /// Starts the server on `127.0.0.1:port` (0 picks a free port).
    pub async fn start_on(config: Config, port: u16) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let keys = config.keys.into_iter().map(|k| (k.key, k.status)).collect();
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                keys,
                failures: config.failures.into(),
                records: Vec::new(),
                idempotency: HashMap::new(),
                images: 0,
            }),
            base_url: format!("http://{addr}"),
            next_request_id: AtomicU64::new(0),
        });
        let (stop_tx, mut stop_rx) = oneshot::channel::<()>();
        let server_shared = shared.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = &mut stop_rx => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let shared = server_shared.clone();
                        tokio::spawn(async move {
                            let service = service_fn(move |req| handle(shared.clone(), req));
                            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                        });
                    }
                }
            }
        });
        Ok(Self {
            addr,
            shared,
            _stop: stop_tx,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// Every request so far.
    pub fn records(&self) -> Vec<Record> {
        self.shared.lock().records.clone()
    }

    /// Sets a key's status (adds the key if unknown).
    pub fn set_key_status(&self, key: &str, status: KeyStatus) {
        self.shared.lock().keys.insert(key.to_owned(), status);
    }

    /// Appends scripted failures.
    pub fn push_failures(&self, failures: impl IntoIterator<Item = Failure>) {
        self.shared.lock().failures.extend(failures);
    }

    /// The summary served on `GET /_admin/summary`.
    pub fn summary(&self) -> Value {
        summary(&self.shared.lock())
    }
}

fn summary(state: &State) -> Value {
    let mut by_key: HashMap<String, [u64; 3]> = HashMap::new();
    let mut executions: HashMap<String, u64> = HashMap::new();
    for r in &state.records {
        let k = by_key
            .entry(
                r.key_fingerprint
                    .clone()
                    .unwrap_or_else(|| r.key_status.clone()),
            )
            .or_default();
        k[0] += 1;
        if r.status == 401 {
            k[1] += 1;
        }
        if r.executed {
            k[2] += 1;
            if let Some(i) = &r.idempotency_key {
                *executions.entry(i.clone()).or_default() += 1;
            }
        }
    }
    let duplicates: u64 = executions.values().map(|n| n.saturating_sub(1)).sum();
    json!({
        "requests": state.records.len(),
        "executed": state.records.iter().filter(|r| r.executed).count(),
        "by_key": by_key.into_iter().map(|(k, [requests, unauthorized, executed])| {
            (k, json!({ "requests": requests, "unauthorized": unauthorized, "executed": executed }))
        }).collect::<serde_json::Map<_, _>>(),
        "executions_by_idempotency_key": executions,
        "duplicate_executions": duplicates,
    })
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Answer {
    let path = req.uri().path().to_owned();
    if path.starts_with("/_admin/") {
        return Ok(admin(&shared, req, &path).await);
    }
    // Every API answer carries a request id, as the real API's do.
    let id = shared.next_request_id.fetch_add(1, Ordering::Relaxed) + 1;
    let mut answer = api(&shared, req, path).await?;
    if let Ok(value) = HeaderValue::from_str(&format!("req_{id}")) {
        answer.headers_mut().insert("x-request-id", value);
    }
    Ok(answer)
}

async fn read_json(req: Request<Incoming>) -> Result<Value, Response<Full<Bytes>>> {
    let bytes = match Limited::new(req.into_body(), 1 << 20).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return Err(json_response(
                400,
                &error_body("bad_request", "body too large or unreadable"),
            ))
        }
    };
    if bytes.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_slice(&bytes)
        .map_err(|_| json_response(400, &error_body("bad_request", "the body is not JSON")))
}

async fn admin(shared: &Shared, req: Request<Incoming>, path: &str) -> Response<Full<Bytes>> {
    let method = req.method().clone();
    match (method, path) {
        (Method::GET, "/_admin/health") => json_response(200, &json!({ "ok": true })),
        (Method::GET, "/_admin/requests") => {
            let records = shared.lock().records.clone();
            json_response(200, &json!({ "requests": records }))
        }
        (Method::GET, "/_admin/summary") => json_response(200, &summary(&shared.lock())),
        (Method::POST, "/_admin/keys") => {
            let body = match read_json(req).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            let items = if body.is_array() {
                body
            } else {
                Value::Array(vec![body])
            };
            let Ok(keys) = serde_json::from_value::<Vec<KeyConfig>>(items) else {
                return json_response(
                    400,
                    &error_body("bad_request", "expected {\"key\": …, \"status\": …}"),
                );
            };
            let mut state = shared.lock();
            for k in keys {
                state.keys.insert(k.key, k.status);
            }
            json_response(200, &json!({ "ok": true }))
        }
        (Method::POST, "/_admin/failures") => {
            let body = match read_json(req).await {
                Ok(b) => b,
                Err(r) => return r,
            };
            let items = if body.is_array() {
                body
            } else {
                Value::Array(vec![body])
            };
            let Ok(failures) = serde_json::from_value::<Vec<Failure>>(items) else {
                return json_response(
                    400,
                    &error_body("bad_request", "expected a failure or a list of failures"),
                );
            };
            shared.lock().failures.extend(failures);
            json_response(200, &json!({ "ok": true }))
        }
        (Method::POST, "/_admin/reset") => {
            let mut state = shared.lock();
            state.records.clear();
            state.failures.clear();
            state.idempotency.clear();
            json_response(200, &json!({ "ok": true }))
        }
        _ => json_response(404, &error_body("not_found", "unknown admin endpoint")),
    }
}

/// Authenticates and applies scripted failures. `Err` is the final answer; `Ok` carries the
/// record so far and the delay of a scripted slow answer.
#[allow(clippy::result_large_err)]
fn admit(
    shared: &Shared,
    method: &str,
    path: &str,
    bearer: Option<&str>,
    key_fingerprint: Option<String>,
    idempotency_key: Option<String>,
    user_agent: Option<String>,
) -> Result<(Record, Option<Duration>), Answer> {
    let mut state = shared.lock();
    let seq = state.records.len() as u64 + 1;
    let key_status = match bearer {
        None => "missing",
        Some(_) if key_fingerprint.is_none() => "malformed",
        Some(k) => match state.keys.get(k) {
            Some(KeyStatus::Active) => "active",
            Some(KeyStatus::Revoked) => "revoked",
            Some(KeyStatus::Pending) => "pending",
            None => "unknown",
        },
    };
    let record_fp = key_fingerprint.clone();
    let mut record = Record {
        seq,
        method: method.to_owned(),
        path: path.to_owned(),
        key_fingerprint,
        key_status: key_status.to_owned(),
        idempotency_key,
        user_agent,
        status: 0,
        executed: false,
        replayed: false,
        scripted: None,
    };
    // Authentication comes before any work, scripted or not.
    if key_status != "active" {
        let (code, message) = match key_status {
            "missing" => ("missing_api_key", "send Authorization: Bearer <key>"),
            "revoked" => ("revoked_api_key", "this key has been revoked"),
            "pending" => ("key_not_active", "this key is not active yet"),
            _ => ("invalid_api_key", "unknown API key"),
        };
        record.status = 401;
        state.records.push(record);
        return Err(Ok(json_response(401, &error_body(code, message))));
    }
    let scripted = state
        .failures
        .iter()
        .position(|f| {
            f.method
                .as_deref()
                .map_or(true, |m| m.eq_ignore_ascii_case(method))
                && f.path.as_deref().map_or(true, |p| p == path)
                && f.key_fingerprint
                    .as_ref()
                    .map_or(true, |fp| Some(fp) == record_fp.as_ref())
        })
        .map(|i| {
            let f = &mut state.failures[i];
            let action = f.action.clone();
            f.times = f.times.saturating_sub(1);
            if f.times == 0 {
                state.failures.remove(i);
            }
            action
        });
    let mut slow = None;
    match scripted {
        Some(Action::Drop) => {
            record.scripted = Some("drop".into());
            state.records.push(record);
            return Err(Err(DropConnection));
        }
        Some(Action::Status {
            status,
            retry_after,
        }) => {
            record.scripted = Some(format!("status:{status}"));
            record.status = status;
            state.records.push(record);
            let mut resp = json_response(status, &error_body("scripted", "scripted failure"));
            if let Some(ra) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                resp.headers_mut().insert(RETRY_AFTER, ra);
            }
            return Err(Ok(resp));
        }
        Some(Action::Slow { delay_ms }) => {
            record.scripted = Some("slow".into());
            slow = Some(Duration::from_millis(delay_ms));
        }
        None => {}
    }
    Ok((record, slow))
}

/// Executes an admitted request (or replays its idempotent answer) and records it.
fn execute(
    shared: &Shared,
    method: &str,
    path: &str,
    body: Value,
    mut record: Record,
) -> (u16, Value, bool) {
    let mut state = shared.lock();
    let (status, answer) = match (method, path) {
        ("POST", "/image") => {
            let idem = record.idempotency_key.clone().map(|k| {
                state
                    .idempotency
                    .get(&k)
                    .map(|i| (i.status, i.body.clone()))
            });
            match idem {
                Some(Some((status, body))) => {
                    record.replayed = true;
                    (status, body)
                }
                _ => {
                    state.images += 1;
                    let id = format!("img_{}", state.images);
                    let answer = json!({
                        "id": id,
                        "url": format!("{}/images/{id}.png", shared.base_url),
                        "request": body,
                    });
                    record.executed = true;
                    if let Some(k) = &record.idempotency_key {
                        state.idempotency.insert(
                            k.clone(),
                            Idem {
                                status: 200,
                                body: answer.clone(),
                            },
                        );
                    }
                    (200, answer)
                }
            }
        }
        ("GET", "/me") => (200, json!({ "key": record.key_fingerprint })),
        _ => (404, error_body("not_found", "no such endpoint")),
    };
    record.status = status;
    let replayed = record.replayed;
    state.records.push(record);
    (status, answer, replayed)
}

/// Authenticates, plays scripted failures, deduplicates and executes an API request.
async fn api(shared: &Shared, req: Request<Incoming>, path: String) -> Answer {
    let method = req.method().as_str().to_owned();
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let idempotency_key = header("idempotency-key");
    let user_agent = header("user-agent");
    let bearer = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let key_fingerprint = bearer.as_deref().and_then(fingerprint);

    let (mut record, slow) = match admit(
        shared,
        &method,
        &path,
        bearer.as_deref(),
        key_fingerprint.clone(),
        idempotency_key.clone(),
        user_agent,
    ) {
        Ok(admitted) => admitted,
        Err(answer) => return answer,
    };

    let is_post = method == "POST";
    let body = if is_post {
        match read_json(req).await {
            Ok(b) => b,
            Err(resp) => {
                record.status = 400;
                shared.lock().records.push(record);
                return Ok(resp);
            }
        }
    } else {
        Value::Null
    };

    let (status, answer, replayed) = execute(shared, &method, &path, body, record);
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    let mut resp = json_response(status, &answer);
    if replayed {
        resp.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(resp)
}
