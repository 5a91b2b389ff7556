//! UniFFI binding of the pictify-keys core: the native library behind the Kotlin package
//! (`io.pictify.keys`, JVM and Android) and the Swift package (`PictifyKeys`, iOS and macOS).
//!
//! Thin by design (design contract 1): each module matches the core module of the same name
//! and only converts types and errors; every decision is the core's. Where a core shape is
//! FFI-ready (`Mode`, `Environment`, `Detection`, `Policy`, `Warning`, `Allowed`, `RingConfig`,
//! `FallbackEvent`, `KeyStats`, `RedactionStyle`) it is the core's own type, which derives
//! UniFFI under the core's `uniffi` feature in a namespace of its own (`pictify_keys_core`:
//! Kotlin package `io.pictify.keys.core`; compiled into the same Swift module); there is no
//! mirror and no conversion. Errors cross the
//! boundary as [`PictifyError`], whose variants are the core's error families and carry its
//! stable codes. A parsed key stays a handle to the Rust [`ApiKey`]; its secret crosses only
//! through an explicit `reveal()`.
//!
//! UniFFI catches a Rust panic at the boundary and raises it as an internal error in the
//! host language, which needs unwinding panics: this crate refuses to build with
//! `panic = "abort"`.

// `PictifyError` carries the core's whole report (code, details, message) by value: UniFFI
// serialises it into a buffer at the boundary at once, so its size on the Rust stack costs
// nothing that matters, and UniFFI errors cannot be boxed.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

uniffi::setup_scaffolding!("pictify_keys");

#[cfg(panic = "abort")]
compile_error!(
    "pictify-keys-uniffi must be built with panic = \"unwind\": UniFFI turns a panic into a \
     host-language exception only when it can unwind"
);

pub mod audit;
pub mod check;
pub mod dotenv;
pub mod env;
pub mod error;
pub mod http;
pub mod jni;
pub mod key;
pub mod monitor;
pub mod redact;
pub mod ring;
pub mod source;

pub use audit::AuditEvent;
pub use check::{check_keys, CheckReport, KeyCheck, Verdict};
pub use dotenv::parse_dotenv;
pub use env::{
    check_environment, check_mode, detect_environment, Allowed, Detection, Environment, Policy,
    Warning,
};
pub use error::PictifyError;
pub use http::Client;
pub use key::{ApiKey, Mode};
pub use monitor::Monitor;
pub use redact::{redact, redact_json, RedactionStyle, StreamRedactor};
pub use ring::KeyRing;
pub use source::{load_keys, LoadOptions};
