//! `.env` files parsed into a map (never into `process.env`).

use std::collections::HashMap;

use napi_derive::napi;
use pictify_keys::{EnvLookup, Error};

use crate::error;

/// Parses `.env` text into a plain object of variables. Throws a `SourceError` with code
/// `env_file_syntax` naming the line and column of a syntax error.
#[napi(js_name = "parseDotEnv")]
pub fn parse_dot_env(text: String) -> napi::Result<HashMap<String, String>> {
    let parsed =
        pictify_keys::DotEnv::parse(&text).map_err(|e| error::from_core(&Error::DotEnv(e)))?;
    Ok(parsed
        .names()
        .filter_map(|name| parsed.get(name).map(|v| (name.to_owned(), v)))
        .collect())
}
