//! `ApiKey` and `Mode`: a parsed key stays a handle to the core's key, whose secret is
//! zeroed on drop and never shown by `toString()` / `description`.

use std::fmt;
use std::sync::Arc;

use pictify_keys as core;
pub use pictify_keys::Mode;
use zeroize::Zeroizing;

use crate::error::PictifyError;

/// A well-formed Pictify API key. Its string form (`toString()` in Kotlin, `description` in
/// Swift) is the fingerprint, e.g. `pk_live_****a1b2`; the secret takes `reveal()`.
/// Equality is constant-time in the key content.
#[derive(uniffi::Object)]
#[uniffi::export(Display, Eq)]
pub struct ApiKey {
    pub(crate) inner: core::ApiKey,
}

impl ApiKey {
    /// Wraps a core key.
    pub(crate) fn wrap(inner: core::ApiKey) -> Arc<Self> {
        Arc::new(Self { inner })
    }
}

#[uniffi::export]
impl ApiKey {
    /// Parses and validates a key exactly as given (no trimming). Throws a `Format` error
    /// with the stable code and position of the first problem.
    #[uniffi::constructor]
    pub fn parse(value: String) -> Result<Arc<Self>, PictifyError> {
        // The caller's copy is theirs; this one is zeroed when dropped.
        let value = Zeroizing::new(value);
        Ok(Self::wrap(core::ApiKey::parse(&value)?))
    }

    /// Live or test.
    pub fn mode(&self) -> Mode {
        self.inner.mode()
    }

    /// The fingerprint shown to people: `pk_live_****a1b2`.
    pub fn fingerprint(&self) -> String {
        self.inner.fingerprint()
    }

    /// The last four characters of the key, as shown in the fingerprint.
    pub fn last4(&self) -> String {
        self.inner.last4().to_owned()
    }

    /// The full secret, for an `Authorization` header and nowhere else.
    pub fn reveal(&self) -> String {
        // EXPOSE: `reveal()` is the binding's explicit, documented way to read the secret
        // (the host needs it to authenticate its own HTTP calls).
        self.inner.expose_secret().to_owned()
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner, f)
    }
}

impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        self.inner == other.inner
    }
}

impl Eq for ApiKey {}
