//! `load_keys`: keys from the environment, a mounted secret file and a `.env` file, each
//! with its provenance (`env:PICTIFY_API_KEY_NEW`, `file:/var/run/secrets/...`).

use std::path::PathBuf;
use std::sync::Arc;

use pictify_keys::secrets::{CachingResolver, SECRET_VARIABLES};
use pictify_keys::source::{Loaded, ShadowedKey, SourceChain, SourcedKey};
use pictify_keys::world::EnvSnapshot;
use pictify_keys::KEY_VARIABLES;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::env::Lookup;
use crate::error::to_pyerr;
use crate::key::PyApiKey;
use crate::shape::{Fields, PyRecord};

/// A key and where it came from: `key` (an `ApiKey`) and `origin`, e.g.
/// `env:PICTIFY_API_KEY_NEW`.
#[pyclass(name = "SourcedKey", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PySourcedKey {
    pub(crate) inner: SourcedKey,
}

impl PySourcedKey {
    pub(crate) fn py(py: Python<'_>, inner: SourcedKey) -> PyResult<Py<Self>> {
        let fields = PyDict::new(py);
        fields.set_item("key", PyApiKey::py(py, inner.key().clone())?)?;
        fields.set_item("origin", inner.origin())?;
        Fields::from_dict(fields).into_py(Self { inner })
    }
}

#[pymethods]
impl PySourcedKey {
    fn __str__(&self) -> String {
        self.inner.to_string()
    }

    fn __reduce__(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyTypeError::new_err(
            "SourcedKey cannot be pickled: a pickle would carry the secret",
        ))
    }
}

/// A key in a lower-priority source that differs from the keys in use (probably stale):
/// `code` (`shadowed_key`), `origin`, `fingerprint` and `used_source`.
#[pyclass(name = "ShadowedKey", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyShadowedKey {
    inner: ShadowedKey,
}

#[pymethods]
impl PyShadowedKey {
    fn __str__(&self) -> String {
        self.inner.to_string()
    }
}

/// The keys of the first configured source (`keys`, each a `SourcedKey`), its name
/// (`source`), and the keys it `shadowed`.
#[pyclass(name = "LoadedKeys", module = "pictify_keys", extends = PyRecord, frozen)]
pub(crate) struct PyLoadedKeys;

#[pymethods]
impl PyLoadedKeys {
    fn __len__(slf: &Bound<'_, Self>) -> PyResult<usize> {
        slf.getattr("keys")?.len()
    }
}

fn loaded_to_py(py: Python<'_>, loaded: Loaded) -> PyResult<Py<PyLoadedKeys>> {
    let keys = loaded
        .keys
        .into_iter()
        .map(|k| PySourcedKey::py(py, k))
        .collect::<PyResult<Vec<_>>>()?;
    let shadowed = loaded
        .shadowed
        .into_iter()
        .map(|inner| Fields::of(py, &inner)?.into_py(PyShadowedKey { inner }))
        .collect::<PyResult<Vec<_>>>()?;
    let fields = PyDict::new(py);
    fields.set_item("keys", keys)?;
    fields.set_item("source", loaded.source_name)?;
    fields.set_item("shadowed", shadowed)?;
    Fields::from_dict(fields).into_py(PyLoadedKeys)
}

/// The variables the core reads from `environ` to load keys and resolve secret references
/// (`KEY_VARIABLES`, then Vault/AWS/Google settings such as `VAULT_ADDR`), each read once into
/// a thread-safe copy: sources and resolvers outlive the call and may run on other threads.
pub(crate) fn snapshot(py: Python<'_>, environ: Option<Bound<'_, PyAny>>) -> PyResult<EnvSnapshot> {
    let names: Vec<&str> = KEY_VARIABLES
        .iter()
        .chain(SECRET_VARIABLES)
        .copied()
        .collect();
    let lookup = Lookup::new(py, environ)?;
    let env = EnvSnapshot::capture(&lookup, &names);
    lookup.finish()?;
    Ok(env)
}

/// The core's resolver of secret references, configured from `env`.
pub(crate) fn resolver(env: &EnvSnapshot) -> CachingResolver {
    CachingResolver::native(env.clone())
}

/// The core's standard chain: environment variables (`environ`, `os.environ` when `None`),
/// then an optional mounted secret file, then an optional `.env` file; a secret reference in
/// the environment or the `.env` file is resolved with the settings found in `environ`.
pub(crate) fn standard_chain(
    py: Python<'_>,
    environ: Option<Bound<'_, PyAny>>,
    secret_file: Option<PathBuf>,
    dotenv: Option<PathBuf>,
) -> PyResult<SourceChain> {
    let env = snapshot(py, environ)?;
    let resolver = Arc::new(resolver(&env));
    Ok(SourceChain::standard_resolving(
        env,
        secret_file,
        dotenv,
        Some(resolver),
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
) -> PyResult<Py<PyLoadedKeys>> {
    let chain = standard_chain(py, environ, secret_file, dotenv)?;
    let loaded = py
        .detach(|| chain.load_all())
        .map_err(|e| to_pyerr(py, e))?;
    loaded_to_py(py, loaded)
}
