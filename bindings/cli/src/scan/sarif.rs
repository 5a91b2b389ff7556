//! The SARIF 2.1.0 output of `scan`, for code-scanning uploads.

use std::io::{self, Write};

use pictify_keys::scan::{AllowedBy, Class, Finding};
use serde_json::{json, Value};

use super::output::{describe, shown, Listed};
use super::Gathered;

const RULES: [(&str, &str, &str, &str); 3] = [
    (
        "pictify-api-key",
        "PictifyApiKey",
        "A Pictify API key (pk_live_/pk_test_) in the source",
        "error",
    ),
    (
        "pictify-api-key-placeholder",
        "PictifyApiKeyPlaceholder",
        "A documentation placeholder shaped like a Pictify API key",
        "note",
    ),
    (
        "pictify-api-key-fixture",
        "PictifyApiKeyFixture",
        "A fake Pictify API key marked as a test fixture (body starts with FAKE)",
        "note",
    ),
];

pub(super) fn write_sarif(out: &mut impl Write, g: &Gathered, listed: Listed) -> io::Result<()> {
    let mut results = Vec::new();
    for file in &g.files {
        for f in file.findings.iter().filter(|f| shown(f, listed)) {
            results.push(result(&file.path, f));
        }
    }
    let notifications: Vec<Value> = g
        .errors
        .iter()
        .map(|(p, m)| json!({ "level": "error", "message": { "text": format!("{p}: {m}") } }))
        .collect();
    let doc = document(results, notifications, g.summary.errors == 0);
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The SARIF result of one finding in `path`.
pub(super) fn result(path: &str, f: &Finding) -> Value {
    let index = match f.class {
        Class::Real => 0,
        Class::Placeholder => 1,
        Class::Fixture => 2,
    };
    let mut result = json!({
        "ruleId": RULES[index].0,
        "ruleIndex": index,
        "level": RULES[index].3,
        "message": { "text": describe(f) },
        "locations": [{
            "physicalLocation": {
                "artifactLocation": { "uri": path.replace('\\', "/"), "uriBaseId": "%SRCROOT%" },
                "region": {
                    "startLine": f.line,
                    "startColumn": f.column,
                    "endColumn": f.column + f.len,
                    "byteOffset": f.offset,
                    "byteLength": f.len,
                },
            },
        }],
        "partialFingerprints": { "pictifyKeyHash/v1": f.hash },
    });
    if let Some(a) = f.allowed {
        let kind = match a {
            AllowedBy::Inline => "inSource",
            AllowedBy::Allowlist => "external",
        };
        result["suppressions"] = json!([{ "kind": kind }]);
    }
    result
}

/// The SARIF document with the rules, the results and the notifications.
pub(super) fn document(results: Vec<Value>, notifications: Vec<Value>, success: bool) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|(id, name, text, level)| {
            json!({
                "id": id,
                "name": name,
                "shortDescription": { "text": text },
                "fullDescription": { "text": format!("{text}. Pictify keys are secrets: a committed key must be revoked in the dashboard and replaced.") },
                "help": { "text": "Move the key to the PICTIFY_API_KEY environment variable or an ignored .env file, revoke it, and allow reviewed findings with a `pictify-keys:allow` comment or a hash in .pictify-keys-ignore." },
                "defaultConfiguration": { "level": level },
            })
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "pictify-keys",
                "informationUri": "https://github.com/pictify/pictify-keys",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": success,
                "toolExecutionNotifications": notifications,
            }],
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    })
}
