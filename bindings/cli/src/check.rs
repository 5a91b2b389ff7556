//! `pictify-keys check`.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use pictify_keys::doctor::detect_env_file_environment;
use pictify_keys::secrets::CachingResolver;
use pictify_keys::{
    check_keys_with, CheckReport, Detection, DotEnv, Environment, Error, Policy, ProcessEnv,
    SourceError, KEY_VARIABLES,
};
use serde_json::{json, Value};

use crate::report;

/// Arguments of `pictify-keys check`.
#[derive(Args)]
pub struct CheckArgs {
    /// Read the variables (keys and environment) from this .env file only, instead of the
    /// process environment. The file is parsed into memory; nothing is exported.
    #[arg(long, value_name = "PATH")]
    env_file: Option<PathBuf>,

    /// Check against this environment instead of detecting it.
    #[arg(long, value_name = "ENV", value_parser = ["production", "staging", "development", "test"])]
    environment: Option<String>,

    /// Allow a live key in development, test and staging.
    #[arg(long)]
    allow_live_outside_production: bool,

    /// Allow a test key in production.
    #[arg(long)]
    allow_test_in_production: bool,

    /// Print one JSON document instead of text.
    #[arg(long)]
    json: bool,
}

/// Runs the check and returns the exit status.
pub fn run(args: &CheckArgs) -> u8 {
    let policy = Policy {
        allow_live_outside_production: args.allow_live_outside_production,
        allow_test_in_production: args.allow_test_in_production,
    };
    let environment = args
        .environment
        .as_deref()
        .and_then(Environment::from_name)
        .map(Detection::explicit);
    // Odd lines of the .env file (bare names, colon form): reported, never fatal.
    let mut warnings = Vec::new();
    let report = match &args.env_file {
        None => check_keys_with(
            &ProcessEnv,
            "env",
            environment,
            policy,
            Some(&CachingResolver::native(ProcessEnv)),
        ),
        Some(path) => {
            let label = format!("env-file:{}", path.display());
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(e) => {
                    let reason = if e.kind() == std::io::ErrorKind::NotFound {
                        "the file does not exist; check the path".to_owned()
                    } else {
                        format!("cannot read the file: {}", e.kind())
                    };
                    return fail(
                        args.json,
                        &report::command_error(
                            "env_file_unreadable",
                            "source",
                            &format!("{label}: {reason}"),
                        ),
                    );
                }
            };
            match DotEnv::parse(&text) {
                Ok(vars) => {
                    warnings = env_file_warnings(&label, &vars);
                    // Its variables, else its name (`.env.production`), as doctor reads it.
                    let detection = environment.or_else(|| {
                        Some(detect_env_file_environment(&vars, &path.to_string_lossy()))
                    });
                    // Provider settings (VAULT_ADDR, AWS_REGION, …) come from the process.
                    check_keys_with(
                        &vars,
                        &label,
                        detection,
                        policy,
                        Some(&CachingResolver::native(ProcessEnv)),
                    )
                }
                Err(error) => {
                    let e = Error::Source(SourceError::DotEnv {
                        origin: label,
                        error,
                    });
                    return fail(args.json, &report::core_error(&e));
                }
            }
        }
    };
    // Before the report's own errors: a bare `PICTIFY_API_KEY` line explains the `no_key` after it.
    for w in &warnings {
        eprintln!("warning[{}]: {}", w.code, w.message);
    }
    if args.json {
        print_json(&report, &warnings);
    } else {
        print_text(&report);
    }
    report.exit_status()
}

/// A warning about one line of a `.env` file, as `check` and `doctor` print it.
#[derive(serde::Serialize)]
pub struct EnvFileWarning {
    /// `env_file_bare_name` or `env_file_colon_form`.
    pub code: &'static str,
    /// 1-based line number.
    pub line: usize,
    /// The variable named on that line (never a value).
    pub name: String,
    /// What is wrong and how to fix it, starting with the file.
    pub message: String,
}

/// The `.env` file's warnings. A bare key variable (`PICTIFY_API_KEY` alone on a line) says
/// that the key is not set because of it.
pub fn env_file_warnings(label: &str, vars: &DotEnv) -> Vec<EnvFileWarning> {
    vars.warnings()
        .iter()
        .map(|w| {
            let mut message = format!("{label}: {w}");
            if KEY_VARIABLES.contains(&w.name.as_str()) && vars.unset_reason(&w.name) == Some(w) {
                message.push_str(&format!("; so the key {} is not set", w.name));
            }
            EnvFileWarning {
                code: w.code(),
                line: w.line,
                name: w.name.clone(),
                message,
            }
        })
        .collect()
}

/// An error before any key could be checked: exit status 2.
fn fail(json: bool, error: &Value) -> u8 {
    if json {
        println!("{}", json!({ "error": error, "keys": [], "exitStatus": 2 }));
    }
    report::eprint(error);
    2
}

fn environment_label(d: &Detection) -> String {
    match (&d.variable, &d.value) {
        (Some(var), Some(val)) if var == "file name" => format!("{} ({var} {val})", d.environment),
        (Some(var), Some(val)) => format!("{} ({var}={val})", d.environment),
        _ if d.environment == Environment::Unknown => {
            "unknown (no environment variable set)".to_owned()
        }
        _ => format!("{} (--environment)", d.environment),
    }
}

fn print_text(report: &CheckReport) {
    let env = environment_label(&report.detection);
    let mut out = std::io::stdout().lock();
    let width = report
        .keys
        .iter()
        .map(|k| k.origin.len())
        .max()
        .unwrap_or(0);
    for k in &report.keys {
        let key = match (&k.fingerprint, k.mode) {
            (Some(fingerprint), Some(mode)) => format!("{fingerprint}  {mode}"),
            _ => "(malformed)".to_owned(),
        };
        let verdict = match k.verdict.code() {
            Some(code) => format!("{} [{code}]", k.verdict.as_str()),
            None => k.verdict.as_str().to_owned(),
        };
        // A failed write to stdout (closed pipe) is not worth a panic; the exit status says it all.
        let _ = writeln!(out, "{:width$}  {key}  {env}  {verdict}", k.origin);
    }
    drop(out);
    for k in &report.keys {
        if let (Some(code), Some(message)) = (k.verdict.code(), k.verdict.message()) {
            let level = if matches!(k.verdict, pictify_keys::Verdict::AllowedWithWarning(_)) {
                "warning"
            } else {
                "error"
            };
            eprintln!("{level}[{code}]: {}: {message}", k.origin);
        }
    }
    for e in &report.unresolved {
        eprintln!("error[{}]: {e}", e.code());
    }
    if let Some(Error::NoKey) = report.error() {
        eprintln!("error[no_key]: {}", Error::NoKey);
    }
}

/// The core's report as every front end shows it (`{detection, keys, error, exitStatus}`,
/// tests/vectors/shapes.json), plus the `.env` file's warnings and the unresolved references.
fn print_json(report: &CheckReport, warnings: &[EnvFileWarning]) {
    let mut doc = json!(report);
    doc["warnings"] = json!(warnings);
    doc["unresolved"] = report
        .unresolved
        .iter()
        .map(|e| json!({ "origin": e.origin(), "code": e.code(), "message": e.to_string() }))
        .collect();
    println!("{doc}");
    if let Some(e) = report.error() {
        eprintln!("error[{}]: {e}", e.code());
    }
}
