//! The five checklist items, each a pure function of the facts.

use crate::check::Verdict;
use crate::env::{check_mode, Detection, Policy, PolicyError, Warning};
use crate::key::Mode;

use super::{
    env_file_environment, is_template_env_file, ChecklistItem, EnvFileFacts, Item, ProjectFacts,
    SourcesFact, Status,
};

pub(super) fn env_files_ignored(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::ENV_FILES_IGNORED;
    let secret_files: Vec<&EnvFileFacts> = facts
        .env_files
        .iter()
        .filter(|f| !is_template_env_file(&f.path) || !f.keys.is_empty())
        .collect();
    if !facts.git {
        return item.warn(
            vec!["not a git repository: cannot tell what would be committed".into()],
            "run doctor inside the project's git work tree",
        );
    }
    let tracked: Vec<String> = secret_files
        .iter()
        .filter(|f| f.tracked)
        .map(|f| f.path.clone())
        .collect();
    if !tracked.is_empty() {
        return item.fail(
            tracked
                .iter()
                .map(|n| format!("{n} is tracked by git"))
                .collect(),
            format!(
                "git rm --cached {} && printf '.env*\\n!.env.example\\n' >> .gitignore; rotate any key it held",
                tracked.join(" ")
            ),
        );
    }
    let exposed: Vec<String> = secret_files
        .iter()
        .filter(|f| !f.ignored && !is_template_env_file(&f.path))
        .map(|f| format!("{} is not ignored: `git add .` would commit it", f.path))
        .collect();
    if !exposed.is_empty() {
        return item.warn(exposed, "add `.env*` (and `!.env.example`) to .gitignore");
    }
    item.pass(format!(
        "{} env file(s), all ignored and untracked",
        secret_files.len()
    ))
}

pub(super) fn no_hardcoded_keys(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::NO_HARDCODED_KEYS;
    if !facts.hardcoded.is_empty() {
        let details = facts
            .hardcoded
            .iter()
            .map(|h| format!("{}:{}: {}", h.path, h.line, h.fingerprint))
            .collect();
        return item.fail(
            details,
            "move the key to PICTIFY_API_KEY (environment or an ignored .env), revoke it, and run `pictify-keys scan`",
        );
    }
    if facts.scan_errors > 0 {
        return item.warn(
            vec![format!("{} file(s) could not be read", facts.scan_errors)],
            "check the file permissions and run `pictify-keys scan`",
        );
    }
    item.pass("no real key outside environment files")
}

pub(super) fn live_test_separation(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::LIVE_TEST_SEPARATION;
    let mut fails = Vec::new();
    let mut warns = Vec::new();
    for file in &facts.env_files {
        // The file's name decides its environment; the strict policy decides the rest.
        let detection = Detection::explicit(env_file_environment(&file.path));
        for k in &file.keys {
            match check_mode(k.mode, &detection, Policy::strict()) {
                Err(PolicyError::LiveKeyInDevelopment { environment, .. }) => fails.push(format!(
                    "{}: {} is a live key in a {environment} file",
                    file.path, k.fingerprint
                )),
                Err(PolicyError::TestKeyInProduction { .. }) => fails.push(format!(
                    "{}: {} is a test key in a production file",
                    file.path, k.fingerprint
                )),
                Ok(allowed)
                    if allowed.warning == Some(Warning::UnknownEnvironment)
                        && k.mode == Mode::Live
                        && !is_template_env_file(&file.path) =>
                {
                    warns.push(format!(
                        "{}: {} is a live key in a file for no named environment",
                        file.path, k.fingerprint
                    ));
                }
                _ => {}
            }
        }
    }
    // The same key in files for different environments.
    for (i, a) in facts.env_files.iter().enumerate() {
        for b in &facts.env_files[i + 1..] {
            if env_file_environment(&a.path) == env_file_environment(&b.path) {
                continue;
            }
            for ka in &a.keys {
                if b.keys.iter().any(|kb| kb.hash == ka.hash) {
                    fails.push(format!(
                        "{} is used in both {} and {}",
                        ka.fingerprint, a.path, b.path
                    ));
                }
            }
        }
    }
    if !fails.is_empty() {
        return item.fail(
            fails,
            "use a pk_live_ key only in .env.production and a separate pk_test_ key everywhere else",
        );
    }
    if !warns.is_empty() {
        return item.warn(
            warns,
            "keep live keys in .env.production (or the platform's secret store), test keys in .env.development",
        );
    }
    let n: usize = facts.env_files.iter().map(|f| f.keys.len()).sum();
    item.pass(format!(
        "{n} key(s) in env files, each in a file of its mode"
    ))
}

