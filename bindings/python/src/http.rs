//! `Client`: the core's authenticated client (rotation fallback, retries, idempotency),
//! called synchronously. Each call blocks on a shared Tokio runtime with the GIL released,
//! so other Python threads keep running while one waits on the network.

use std::path::PathBuf;
use std::time::Duration;

use pictify_keys::http::{ApiResponse, Client, ImageOptions};
use pictify_keys::ring::RingConfig;
use pictify_keys::source::KeyList;
use pictify_keys::Error;
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;
use serde_json::Value;

use crate::env::{detection_or_detect, policy_arg, PyPolicy};
use crate::error::to_pyerr;
use crate::json::to_json;
use crate::monitor::PyMonitor;
use crate::ring::{sourced_keys, stats_to_py, PyKeyStats, PyRingConfig};
use crate::shape::{fields, Fields, PyRecord};
use crate::source::standard_chain;

/// The runtime all clients share, started on first use (never on import).
static RUNTIME: PyOnceLock<tokio::runtime::Runtime> = PyOnceLock::new();

fn runtime(py: Python<'_>) -> PyResult<&tokio::runtime::Runtime> {
    RUNTIME.get_or_try_init(py, || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("pictify-keys-http")
            .enable_all()
            .build()
            .map_err(|e| PyRuntimeError::new_err(format!("cannot start the HTTP runtime: {e}")))
    })
}

/// Runs `fut` to completion with the GIL released.
fn block_on<T: Send>(
    py: Python<'_>,
    fut: impl std::future::Future<Output = Result<T, Error>> + Send,
) -> PyResult<T> {
    let rt = runtime(py)?;
    py.detach(|| rt.block_on(fut)).map_err(|e| to_pyerr(py, e))
}

/// A successful answer: `status`, `body` (the JSON), `key_fingerprint` and `key_origin` (the
/// key that succeeded and where it came from: `env:PICTIFY_API_KEY_OLD`, `explicit:0`, …),
/// `attempts`, and `fallbacks` (dicts: `from_fingerprint`, `from_source`, `to_fingerprint`,
/// `to_source`, `at_ms`).
#[pyclass(name = "ApiResponse", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyApiResponse;

fn response_to_py(py: Python<'_>, r: ApiResponse) -> PyResult<Py<PyApiResponse>> {
    let fallbacks = r
        .fallbacks
        .iter()
        .map(|e| fields(py, e))
        .collect::<PyResult<Vec<_>>>()?;
    Fields::of(py, &r)?
        .with("fallbacks", fallbacks)?
        .quiet(&["body"])
        .into_py(PyApiResponse)
}

/// A created image: `id` and `url` (when the API sent them) and `raw`, the whole answer.
#[pyclass(name = "Image", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyImage;

/// `client.images`: the image endpoints.
#[pyclass(name = "Images", module = "pictify_keys", frozen)]
pub(crate) struct PyImages {
    client: Client,
    monitor: Option<Py<PyMonitor>>,
}

