//! The error contract: tests/vectors/errors.json run against the core's `Error::report`, and
//! docs/errors.md generated from the core (every code, its family, an example message and
//! what to do, from the variants' doc comments). `just errors-doc` rewrites the page; this
//! test fails when it is stale.
#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;

use pictify_keys::scan::Allowlist;
use pictify_keys::{
    check_environment, detect_environment, ApiKey, DetailValue, Details, DotEnv, Error,
    ErrorFamily, ErrorReport, HttpError, KeyRef, Policy, SecretError, SourceChain, SourceError,
    Style,
};
use serde_json::{json, Value};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn vectors() -> Value {
    let path = root().join("tests/vectors/errors.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn env_map(case: &Value) -> BTreeMap<String, String> {
    case["env"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs one case's call; `None` when it unexpectedly succeeds.
fn run(case: &Value) -> Option<Error> {
    let input = case["input"].as_str().unwrap_or_default();
    match case["call"].as_str().unwrap() {
        "parse" => ApiKey::parse(input).err().map(Error::from),
        "check" => {
            let key = ApiKey::parse(case["key"].as_str().unwrap()).unwrap();
            let detection = detect_environment(&env_map(case));
            check_environment(&key, &detection, Policy::strict())
                .err()
                .map(Error::from)
        }
        "dotenv" => DotEnv::parse(input).err().map(Error::from),
        "load" => SourceChain::standard(env_map(case), None, None)
            .load_all()
            .err(),
        "audit_key_id" => KeyRef::from_id(input).err().map(Error::from),
        "allowlist" => Allowlist::parse(input).err().map(Error::from),
        "redact_style" => Style::parse(input).err(),
        other => panic!("unknown call {other}"),
    }
}

/// The report as the JSON every front end must match: code, family, details.
fn observed(report: &ErrorReport) -> Value {
    let details: serde_json::Map<String, Value> = report
        .details
        .fields()
        .into_iter()
        .map(|(name, v)| {
            let v = match v {
                DetailValue::Text(t) => json!(t),
                DetailValue::Number(n) => json!(n),
            };
            (name.to_owned(), v)
        })
        .collect();
    json!({ "code": report.code, "family": report.family.as_str(), "details": details })
}

#[test]
fn error_vectors() {
    let doc = vectors();
    assert_eq!(
        doc["detailNames"],
        json!(Details::NAMES),
        "errors.json lists the detail names of the core"
    );
    let mut failures = Vec::new();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 25);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let Some(err) = run(case) else {
            failures.push(format!("{name}: succeeded"));
            continue;
        };
        let report = err.report();
        let expected =
            json!({ "code": case["code"], "family": case["family"], "details": case["details"] });
        let got = observed(&report);
        if got != expected {
            failures.push(format!("{name}: expected {expected}, got {got}"));
        }
        if !report.message.starts_with(&format!("[{}] ", report.code)) {
            failures.push(format!("{name}: message {:?}", report.message));
        }
        if report.text() != err.to_string() {
            failures.push(format!("{name}: text() is not the Display text"));
        }
        if let Some(secret) = case["secret"].as_str() {
            if report.message.contains(secret) {
                failures.push(format!("{name}: the message holds the secret"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// One example error for every code that needs a file or a server (the rest come from
/// errors.json).
fn extra_examples() -> Vec<Error> {
    vec![
        SourceError::Missing {
            origin: "file:/var/run/secrets/pictify/api-key".into(),
        }
        .into(),
        SourceError::Unreadable {
            origin: "file:/var/run/secrets/pictify/api-key".into(),
            reason: "permission denied".into(),
        }
        .into(),
        HttpError::Unauthorized {
            tried: 2,
            api_code: Some("revoked_api_key".into()),
            request_id: Some("req_8f2c".into()),
        }
        .into(),
        HttpError::Timeout { attempts: 3 }.into(),
        HttpError::Connection { attempts: 3 }.into(),
        HttpError::RateLimited { attempts: 3 }.into(),
        HttpError::Server {
            status: 503,
            attempts: 3,
        }
        .into(),
        HttpError::Status {
            status: 422,
            message: Some("width must be at most 4096".into()),
            api_code: Some("invalid_parameter".into()),
            request_id: Some("req_8f2d".into()),
        }
        .into(),
        HttpError::InvalidRequest {
            reason: "the path must start with / and hold no spaces",
        }
        .into(),
        HttpError::InvalidResponse { status: 200 }.into(),
        HttpError::Transport { kind: "tls" }.into(),
        Error::InvalidJson {
            what: "the text",
            line: 1,
            column: 2,
        },
        pictify_keys::monitor::Config::parse(
            "[keys.k]\nname = \"pk_live_FAKE3Wwd25rq4f5zra1b2\"\n",
        )
        .unwrap_err()
        .into(),
        pictify_keys::monitor::Config::parse("[keys.k]\nnmae = \"render\"\n")
            .unwrap_err()
            .into(),
        pictify_keys::monitor::Config::parse("window_minutes = 7\n")
            .unwrap_err()
            .into(),
        SecretError::BadReference {
            origin: "env:PICTIFY_API_KEY".into(),
            part: "path",
            reason: "is missing: write vault://MOUNT/PATH (e.g. vault://secret/pictify)",
        }
        .into(),
        SecretError::NotFound {
            origin: "vault://secret/pictify#api_key".into(),
            status: 404,
        }
        .into(),
        SecretError::AccessDenied {
            origin: "vault://secret/pictify#api_key".into(),
            status: 403,
        }
        .into(),
        SecretError::Unreachable {
            origin: "aws-sm://pictify/api-key".into(),
            reason: "connection",
        }
        .into(),
        SecretError::FieldMissing {
            origin: "vault://secret/pictify#api_key".into(),
            field: "api_key".into(),
        }
        .into(),
        SecretError::NotText {
            origin: "aws-sm://pictify/api-key".into(),
        }
        .into(),
        SecretError::CredentialsMissing {
            origin: "vault://secret/pictify#api_key".into(),
            variable: "VAULT_TOKEN",
        }
        .into(),
        SecretError::Manager {
            origin: "aws-sm://pictify/api-key".into(),
            status: 400,
            kind: "ThrottlingException".into(),
        }
        .into(),
        SecretError::InvalidResponse {
            origin: "vault://secret/pictify#api_key".into(),
            status: 200,
        }
        .into(),
        SecretError::Unsupported {
            origin: "gcp-sm://projects/my-project/secrets/pictify-api-key".into(),
        }
        .into(),
    ]
}

/// `(type, variant) -> doc comment` and `code -> (type, variant)` read from the core's sources.
struct Docs {
    docs: BTreeMap<(String, String), String>,
    codes: BTreeMap<String, (String, String)>,
}

fn read_docs() -> Docs {
    let mut docs = BTreeMap::new();
    let mut codes = BTreeMap::new();
    for file in [
        "core/src/error/mod.rs",
        "core/src/error/http.rs",
        "core/src/error/secret.rs",
        "core/src/key/error.rs",
        "core/src/env.rs",
        "core/src/audit.rs",
        "core/src/error/monitor.rs",
    ] {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let mut current_type: Option<String> = None;
        let mut impl_type: Option<String> = None;
        let mut pending: Vec<String> = Vec::new();
        let mut in_code_fn = false;
        let mut in_attribute = false;
        for line in &lines {
            let t = line.trim();
            if in_attribute {
                in_attribute = !t.ends_with(")]");
                continue;
            }
            if let Some(doc) = t.strip_prefix("///") {
                pending.push(doc.trim().to_owned());
                continue;
            }
            if t.starts_with("#[") {
                in_attribute = !t.ends_with(']');
                continue;
            }
            if let Some(rest) = t
                .strip_prefix("pub enum ")
                .or_else(|| t.strip_prefix("pub struct "))
            {
                let name = rest.split([' ', '{', '(']).next().unwrap().to_owned();
                docs.insert((name.clone(), String::new()), pending.join(" "));
                current_type = Some(name);
            } else if line.starts_with("    ")
                && !line.starts_with("     ")
                && current_type.is_some()
                && !pending.is_empty()
            {
                let variant: String = t
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !variant.is_empty() && variant.chars().next().unwrap().is_ascii_uppercase() {
                    docs.insert((current_type.clone().unwrap(), variant), pending.join(" "));
                }
            }
            if line.starts_with('}') {
                current_type = None;
            }
            if let Some(rest) = t.strip_prefix("impl ") {
                impl_type = Some(rest.split([' ', '{']).next().unwrap().to_owned());
                current_type = None;
            }
            if t.starts_with("pub fn code(&self)") {
                in_code_fn = true;
            } else if in_code_fn && line.starts_with("    }") {
                in_code_fn = false;
            } else if in_code_fn {
                let ty = impl_type.clone().unwrap();
                if let Some(code) = t.strip_prefix('"').and_then(|r| r.strip_suffix('"')) {
                    codes.insert(code.to_owned(), (ty.clone(), String::new()));
                } else if let (Some(arm), Some(code)) = (
                    t.strip_prefix("Self::"),
                    t.split("=> \"").nth(1).and_then(|r| r.strip_suffix("\",")),
                ) {
                    let variant: String = arm
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    codes.insert(code.to_owned(), (ty.clone(), variant));
                }
            }
            pending.clear();
        }
    }
    Docs { docs, codes }
}

const FAMILY_TITLES: [(&str, &str, &str); 5] = [
    (
        "format",
        "the key itself is malformed",
        "Python `KeyFormatError`, JS `KeyFormatError`, Kotlin `PictifyException.Format`, Swift `PictifyError.Format`",
    ),
    (
        "environment",
        "a well-formed key is refused where it runs",
        "Python `KeyEnvironmentError`, JS `EnvironmentError`, Kotlin `PictifyException.Environment`, Swift `PictifyError.Environment`",
    ),
    (
        "source",
        "a key source failed or found nothing",
        "Python `KeySourceError`, JS `SourceError`, Kotlin `PictifyException.Source`, Swift `PictifyError.Source`",
    ),
    (
        "http",
        "a call to the Pictify API failed",
        "Python `PictifyHTTPError`, JS `HttpError`, Kotlin `PictifyException.Http`, Swift `PictifyError.Http`",
    ),
    (
        "input",
        "an argument or input that is not a key was refused",
        "Python `PictifyInputError`, JS `InputError` (also exported as `AuditError` and `InvalidArgumentError`), Kotlin `PictifyException.Input`, Swift `PictifyError.Input`",
    ),
];

fn glossary() -> String {
    let docs = read_docs();
    let mut examples: BTreeMap<&'static str, ErrorReport> = BTreeMap::new();
    let doc = vectors();
    for case in doc["cases"].as_array().unwrap() {
        if let Some(e) = run(case) {
            examples.entry(e.code()).or_insert_with(|| e.report());
        }
    }
    for e in extra_examples() {
        examples.entry(e.code()).or_insert_with(|| e.report());
    }
    examples
        .entry("no_key")
        .or_insert_with(|| Error::NoKey.report());
    let missing: Vec<&String> = docs
        .codes
        .keys()
        .filter(|c| !examples.contains_key(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without an example (add a case to tests/vectors/make_errors.py or to extra_examples): {missing:?}"
    );
    let undocumented: Vec<&&str> = examples
        .keys()
        .filter(|c| !docs.codes.contains_key(**c))
        .collect();
    assert!(
        undocumented.is_empty(),
        "codes without a doc comment: {undocumented:?}"
    );

    let mut out = String::new();
    out.push_str("# Error codes\n\n");
    out.push_str("<!-- Generated by core/tests/errors.rs from the core's error types; do not edit. Run `just errors-doc` after changing an error. -->\n\n");
    out.push_str("Every error of pictify-keys has a stable `code`, identical in every language, and a\n`family` that picks the exception class. Every front end shows the same report:\n\n");
    out.push_str(
        "- the message is `[code] message` (what is wrong and what to do; never the secret);\n",
    );
    out.push_str("- `.code`, `.family` and `.details` (camelCase names; a detail the error does not carry is absent):\n  Python exceptions also set each detail as an attribute (`e.position`), JS errors carry\n  `e.details.position`, Kotlin and Swift `PictifyError` carry `details`, and the CLI's `--json`\n  errors print `{\"code\", \"family\", \"message\", \"details\"}`.\n\n");
    out.push_str("The cases in tests/vectors/errors.json pin code, family and details for every language.\n\n");
    out.push_str("Details: ");
    out.push_str(
        &Details::NAMES
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
    );
    out.push_str(".\n");
    for (family, title, classes) in FAMILY_TITLES {
        assert!(ErrorFamily::ALL.iter().any(|f| f.as_str() == family));
        let _ = write!(out, "\n## `{family}`: {title}\n\n{classes}.\n\n");
        out.push_str("| code | what it means, what to do | details | example message |\n");
        out.push_str("| --- | --- | --- | --- |\n");
        for (code, report) in &examples {
            if report.family.as_str() != family {
                continue;
            }
            let (ty, variant) = &docs.codes[*code];
            let what = docs
                .docs
                .get(&(ty.clone(), variant.clone()))
                .cloned()
                .unwrap_or_default();
            assert!(
                !what.is_empty(),
                "{code}: {ty}::{variant} has no doc comment"
            );
            let details = report
                .details
                .fields()
                .iter()
                .map(|(n, _)| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let _ = writeln!(
                out,
                "| `{code}` | {} | {} | {} |",
                cell(&what.replace("[`", "`").replace("`]", "`")),
                if details.is_empty() {
                    "–".into()
                } else {
                    details
                },
                cell(&format!("`` {} ``", report.message))
            );
        }
    }
    out.push_str("\n## Not errors\n\n");
    out.push_str("Warnings carry a code too, but nothing is raised: `unknown_environment` and\n`relaxed_policy` (the environment check allowed a key with a warning), `shadowed_key` (a\nlower key source holds a key that is not used). The `pictify-keys` command adds codes of\nits own for its `--json` errors: `env_file_unreadable`, `git_failed`, `not_a_directory`,\n`ignore_file_unreadable`.\n");
    out.push_str("\n`pictify-keys scan --history` adds: `not_a_git_repository` (run it inside a clone or its\nwork tree), `bad_revision` (git does not know the RANGE), `invalid_key_selector` (`--key` is\nnot a hash, fingerprint or key; the value is never repeated), `git_output_malformed` (git\nprinted something the parser cannot read; check that git is 2.20 or newer), and the warning\n`shallow_history` (a shallow clone: the history is partial).\n");
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[test]
fn glossary_is_current() {
    let path = root().join("docs/errors.md");
    let fresh = glossary();
    if std::env::var_os("PICTIFY_WRITE_ERRORS_DOC").is_some() {
        std::fs::write(&path, &fresh).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "docs/errors.md is stale: run `just errors-doc` and commit the result"
    );
}