pub(super) fn environment_policy(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::ENVIRONMENT_POLICY;
    let Some(report) = &facts.current else {
        return item.warn(vec!["not checked".into()], "run `pictify-keys check`");
    };
    if report.keys.is_empty() && report.unresolved.is_empty() {
        return item.warn(
            vec![format!(
                "no key is set in this environment ({})",
                report.detection.environment
            )],
            "set PICTIFY_API_KEY (in the environment or an ignored .env)",
        );
    }
    let env = report.detection.environment;
    let mut status = Status::Pass;
    let mut details = Vec::new();
    let mut fix = None;
    for k in &report.keys {
        let shown = k
            .fingerprint
            .as_ref()
            .map_or_else(|| k.origin.clone(), |fp| format!("{} {fp}", k.origin));
        let (s, note) = match &k.verdict {
            Verdict::Allowed => (Status::Pass, format!("{shown}: allowed in {env}")),
            Verdict::AllowedWithWarning(w) => (
                Status::Warn,
                format!("{shown}: {} ({})", w.message(), w.code()),
            ),
            Verdict::Refused(e) => (Status::Fail, format!("{shown}: {} ({})", e, e.code())),
            Verdict::Malformed(e) => (Status::Fail, format!("{shown}: {} ({})", e, e.code())),
        };
        if s > status {
            status = s;
            fix = Some(match &k.verdict {
                Verdict::AllowedWithWarning(_) => "set PICTIFY_ENV (or NODE_ENV) so the key can be checked".to_owned(),
                Verdict::Refused(_) => match k.mode {
                    Some(Mode::Live) => "use a pk_test_ key outside production".to_owned(),
                    _ => "use a pk_live_ key in production".to_owned(),
                },
                _ => {
                    "copy the key again from the Pictify dashboard (`pictify-keys check` explains the error)".to_owned()
                }
            });
        }
        details.push(note);
    }
    // A secret reference that could not be resolved (not found, access denied, …).
    for e in &report.unresolved {
        details.push(format!("{} ({})", e, e.code()));
        if status < Status::Fail {
            status = Status::Fail;
            fix = Some(
                "fix the secret reference or the manager's settings (`pictify-keys check` explains the error)"
                    .to_owned(),
            );
        }
    }
    item.result(status, details, fix)
}

pub(super) fn key_sources(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::KEY_SOURCES;
    match &facts.sources {
        None => item.warn(vec!["not checked".into()], "run doctor in the project root"),
        Some(SourcesFact::NoKey) => item.warn(
            vec!["no source holds a key".into()],
            "set PICTIFY_API_KEY (in the environment or an ignored .env)",
        ),
        Some(SourcesFact::Broken { code, message }) => item.fail(
            vec![format!("{message} ({code})")],
            "fix the source named above; `pictify-keys check` explains key errors",
        ),
        Some(SourcesFact::Resolved { source, shadowed }) if !shadowed.is_empty() => item.warn(
            shadowed
                .iter()
                .map(|s| format!("{s} ({})", s.code()))
                .collect(),
            format!("remove the stale keys so that only {source} holds the key"),
        ),
        Some(SourcesFact::Resolved { source, .. }) => {
            item.pass(format!("keys resolve from {source}"))
        }
    }
}
