//! Checklist items 4 to 8 of Pictify's guidance: rotation, unused keys, monitoring, who may
//! create keys, the incident-response plan. Pure functions of the facts.

use crate::inventory::{FlagKind, ROTATE_DAYS, UNUSED_DAYS};

use super::{ChecklistItem, Item, MonitoringFacts, ProjectFacts, FILL_IN};

const WRITE_CONFIG: &str = "list your keys by ID in pictify-keys.toml (name, owner, created, environments; see docs/monitor.md)";

/// The configuration, or the item's answer when there is none or it was refused.
fn configured(facts: &ProjectFacts, item: Item) -> Result<&MonitoringFacts, ChecklistItem> {
    match &facts.monitoring {
        None => Err(item.warn(
            vec!["no key inventory (pictify-keys.toml or monitor.toml) found".into()],
            WRITE_CONFIG,
        )),
        Some(m) => match &m.error {
            Some(e) => Err(item.fail(
                vec![format!("{}: {e}", m.config)],
                "fix the configuration at the place named (`pictify-keys keys` shows the error)",
            )),
            None => Ok(m),
        },
    }
}

pub(super) fn key_rotation(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::KEY_ROTATION;
    let m = match configured(facts, item) {
        Ok(m) => m,
        Err(answer) => return answer,
    };
    let Some(inv) = &m.inventory else {
        return item.warn(vec!["the inventory was not judged".into()], WRITE_CONFIG);
    };
    let active: Vec<_> = inv.keys.iter().filter(|k| !k.revoked).collect();
    let old: Vec<String> = inv
        .flags()
        .filter(|(_, f)| f.kind == FlagKind::Old)
        .map(|(k, f)| format!("{}: {}", k.id, f.message))
        .collect();
    if !old.is_empty() {
        return item.fail(old, FlagKind::Old.fix());
    }
    let undated: Vec<String> = active
        .iter()
        .filter(|k| k.created.is_none())
        .map(|k| format!("{}: no `created` date", k.id))
        .collect();
    if !undated.is_empty() {
        return item.warn(
            undated,
            "set `created` for each key in the configuration (the dashboard shows it)",
        );
    }
    if active.is_empty() {
        return item.warn(
            vec![format!("{}: lists no active key", m.config)],
            WRITE_CONFIG,
        );
    }
    item.pass(format!(
        "{} active key(s), all created within {ROTATE_DAYS} days",
        active.len()
    ))
}

pub(super) fn unused_keys(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::UNUSED_KEYS;
    let m = match configured(facts, item) {
        Ok(m) => m,
        Err(answer) => return answer,
    };
    let Some(inv) = &m.inventory else {
        return item.warn(vec!["the inventory was not judged".into()], WRITE_CONFIG);
    };
    let unused: Vec<String> = inv
        .flags()
        .filter(|(_, f)| f.kind == FlagKind::Unused)
        .map(|(k, f)| format!("{}: {}", k.id, f.message))
        .collect();
    if !unused.is_empty() {
        return item.fail(unused, FlagKind::Unused.fix());
    }
    if !inv.logs.given || m.events == 0 {
        return item.warn(
            vec!["no audit events: last use is unknown".into()],
            "pass --audit LOG (or set audit_logs in the configuration) so last use can be read",
        );
    }
    if !inv.unlisted.is_empty() {
        return item.warn(
            vec![format!(
                "used in the audit logs but not in the inventory: {}",
                inv.unlisted.join(", ")
            )],
            "add these keys to the configuration with an owner, or revoke them",
        );
    }
    item.pass(format!(
        "every active key was used within {UNUSED_DAYS} days (audit logs {} to {})",
        inv.logs.from.as_deref().unwrap_or("?"),
        inv.logs.to.as_deref().unwrap_or("?")
    ))
}

pub(super) fn usage_monitored(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::USAGE_MONITORED;
    let m = match configured(facts, item) {
        Ok(m) => m,
        Err(answer) => return answer,
    };
    let fed = "run `pictify-keys audit --config FILE LOG…` on the audit logs (or list them in audit_logs) and act on its alerts";
    if m.keys == 0 {
        return item.warn(
            vec![format!(
                "{}: lists no key, so no per-key rule applies",
                m.config
            )],
            WRITE_CONFIG,
        );
    }
    let mut details = vec![format!(
        "{}: {} key(s), {} alert rule(s) (allowed networks, business hours, revocations, production networks) besides the default detectors",
        m.config, m.keys, m.rules
    )];
    if !m.audit_errors.is_empty() {
        details.extend(m.audit_errors.iter().cloned());
        return item.warn(details, "fix the audit log paths (given or in audit_logs)");
    }
    if m.audit_logs.is_empty() {
        details.push("no audit log given or configured: the monitor is not fed".into());
        return item.warn(details, fed);
    }
    if m.events == 0 {
        details.push(format!("no audit event in {}", m.audit_logs.join(", ")));
        return item.warn(details, fed);
    }
    details.push(format!(
        "{} event(s) in {}",
        m.events,
        m.audit_logs.join(", ")
    ));
    item.result(super::Status::Pass, details, None)
}

pub(super) fn key_creation_access() -> ChecklistItem {
    Item::KEY_CREATION_ACCESS.manual(
        vec![
            "not visible from the project: check the Pictify dashboard's team settings".into(),
            "only the people who deploy should have the role that creates and revokes API keys; remove people who left and revoke the keys they created".into(),
        ],
        "in the Pictify dashboard's team settings, review who can create API keys and require two-factor sign-in for them",
    )
}

pub(super) fn incident_plan(facts: &ProjectFacts) -> ChecklistItem {
    let item = Item::INCIDENT_PLAN;
    match &facts.incident_plan {
        None => item.warn(
            vec!["no incident-response plan (docs/incident-response.md or similar) found".into()],
            "run `pictify-keys incident --template` to write docs/incident-response.md, then fill in contacts",
        ),
        Some(p) if p.unfilled > 0 => item.warn(
            vec![format!(
                "{}: {} place(s) still to fill in (`{FILL_IN} …]`)",
                p.path, p.unfilled
            )],
            format!("fill in the marked places of {}", p.path),
        ),
        Some(p) => item.pass(format!("{} is present", p.path)),
    }
}
