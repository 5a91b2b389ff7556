//! The `incident --format html` page: the investigation report of one key in the page style
//! of `audit --html` ([`crate::html`]): the immediate actions and their state first, then
//! requests per day with the exposure and revocation marked, the suspicious requests, the
//! per-IP table, what could have been accessed (writes first) and where the key appears.
//! Every text comes from logs, configuration or git and is escaped by the page module.

use pictify_keys::incident::{ActionState, IncidentReport};
use pictify_keys::monitor::parse_timestamp;

use crate::html::{self, Html, Page, Series, Span, Stat, Table};

const DAY: i64 = 86_400;

fn state_tone(state: ActionState) -> &'static str {
    match state {
        ActionState::Critical => "critical",
        ActionState::Todo => "high",
        ActionState::Manual => "medium",
        ActionState::Done => "ok",
    }
}

fn state_name(state: ActionState) -> &'static str {
    match state {
        ActionState::Critical => "critical",
        ActionState::Todo => "to do",
        ActionState::Manual => "manual",
        ActionState::Done => "done",
    }
}

fn severity_tone(severity: &str) -> &'static str {
    match severity {
        "critical" => "critical",
        "high" => "high",
        "medium" => "medium",
        _ => "low",
    }
}

fn or_dash(value: Option<&str>) -> Html {
    Html::text(value.unwrap_or("—"))
}

fn actions(report: &IncidentReport) -> Html {
    Html::concat(report.actions.iter().map(|a| {
        Html::card(
            &format!("action-{}", a.id),
            ("data-state", state_name(a.state)),
            state_tone(a.state),
            Html::concat([
                Html::heading_html(Html::concat([
                    Html::badge(state_name(a.state), state_tone(a.state)),
                    Html::text(" "),
                    Html::text(a.title),
                ])),
                Html::paragraph(&a.detail, None),
            ]),
        )
    }))
}

/// Requests per UTC day, every day from the first to the last (days without requests are
/// zero), with the stretch between exposure and revocation and the time after revocation
/// highlighted.
fn per_day_chart(report: &IncidentReport) -> Option<Html> {
    let day_start = |date: &str| parse_timestamp(&format!("{date}T00:00:00Z")).ok();
    let start = day_start(&report.days.first()?.date)?;
    let last = day_start(&report.days.last()?.date)?;
    let n = usize::try_from((last - start) / DAY + 1).ok()?;
    let (mut requests, mut outside, mut after) = (vec![0; n], vec![0; n], vec![0; n]);
    for d in &report.days {
        let Some(i) = day_start(&d.date).and_then(|t| usize::try_from((t - start) / DAY).ok())
        else {
            continue;
        };
        if i < n {
            requests[i] = d.requests;
            outside[i] = d.outside;
            after[i] = d.after_exposure.max(d.after_revocation);
        }
    }
    let end = start + DAY * n as i64;
    let exposed = report
        .exposed_at
        .as_deref()
        .and_then(|t| parse_timestamp(t).ok());
    let revoked = report
        .revoked_at
        .as_deref()
        .and_then(|t| parse_timestamp(t).ok());
    let mut spans = Vec::new();
    if let Some(e) = exposed {
        spans.push(Span {
            start: e,
            end: revoked.unwrap_or(end).max(e),
            label: "exposed, not yet revoked",
            tone: "high",
        });
    }
    if let Some(r) = revoked {
        spans.push(Span {
            start: r,
            end: end.max(r),
            label: "after revocation",
            tone: "critical",
        });
    }
    Some(html::time_chart(
        start,
        DAY,
        &[
            Series {
                name: "requests",
                color: html::BLUE,
                values: &requests,
                filled: true,
            },
            Series {
                name: "outside the allowed networks",
                color: html::RED,
                values: &outside,
                filled: false,
            },
            Series {
                name: "after exposure or revocation",
                color: html::AMBER,
                values: &after,
                filled: false,
            },
        ],
        &spans,
        "Requests per day (UTC)",
    ))
}

fn timeline(report: &IncidentReport) -> Html {
    let mut t = Table::new(&["Time", "What"]).compact();
    for m in &report.timeline {
        t.row(None, vec![Html::code(&m.time), Html::text(&m.what)]);
    }
    let chart = per_day_chart(report).unwrap_or_default();
    Html::concat([chart, t.into_html()])
}

fn suspicious(report: &IncidentReport) -> Html {
    let mut t = Table::new(&["Time", "IP", "Request", "Status", "Why", "Evidence"]).numeric(&[3]);
    for s in &report.suspicious {
        t.row(
            Some(("data-ip", s.ip.as_deref().unwrap_or(""))),
            vec![
                Html::code(&s.time),
                or_dash(s.ip.as_deref()),
                Html::code(&format!("{} {}", s.method, s.endpoint)),
                Html::num(u64::from(s.status)),
                Html::text(&s.reasons.join(", ")),
                Html::code(&format!("{}:{}", s.evidence.source, s.evidence.line)),
            ],
        );
    }
    let more = report.suspicious_total.saturating_sub(t.len() as u64);
    let note = if more > 0 {
        Html::paragraph(
            &format!("and {more} more (see the JSON output)"),
            Some("muted"),
        )
    } else {
        Html::default()
    };
    if report.suspicious_total == 0 {
        return Html::paragraph(
            "No request from outside the allowed networks or after the exposure.",
            Some("muted"),
        );
    }
    Html::concat([t.into_html(), note])
}

