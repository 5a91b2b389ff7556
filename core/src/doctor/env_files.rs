//! Environment files by name: which files are env files, which are templates, and which
//! environment a file is for.

use crate::env::{detect_environment, generic_value, Detection, Environment};
use crate::world::EnvLookup;

/// Files meant to be committed as documentation of the variables (`.env.example`).
pub fn is_template_env_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".example", ".sample", ".template", ".dist", ".defaults"]
        .iter()
        .any(|s| lower.ends_with(s))
}

/// Whether a file name is an environment file (`.env`, `.env.production`, `prod.env`).
pub fn is_env_file(name: &str) -> bool {
    name == ".env" || name.starts_with(".env.") || name.ends_with(".env")
}

/// The environment for the variables of an env file named `name`: its own variables decide
/// first (as [`detect_environment`] reads them), then its name ([`env_file_environment`]),
/// recorded as the "variable" `file name` with the name as its value. This is how `check
/// --env-file` and doctor agree on `.env.production`.
pub fn detect_env_file_environment(vars: &(impl EnvLookup + ?Sized), name: &str) -> Detection {
    let detected = detect_environment(vars);
    if detected.environment != Environment::Unknown {
        return detected;
    }
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    match env_file_environment(base) {
        Environment::Unknown => detected,
        environment => Detection {
            environment,
            variable: Some("file name".to_owned()),
            value: Some(base.to_owned()),
        },
    }
}

/// The environment an env file is for, from its name, with the environment names
/// [`detect_environment`] reads in `NODE_ENV` and the like: `.env.production` / `.env.prod` /
/// `.env.live` → production, `.env.development` / `.env.dev` / `.env.local` → development,
/// `.env.test` / `.env.ci`, `.env.staging` / `.env.qa` / `.env.preview`; plain `.env` →
/// unknown. The first named environment wins (`.env.production.local` is production).
pub fn env_file_environment(name: &str) -> Environment {
    name.split(['.', '-', '_'])
        .filter(|p| !p.is_empty() && !p.eq_ignore_ascii_case("env"))
        .find_map(generic_value)
        .unwrap_or(Environment::Unknown)
}
