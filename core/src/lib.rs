//! # pictify-keys
//!
//! The API-key security core of the Pictify SDKs, written once in Rust and shared by the
//! Python, Node, WASM, Kotlin and Swift packages and the `pictify-keys` command.
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
//! Where each rule lives:
//!
//! - [`key`]: the key format, [`ApiKey`] and why a value is not a key ([`KeyError`]);
//! - [`env`](mod@env): deployment-environment detection and the live/test policy;
//! - [`dotenv`]: `.env` parsing (into a map, never into the process);
//! - [`source`]: where keys come from (variables, secret files, `.env` files, a chain of them)
//!   with their provenance; [`secrets`]: secrets-manager references (`vault://…`);
//! - [`check`]: the `check` report over the key variables; [`doctor`]: the project checklist;
//! - [`ring`]: rotation and retries as a sans-IO state machine; `http` (feature `http`): the
//!   client that drives it;
//! - [`redact`](mod@redact): keys and tokens out of text, JSON and streams; [`audit`]: audit events;
//!   `scan` (feature `scan`): keys committed in files; `monitor` (feature `monitor`): usage
//!   anomalies in audit logs;
//! - [`error`] and [`report`]: the error types, their stable codes and the one report every
//!   front end shows; `input` (feature `json`): the JSON forms of what JavaScript callers
//!   hand in (a detection, a policy, a ring config, an outcome, audit fields);
//! - [`world`]: what the core reads from outside (environment, files, clock, randomness),
//!   injectable so tests and wasm hand in their own.
//!
//! Secrets never appear in `Debug`, `Display` or error messages; reading one takes
//! [`ApiKey::expose_secret`].

pub mod audit;
pub mod check;
pub mod doctor;
pub mod dotenv;
pub mod env;
pub mod error;
#[cfg(feature = "http-driver")]
pub mod http;
#[cfg(feature = "monitor")]
pub mod incident;
#[cfg(feature = "json")]
pub mod input;
pub mod inventory;
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

// The UniFFI namespace of the core's own records and enums (feature `uniffi`): the UniFFI
// crate uses them as they are, so no shape is declared twice (Kotlin `io.pictify.keys.core`).
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!("pictify_keys_core");
