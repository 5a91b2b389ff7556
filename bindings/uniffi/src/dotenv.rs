//! `.env` text parsed into a map by the core's parser; nothing reaches the process
//! environment.

use std::collections::HashMap;

use pictify_keys as core;
use pictify_keys::EnvLookup;
use zeroize::Zeroizing;

use crate::error::PictifyError;

/// Parses the text of a `.env` file into a map of variables (syntax: the core's `DotEnv`).
/// Throws a `Source` error with code `env_file_syntax` naming the line and column.
#[uniffi::export]
pub fn parse_dotenv(text: String) -> Result<HashMap<String, String>, PictifyError> {
    let text = Zeroizing::new(text);
    let vars = core::DotEnv::parse(&text)?;
    Ok(vars
        .names()
        .filter_map(|name| Some((name.to_owned(), vars.get(name)?)))
        .collect())
}
