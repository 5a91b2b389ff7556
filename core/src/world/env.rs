//! Environment variables, read through [`EnvLookup`] so tests and wasm hand in a map.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use zeroize::Zeroizing;

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

/// A boxed lookup (`Box<dyn EnvLookup + Send + Sync>`) is a lookup, so a binding can hand an
/// environment chosen at run time to the generic sources.
impl<T: EnvLookup + ?Sized> EnvLookup for Box<T> {
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

/// Some variables copied once out of another lookup: an owned, `Send + Sync` lookup that a
/// front end hands to sources which outlive the call or run on other threads (a Python
/// mapping or a JavaScript object can do neither). Values are zeroed on drop, as they may be
/// keys; `Debug` shows the names only.
#[derive(Clone, Default)]
pub struct EnvSnapshot(Vec<(String, Zeroizing<String>)>);

impl EnvSnapshot {
    /// The values of `names` that `lookup` has, each read once.
    pub fn capture(lookup: &(impl EnvLookup + ?Sized), names: &[&str]) -> Self {
        Self(
            names
                .iter()
                .filter_map(|&n| lookup.get(n).map(|v| (n.to_owned(), Zeroizing::new(v))))
                .collect(),
        )
    }
}

impl EnvLookup for EnvSnapshot {
    fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str().to_owned())
    }
}

impl fmt::Debug for EnvSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(n, _)| n))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::source::{EnvSource, KeySource};

    #[test]
    fn a_boxed_lookup_feeds_the_generic_sources() {
        let vars: BTreeMap<String, String> = [(
            "PICTIFY_API_KEY".to_owned(),
            "pk_live_FAKE3Wwd25rq4f5zr3a1b2".to_owned(),
        )]
        .into();
        let boxed: Box<dyn EnvLookup + Send + Sync> = Box::new(vars);
        assert_eq!(
            boxed.get("PICTIFY_API_KEY").as_deref(),
            Some("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
        );
        let keys = EnvSource::new(boxed).load().unwrap().unwrap();
        assert_eq!(keys[0].origin(), "env:PICTIFY_API_KEY");
    }

    #[test]
    fn a_snapshot_keeps_the_named_variables_only_and_never_shows_a_value() {
        let vars = [
            ("PICTIFY_API_KEY", "pk_live_FAKE3Wwd25rq4f5zr3a1b2"),
            ("HOME", "/root"),
        ];
        let snap = EnvSnapshot::capture(&vars[..], &["PICTIFY_API_KEY", "PICTIFY_API_KEY_NEW"]);
        assert_eq!(
            snap.get("PICTIFY_API_KEY").as_deref(),
            Some("pk_live_FAKE3Wwd25rq4f5zr3a1b2")
        );
        assert_eq!(snap.get("HOME"), None);
        assert_eq!(snap.get("PICTIFY_API_KEY_NEW"), None);
        assert_eq!(format!("{snap:?}"), r#"["PICTIFY_API_KEY"]"#);
        // Owned and thread-safe: it feeds a source that outlives `vars`.
        let keys = EnvSource::new(snap).load().unwrap().unwrap();
        assert_eq!(keys[0].origin(), "env:PICTIFY_API_KEY");
    }
}
