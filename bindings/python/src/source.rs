//! `load_keys`: keys from the environment, a mounted secret file and a `.env` file, each
//! with its provenance (`env:PICTIFY_API_KEY_NEW`, `file:/var/run/secrets/...`).

use std::path::PathBuf;

use pictify_keys::source::{Loaded, ShadowedKey, SourceChain, SourcedKey};
use pictify_keys::{EnvLookup, KEY_VARIABLES};
use pyo3::prelude::*;
use zeroize::Zeroizing;

use crate::env::Lookup;
use crate::error::to_pyerr;
use crate::key::PyApiKey;

/// The key variables read once from a Python mapping, so the core's sources (which outlive
/// this call and may run on other threads) get an owned, thread-safe lookup. Only the
/// variables the core names in `KEY_VARIABLES` are read.
struct Snapshot(Vec<(&'static str, Zeroizing<String>)>);

impl Snapshot {
    fn read(lookup: &Lookup<'_>) -> Self {
        Self(
            KEY_VARIABLES
                .iter()
                .filter_map(|&name| lookup.get(name).map(|v| (name, Zeroizing::new(v))))
                .collect(),
        )
    }
}

impl EnvLookup for Snapshot {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str().to_owned())
    }
}

/// The owned environment lookup for `environ` (a mapping, a `DotEnv`, or `os.environ`).
pub(crate) fn owned_env(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
) -> PyResult<Box<dyn EnvLookup + Send + Sync>> {
    let lookup = Lookup::new(py, environ)?;
    let owned: Box<dyn EnvLookup + Send + Sync> = match &lookup {
        Lookup::DotEnv(d) => Box::new(d.get().inner.clone()),
        Lookup::Mapping { .. } => Box::new(Snapshot::read(&lookup)),
    };
    lookup.finish()?;
    Ok(owned)
}

/// A boxed lookup as an `EnvLookup` value for the core's generic sources.
pub(crate) struct BoxedEnv(pub(crate) Box<dyn EnvLookup + Send + Sync>);

impl EnvLookup for BoxedEnv {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name)
    }
}

/// A key and where it came from.
#[pyclass(name = "SourcedKey", module = "pictify_keys", frozen)]
pub(crate) struct PySourcedKey {
    pub(crate) inner: SourcedKey,
    key: Py<PyApiKey>,
}

impl PySourcedKey {
    pub(crate) fn new(py: Python<'_>, inner: SourcedKey) -> PyResult<Self> {
        let key = Py::new(
            py,
            PyApiKey {
                inner: inner.key().clone(),
            },
        )?;
        Ok(Self { inner, key })
    }
}

#[pymethods]
impl PySourcedKey {
    /// The key.
    #[getter]
    fn key(&self, py: Python<'_>) -> Py<PyApiKey> {
        self.key.clone_ref(py)
    }

    /// Where it came from, e.g. `env:PICTIFY_API_KEY_NEW`.
    #[getter]
    fn origin(&self) -> &str {
        self.inner.origin()
    }

    fn __repr__(&self) -> String {
        format!(
            "SourcedKey({}, origin={:?})",
            self.inner.key().fingerprint(),
            self.inner.origin()
        )
    }

    fn __str__(&self) -> String {
        format!(
            "{} ({})",
            self.inner.key().fingerprint(),
            self.inner.origin()
        )
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "SourcedKey cannot be pickled: a pickle would carry the secret",
        ))
    }
}

/// A key in a lower-priority source that differs from the keys in use (probably stale).
#[pyclass(name = "ShadowedKey", module = "pictify_keys", frozen)]
pub(crate) struct PyShadowedKey {
    inner: ShadowedKey,
}

#[pymethods]
impl PyShadowedKey {
    #[getter]
    fn origin(&self) -> &str {
        &self.inner.origin
    }

    #[getter]
    fn fingerprint(&self) -> &str {
        &self.inner.fingerprint
    }

    #[getter]
    fn used_source(&self) -> &str {
        &self.inner.used_source
    }

    /// `shadowed_key`.
    #[getter]
    fn code(&self) -> &'static str {
        self.inner.code()
    }

    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __repr__(&self) -> String {
        format!(
            "ShadowedKey(origin={:?}, fingerprint={:?})",
            self.inner.origin, self.inner.fingerprint
        )
    }
}

/// The keys of the first configured source, and the keys it shadows.
#[pyclass(name = "LoadedKeys", module = "pictify_keys", frozen)]
pub(crate) struct PyLoadedKeys {
    #[pyo3(get)]
    keys: Vec<Py<PySourcedKey>>,
    #[pyo3(get)]
    source: String,
    #[pyo3(get)]
    shadowed: Vec<Py<PyShadowedKey>>,
}

#[pymethods]
impl PyLoadedKeys {
    fn __len__(&self) -> usize {
        self.keys.len()
    }

    fn __repr__(&self) -> String {
        let keys: Vec<String> = self.keys.iter().map(|k| k.get().__repr__()).collect();
        format!(
            "LoadedKeys(source={:?}, keys=[{}], shadowed={})",
            self.source,
            keys.join(", "),
            self.shadowed.len()
        )
    }
}

fn loaded_to_py(py: Python<'_>, loaded: Loaded) -> PyResult<PyLoadedKeys> {
    let keys = loaded
        .keys
        .into_iter()
        .map(|k| Py::new(py, PySourcedKey::new(py, k)?))
        .collect::<PyResult<_>>()?;
    let shadowed = loaded
        .shadowed
        .into_iter()
        .map(|inner| Py::new(py, PyShadowedKey { inner }))
        .collect::<PyResult<_>>()?;
    Ok(PyLoadedKeys {
        keys,
        source: loaded.source_name,
        shadowed,
    })
}

/// The core's standard chain: environment variables (`environ`, `os.environ` when `None`),
/// then an optional mounted secret file, then an optional `.env` file.
pub(crate) fn standard_chain(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
    secret_file: Option<PathBuf>,
    dotenv: Option<PathBuf>,
) -> PyResult<SourceChain> {
    Ok(SourceChain::standard(
        BoxedEnv(owned_env(py, environ)?),
        secret_file,
        dotenv,
    ))
}

/// Loads the keys: the first configured source wins; a broken source raises.
#[pyfunction]
#[pyo3(signature = (environ = None, *, secret_file = None, dotenv = None))]
pub(crate) fn load_keys(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
    secret_file: Option<PathBuf>,
    dotenv: Option<PathBuf>,
) -> PyResult<PyLoadedKeys> {
    let chain = standard_chain(py, environ, secret_file, dotenv)?;
    let loaded = py
        .detach(|| chain.load_all())
        .map_err(|e| to_pyerr(py, e))?;
    loaded_to_py(py, loaded)
}
