//! Prints how `DotEnv::parse` reads each `.env` file given on the command line, as one JSON
//! object keyed by path: `{"vars": {...}, "warnings": [...]}` or `{"error": {...}}`.
//!
//! Used by `tests/dotenv/compare.py` to compare the parser with python-dotenv and Node's
//! `dotenv` (`just dotenv-compare`). It prints values: run it on test corpora only.
//!
//! ```text
//! cargo run -p pictify-keys --example dotenv_json -- tests/dotenv/cases/*.env
//! ```

use std::process::ExitCode;

use pictify_keys::{DotEnv, EnvLookup};
use serde_json::{json, Map, Value};

fn main() -> ExitCode {
    let mut out = Map::new();
    for path in std::env::args().skip(1) {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: cannot read the file: {}", e.kind());
                return ExitCode::from(2);
            }
        };
        let result = match DotEnv::parse(&text) {
            Ok(env) => {
                let vars: Map<String, Value> = env
                    .names()
                    // EXPOSE: this example exists to print parsed values of test corpora.
                    .map(|n| (n.to_owned(), Value::from(env.get(n).unwrap_or_default())))
                    .collect();
                let warnings: Vec<Value> = env
                    .warnings()
                    .iter()
                    .map(|w| json!({ "line": w.line, "name": w.name, "code": w.code() }))
                    .collect();
                json!({ "vars": vars, "warnings": warnings })
            }
            Err(e) => json!({ "error": {
                "code": e.code(), "line": e.line, "column": e.column, "reason": e.reason,
            } }),
        };
        out.insert(path, result);
    }
    println!("{}", Value::Object(out));
    ExitCode::SUCCESS
}
