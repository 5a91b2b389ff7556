//! # pictify-keys
//!
//! The API-key security core of the Pictify SDKs: key validation with stable error codes,
//! deployment-environment detection and policy, and `.env` parsing — written once in Rust and
//! shared by the Python, Node, WASM, Kotlin and Swift packages and the `pictify-keys` command.
//!
//! ```
//! use pictify_keys::{ApiKey, check_environment, detect_environment, Policy};
//!
//! let vars = [("NODE_ENV", "production")];
//! let key = ApiKey::parse("pk_live_FAKE3Wwd25rq4f5zr3a1b2")?;
//! let env = detect_environment(&vars[..]);
//! assert!(check_environment(&key, &env, Policy::strict()).is_ok());
//! println!("using {key}"); // prints the fingerprint, pk_live_****a1b2
//! # Ok::<(), pictify_keys::KeyError>(())
//! ```
//!
//! Secrets never appear in `Debug`, `Display` or error messages; reading one takes
//! [`ApiKey::expose_secret`].

pub mod audit;
pub mod check;
pub mod doctor;
pub mod dotenv;
pub mod env;
pub mod error;
#[cfg(feature = "http")]
pub mod http;
pub mod key;
#[cfg(feature = "monitor")]
pub mod monitor;
pub mod redact;
pub mod report;
pub mod ring;
#[cfg(feature = "scan")]
pub mod scan;
pub mod secrets;
pub mod source;
pub mod world;

pub use audit::{AuditError, AuditEvent, KeyRef, Timestamp};
pub use check::{check_keys, check_keys_with, CheckReport, KeyCheck, Verdict, KEY_VARIABLES};
pub use dotenv::{DotEnv, DotEnvWarning, DotEnvWarningKind};
pub use env::{
    check_environment, check_mode, detect_environment, Allowed, Detection, EnvLookup, Environment,
    Policy, ProcessEnv, Warning,
};
pub use error::{
    AllowlistError, CharClass, DotEnvError, Error, ErrorFamily, HttpError, KeyError, PolicyError,
    SecretError, SourceError,
};
pub use key::{ApiKey, Mode, BODY_MAX, BODY_MIN};
pub use redact::{redact, RedactingWriter, Redactor, StreamRedactor, Style};
pub use report::{DetailValue, Details, ErrorReport};
pub use ring::{
    Clock, Decision, FallbackEvent, KeyRing, KeyStats, ManualClock, Outcome, RingConfig,
    SystemClock,
};
pub use source::{
    DotEnvFile, EnvSource, FileSystem, KeyList, KeySource, MemoryFs, SecretFile, SourceChain,
    SourcedKey, StdFs,
};