fn networks(report: &IncidentReport) -> Html {
    let mut t = Table::new(&[
        "IP",
        "Network",
        "First seen",
        "Last seen",
        "Requests",
        "2xx",
        "After exposure",
        "Allowed",
    ])
    .numeric(&[4, 5, 6]);
    for n in &report.networks {
        let allowed = match n.allowed {
            Some(true) => Html::badge("allowed", "ok"),
            Some(false) => Html::badge("outside", "critical"),
            None => Html::text("—"),
        };
        t.row(
            Some(("data-ip", &n.ip)),
            vec![
                Html::code(&n.ip),
                Html::code(&n.network),
                Html::code(&n.first_seen),
                Html::code(&n.last_seen),
                Html::num(n.count),
                Html::num(n.success),
                Html::num(n.after_exposure),
                allowed,
            ],
        );
    }
    let note = if report.networks_overflow > 0 {
        Html::paragraph(
            &format!(
                "{} more requests from IPs not listed",
                report.networks_overflow
            ),
            Some("muted"),
        )
    } else {
        Html::default()
    };
    Html::concat([t.into_html(), note])
}

fn access(report: &IncidentReport) -> Html {
    let mut t = Table::new(&[
        "Method",
        "Endpoint",
        "Status",
        "Requests",
        "First seen",
        "Last seen",
    ])
    .numeric(&[2, 3]);
    for a in &report.access {
        let method = if a.write {
            Html::concat([
                Html::badge("write", "high"),
                Html::text(" "),
                Html::code(&a.method),
            ])
        } else {
            Html::code(&a.method)
        };
        t.row(
            Some(("data-endpoint", &a.endpoint)),
            vec![
                method,
                Html::code(&a.endpoint),
                Html::num(u64::from(a.status)),
                Html::num(a.count),
                Html::code(&a.first_seen),
                Html::code(&a.last_seen),
            ],
        );
    }
    t.into_html()
}

fn appearances(report: &IncidentReport) -> Html {
    let mut t =
        Table::new(&["Where", "File", "Line", "Commit", "Author", "Date", "Note"]).numeric(&[2]);
    for a in &report.appearances {
        let commit = a.commit.as_deref().map(|c| &c[..c.len().min(12)]);
        t.row(
            Some(("data-kind", a.kind)),
            vec![
                Html::badge(
                    a.kind,
                    if a.kind == "git_history" {
                        "medium"
                    } else {
                        "high"
                    },
                ),
                Html::code(&a.path),
                Html::num(a.line),
                commit.map_or_else(|| Html::text("—"), Html::code),
                or_dash(a.author.as_deref()),
                or_dash(a.date.as_deref()),
                or_dash(a.detail.as_deref()),
            ],
        );
    }
    let history = if report.history_searched {
        Html::default()
    } else {
        Html::paragraph(
            "Git history was not searched (not a git repository): run `pictify-keys scan --history` where the code lives.",
            Some("muted"),
        )
    };
    if report.appearances.is_empty() {
        return Html::concat([
            Html::paragraph("The key was not found in the project.", Some("muted")),
            history,
        ]);
    }
    Html::concat([t.into_html(), history])
}

/// The page for `report`.
pub fn render(report: &IncidentReport) -> String {
    let key = &report.key;
    let who = key.id.as_deref().unwrap_or(&key.query);
    let title = match key.name.as_deref() {
        Some(name) => format!("Incident report: {who} ({name})"),
        None => format!("Incident report: {who}"),
    };
    let mut page = Page::new(&title);
    page.subtitle(&format!(
        "fingerprint {} · exposed {} · revoked {} · judged at {}",
        key.fingerprint.as_deref().unwrap_or("unknown"),
        report.exposed_at.as_deref().unwrap_or("unknown"),
        report.revoked_at.as_deref().unwrap_or("not yet"),
        report.now
    ));
    let tone = |n: u64, t: &'static str| if n == 0 { "ok" } else { t };
    page.stats(&[
        Stat {
            label: "severity",
            value: report.severity.to_owned(),
            tone: severity_tone(report.severity),
        },
        Stat {
            label: "requests",
            value: report.events.to_string(),
            tone: "muted",
        },
        Stat {
            label: "suspicious requests",
            value: report.suspicious_total.to_string(),
            tone: tone(report.suspicious_total, "high"),
        },
        Stat {
            label: "2xx after revocation",
            value: report.success_after_revocation.to_string(),
            tone: tone(report.success_after_revocation, "critical"),
        },
        Stat {
            label: "places holding the key",
            value: report.appearances.len().to_string(),
            tone: tone(report.appearances.len() as u64, "high"),
        },
    ]);
    page.section("actions", "Immediate actions", actions(report), true);
    page.section("timeline", "Timeline", timeline(report), true);
    page.section(
        "suspicious",
        "Outside the allowed networks or after the exposure",
        suspicious(report),
        true,
    );
    page.section(
        "networks",
        "Where requests came from",
        networks(report),
        true,
    );
    page.section(
        "access",
        "What could have been accessed (writes first)",
        access(report),
        true,
    );
    page.section(
        "appearances",
        "Where the key appears",
        appearances(report),
        true,
    );
    let left_out: u64 = report.lines_left_out.values().sum();
    page.footer(&format!(
        "pictify-keys incident · logs: {} · {} line(s) left out (not audit events)",
        if report.logs.is_empty() {
            "none".to_owned()
        } else {
            report.logs.join(", ")
        },
        left_out
    ));
    page.render()
}