#[pymethods]
impl PyImages {
    /// `POST /image`. Options are the API's fields in snake_case; others go as given.
    #[pyo3(signature = (*, html = None, url = None, template = None, variables = None, width = None, height = None, selector = None, file_extension = None, **extra))]
    #[allow(clippy::too_many_arguments)]
    fn create(
        &self,
        py: Python<'_>,
        html: Option<String>,
        url: Option<String>,
        template: Option<String>,
        variables: Option<&Bound<'_, PyAny>>,
        width: Option<u32>,
        height: Option<u32>,
        selector: Option<String>,
        file_extension: Option<String>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Py<PyImage>> {
        let extra = match extra.map(|e| to_json(e, 0)).transpose()? {
            Some(Value::Object(map)) => map,
            _ => serde_json::Map::new(),
        };
        let options = ImageOptions {
            html,
            url,
            template,
            variables: variables.map(|v| to_json(v, 0)).transpose()?,
            width,
            height,
            selector,
            file_extension,
            extra,
        };
        let client = self.client.clone();
        let image = block_on(py, async move { client.images().create(&options).await });
        let image = after_request(py, self.monitor.as_ref(), image)?;
        Fields::of(py, &image)?.quiet(&["raw"]).into_py(PyImage)
    }
}

/// The Pictify API client: rotation fallback on 401, retries of transient failures on the
/// same key, one idempotency key per logical POST.
#[pyclass(name = "Client", module = "pictify_keys", frozen)]
pub(crate) struct PyClient {
    inner: Client,
    monitor: Option<Py<PyMonitor>>,
}

/// Hands the alert updates a request caused to the monitor's `on_alert`, then returns the
/// request's result; a raising callback wins, with the request's error as its cause.
fn after_request<T>(
    py: Python<'_>,
    monitor: Option<&Py<PyMonitor>>,
    result: PyResult<T>,
) -> PyResult<T> {
    let Some(m) = monitor else {
        return result;
    };
    match (m.get().deliver(py), result) {
        (Ok(()), result) => result,
        (Err(callback), Ok(_)) => Err(callback),
        (Err(callback), Err(request)) => {
            callback.set_cause(py, Some(request));
            Err(callback)
        }
    }
}

#[pymethods]
impl PyClient {
    /// Keys from `keys` (ApiKey / SourcedKey list or `LoadedKeys`), else from the standard
    /// sources: `environ` (`os.environ` when `None`), `secret_file`, `dotenv`.
    ///
    /// The environment policy is applied to every key when the client is built (and when
    /// it re-reads its keys): `environment` (a `Detection` or a name) is detected from
    /// `environ` when `None`; `policy` is strict when `None`. A refused key raises
    /// `KeyEnvironmentError` (`live_key_in_development`, `test_key_in_production`).
    /// `timeout` and `connect_timeout` are in seconds.
    #[new]
    ///
    /// `monitor` (a `Monitor`) receives the client's audit events: one per answered attempt
    /// and one per key fallback; its `on_alert` is called after each request, in the
    /// calling thread, with the alert updates they caused.
    #[pyo3(signature = (keys = None, *, environ = None, secret_file = None, dotenv = None, base_url = None, timeout = None, connect_timeout = None, config = None, environment = None, policy = None, monitor = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        keys: Option<&Bound<'_, PyAny>>,
        environ: Option<Bound<'_, PyAny>>,
        secret_file: Option<PathBuf>,
        dotenv: Option<PathBuf>,
        base_url: Option<String>,
        timeout: Option<f64>,
        connect_timeout: Option<f64>,
        config: Option<&Bound<'_, PyRingConfig>>,
        environment: Option<&Bound<'_, PyAny>>,
        policy: Option<&Bound<'_, PyPolicy>>,
        monitor: Option<Py<PyMonitor>>,
    ) -> PyResult<Self> {
        let detection = detection_or_detect(py, environment, environ.clone())?;
        let seconds = |s: f64| {
            Duration::try_from_secs_f64(s)
                .map_err(|_| PyValueError::new_err("timeouts must be positive numbers of seconds"))
        };
        let mut builder = Client::builder()
            .user_agent("python", env!("CARGO_PKG_VERSION"))
            .environment(detection)
            .policy(policy_arg(policy))
            .ring_config(config.map_or_else(RingConfig::default, |c| c.get().inner));
        builder = match keys {
            Some(keys) => builder.source(KeyList::from(sourced_keys(keys)?)),
            None => builder.source(standard_chain(py, environ, secret_file, dotenv)?),
        };
        if let Some(url) = base_url {
            builder = builder.base_url(url);
        }
        if let Some(m) = &monitor {
            builder = builder.audit_hook(m.get().inner.hook());
        }
        if let Some(t) = timeout {
            builder = builder.timeout(seconds(t)?);
        }
        if let Some(t) = connect_timeout {
            builder = builder.connect_timeout(seconds(t)?);
        }
        let inner = py.detach(|| builder.build()).map_err(|e| to_pyerr(py, e))?;
        Ok(Self { inner, monitor })
    }

    /// Any API call: `method` (`GET`, `POST`, …), `path` (`/image`), an optional JSON body.
    #[pyo3(signature = (method, path, json = None))]
    fn request(
        &self,
        py: Python<'_>,
        method: String,
        path: String,
        json: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyApiResponse>> {
        let body: Option<Value> = json.map(|v| to_json(v, 0)).transpose()?;
        let client = self.inner.clone();
        let resp = block_on(py, async move {
            client.request(&method, &path, body.as_ref()).await
        });
        response_to_py(py, after_request(py, self.monitor.as_ref(), resp)?)
    }

    /// The image endpoints.
    #[getter]
    fn images(&self, py: Python<'_>) -> PyImages {
        PyImages {
            client: self.inner.clone(),
            monitor: self.monitor.as_ref().map(|m| m.clone_ref(py)),
        }
    }

    /// Usage of every key (to see when an old key is no longer used).
    fn stats(&self, py: Python<'_>) -> PyResult<Vec<Py<PyKeyStats>>> {
        stats_to_py(py, self.inner.stats())
    }

    /// Re-reads the key source now (e.g. after rotating a secret file).
    fn reload_keys(&self, py: Python<'_>) -> PyResult<()> {
        let client = self.inner.clone();
        py.detach(|| client.reload_keys())
            .map_err(|e| to_pyerr(py, e))
    }

    fn __repr__(&self) -> String {
        format!(
            "Client(keys=[{}])",
            self.inner.ring().fingerprints().join(", ")
        )
    }
}
