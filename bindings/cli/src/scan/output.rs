//! The text and JSON output of `scan`.

use std::io::{self, Write};

use pictify_keys::scan::{Class, Finding};
use serde_json::{json, Value};

use super::Gathered;

/// Which findings are listed (all are counted): real keys always, placeholders and
/// fixtures on request.
#[derive(Clone, Copy)]
pub(super) struct Listed {
    pub(super) placeholders: bool,
    pub(super) fixtures: bool,
}

pub(super) fn shown(f: &Finding, listed: Listed) -> bool {
    match f.class {
        Class::Real => true,
        Class::Placeholder => listed.placeholders,
        Class::Fixture => listed.fixtures,
    }
}

pub(super) fn describe(f: &Finding) -> String {
    match (f.class, f.allowed, f.reason) {
        (Class::Real, None, _) => {
            format!(
                "real {} key {} — revoke it and remove it from the source",
                f.mode, f.fingerprint
            )
        }
        (Class::Real, Some(a), _) => format!(
            "real {} key {} (allowed: {})",
            f.mode,
            f.fingerprint,
            a.as_str()
        ),
        (Class::Placeholder, _, Some(reason)) => {
            format!("placeholder {} ({reason})", f.fingerprint)
        }
        (Class::Placeholder, _, None) => format!("placeholder {}", f.fingerprint),
        (Class::Fixture, _, _) => format!("fixture {} (body starts with FAKE)", f.fingerprint),
    }
}

pub(super) fn write_text(out: &mut impl Write, g: &Gathered, listed: Listed) -> io::Result<()> {
    for file in &g.files {
        for f in file.findings.iter().filter(|f| shown(f, listed)) {
            writeln!(
                out,
                "{}:{}:{}: {} [sha256:{}]",
                file.path,
                f.line,
                f.column,
                describe(f),
                f.hash
            )?;
        }
    }
    let s = &g.summary;
    writeln!(
        out,
        "scanned {} files ({:.1} MB): {} real key(s), {} allowed, {} placeholder(s), {} fixture(s); skipped {} binary, {} over the size limit; {} error(s)",
        s.files,
        s.bytes as f64 / 1e6,
        s.blocking,
        s.allowed,
        s.placeholders,
        s.fixtures,
        s.skipped_binary,
        s.skipped_large,
        s.errors
    )
}

pub(super) fn finding_json(path: &str, f: &Finding) -> Value {
    json!({
        "path": path,
        "line": f.line,
        "column": f.column,
        "offset": f.offset,
        "length": f.len,
        "mode": f.mode.as_str(),
        "fingerprint": f.fingerprint,
        "hash": format!("sha256:{}", f.hash),
        "class": f.class.as_str(),
        "reason": f.reason,
        "allowed": f.allowed.map(|a| a.as_str()),
        "blocking": f.is_blocking(),
    })
}

pub(super) fn write_json(
    out: &mut impl Write,
    g: &Gathered,
    listed: Listed,
    status: u8,
) -> io::Result<()> {
    let findings: Vec<Value> = g
        .files
        .iter()
        .flat_map(|file| {
            file.findings
                .iter()
                .filter(|f| shown(f, listed))
                .map(|f| finding_json(&file.path, f))
        })
        .collect();
    let errors: Vec<Value> = g
        .errors
        .iter()
        .map(|(p, m)| json!({ "path": p, "message": m }))
        .collect();
    let doc =
        json!({ "findings": findings, "summary": g.summary, "errors": errors, "exit": status });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
