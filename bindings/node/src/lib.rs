//! Node-API binding of the pictify-keys core (the npm package `@pictify/keys`).
//!
//! Thin by design: every module mirrors the core module of the same name and only converts
//! arguments, results and errors. The JavaScript layer in `packages/node` turns the error
//! payloads made in [`error`] into `Error` subclasses with `.code`.

#![deny(clippy::unwrap_used)]

pub mod audit;
pub mod check;
pub mod dotenv;
pub mod env;
pub mod error;
pub mod http;
pub mod key;
pub mod monitor;
pub mod redact;
pub mod ring;
pub mod source;

/// A core result as a plain JS object in its one shape (tests/vectors/shapes.json,
/// `packages/shapes.d.ts`): the core's serde output, handed to napi's serde-json conversion.
/// The core types hold no key material.
pub(crate) fn to_js(value: &(impl serde::Serialize + ?Sized)) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}
