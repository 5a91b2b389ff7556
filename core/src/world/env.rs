//! Environment variables, read through [`EnvLookup`] so tests and wasm hand in a map.

use std::collections::{BTreeMap, HashMap};

/// Read-only access to environment variables.
pub trait EnvLookup {
    /// The value of `name`, if set.
    fn get(&self, name: &str) -> Option<String>;
}

impl<S: std::hash::BuildHasher> EnvLookup for HashMap<String, String, S> {
    fn get(&self, name: &str) -> Option<String> {
        HashMap::get(self, name).cloned()
    }
}

impl EnvLookup for BTreeMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        BTreeMap::get(self, name).cloned()
    }
}

impl EnvLookup for [(&str, &str)] {
    fn get(&self, name: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
    }
}

impl<T: EnvLookup + ?Sized> EnvLookup for &T {
    fn get(&self, name: &str) -> Option<String> {
        (**self).get(name)
    }
}

/// The process environment, read (never written) on demand. Opt-in: nothing in this crate
/// reads the process environment unless handed this.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl EnvLookup for ProcessEnv {
    fn get(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}
