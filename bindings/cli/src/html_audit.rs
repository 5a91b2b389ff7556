//! The `audit --html` page: the monitor's [`Report`] as one self-contained page made with
//! [`crate::html`]: summary figures, the alerts with their evidence and action, the usage
//! table, then per key requests and failures over time (alert windows highlighted), an
//! hour-of-week heat map and top lists.

use pictify_keys::monitor::{
    format_timestamp, Alert, IpClass, KeyUsage, Report, Severity, Timeline,
};

use crate::html::{self, Html, Page, Series, Span, Stat, Table};

/// Buckets a chart shows at most (a common time axis for every key).
const CHART_BUCKETS: usize = 1024;

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn tone(s: Severity) -> &'static str {
    s.as_str()
}

/// A common time axis for `timelines`: the first bucket start, the bucket width and the
/// number of buckets. Timelines are aligned on the epoch with widths of 3600 × 2^k, so
/// re-binning one onto a wider axis is exact.
fn axis<'a>(timelines: impl Iterator<Item = &'a Timeline>) -> Option<(i64, i64, usize)> {
    let mut lo = i64::MAX;
    let mut hi = i64::MIN;
    let mut width = 0i64;
    for t in timelines.filter(|t| !t.requests.is_empty() && t.bucket_secs > 0) {
        lo = lo.min(t.start);
        let len = i64::try_from(t.requests.len()).unwrap_or(i64::MAX);
        hi = hi.max(t.start.saturating_add(t.bucket_secs.saturating_mul(len)));
        width = width.max(t.bucket_secs);
    }
    if width == 0 {
        return None;
    }
    loop {
        let first = lo.div_euclid(width);
        let last = (hi - 1).div_euclid(width);
        let n = usize::try_from(last - first + 1).unwrap_or(usize::MAX);
        if n <= CHART_BUCKETS || width > i64::MAX / 4 {
            return Some((first * width, width, n.min(CHART_BUCKETS)));
        }
        width *= 2;
    }
}

/// `values` (buckets of `t`) added onto an axis `(start, width, n)`.
fn rebin(t: &Timeline, values: &[u64], axis: (i64, i64, usize), into: &mut [u64]) {
    let (start, width, n) = axis;
    for (i, v) in values.iter().enumerate() {
        let at = t
            .start
            .saturating_add(t.bucket_secs.saturating_mul(i64::try_from(i).unwrap_or(0)));
        let j = (at - start).div_euclid(width);
        if let Ok(j) = usize::try_from(j) {
            if j < n {
                into[j] += v;
            }
        }
    }
}

fn width_label(secs: i64) -> String {
    match secs {
        s if s % 86_400 == 0 && s > 86_400 => format!("{}-day", s / 86_400),
        86_400 => "daily".to_owned(),
        3600 => "hourly".to_owned(),
        s if s % 3600 == 0 => format!("{}-hour", s / 3600),
        s => format!("{s}-second"),
    }
}

fn chart(
    timelines: &[&Timeline],
    axis: (i64, i64, usize),
    alerts: &[&Alert],
    caption: &str,
) -> Html {
    let (start, width, n) = axis;
    let mut requests = vec![0u64; n];
    let mut errors = vec![0u64; n];
    let mut denied = vec![0u64; n];
    for t in timelines {
        rebin(t, &t.requests, axis, &mut requests);
        rebin(t, &t.errors, axis, &mut errors);
        rebin(t, &t.denied, axis, &mut denied);
    }
    let labels: Vec<String> = alerts
        .iter()
        .map(|a| format!("{} ({}) {}", a.kind.code(), a.severity.as_str(), a.id))
        .collect();
    let spans: Vec<Span> = alerts
        .iter()
        .zip(&labels)
        .map(|(a, label)| Span {
            start: a.start,
            end: a.end,
            label,
            tone: tone(a.severity),
        })
        .collect();
    html::time_chart(
        start,
        width,
        &[
            Series {
                name: "requests",
                color: html::BLUE,
                values: &requests,
                filled: true,
            },
            Series {
                name: "errors (5xx, 4xx)",
                color: html::RED,
                values: &errors,
                filled: false,
            },
            Series {
                name: "401/403/429",
                color: html::AMBER,
                values: &denied,
                filled: false,
            },
        ],
        &spans,
        &format!("{caption}, {} buckets (UTC)", width_label(width)),
    )
}

fn heatmap(k: &KeyUsage) -> Html {
    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let columns: Vec<&str> = hours.iter().map(String::as_str).collect();
    let values: Vec<Vec<u64>> = (0..7)
        .map(|d| {
            (0..24)
                .map(|h| k.hour_of_week.get(d * 24 + h).copied().unwrap_or(0))
                .collect()
        })
        .collect();
    html::heatmap(
        &DAYS,
        &columns,
        &values,
        "requests",
        "Requests by hour of the week (UTC)",
    )
}

fn top_table(title: &str, list: &[(String, u64)], limit: usize) -> Html {
    let mut t = Table::new(&[title, "count"]).numeric(&[1]).compact();
    for (name, n) in list.iter().take(limit) {
        t.row(None, vec![Html::code(name), Html::num(*n)]);
    }
    if t.len() == 0 {
        t.row(None, vec![Html::text("none"), Html::text("")]);
    }
    t.into_html()
}

fn alert_card(i: usize, a: &Alert) -> Html {
    let head = Html::concat([
        Html::badge(a.severity.as_str(), tone(a.severity)),
        Html::code(a.kind.code()),
        Html::text(" key "),
        Html::code(&a.key_id),
        Html::badge(
            if a.open { "open" } else { "ended" },
            if a.open { "high" } else { "muted" },
        ),
    ]);
    let windows = format!(
        "{} → {} ({} window{})",
        format_timestamp(a.start),
        format_timestamp(a.end),
        a.windows,
        if a.windows == 1 { "" } else { "s" }
    );
    let observed = match a.expected {
        Some(e) => format!("{} observed, {} expected", figure(a.observed), figure(e)),
        None => format!("{} observed", figure(a.observed)),
    };
    let evidence: Vec<String> = a
        .evidence
        .iter()
        .map(|e| format!("{}:{}", e.source, e.line))
        .collect();
    let facts = Html::facts(&[
        ("id", Html::code(&a.id)),
        ("window", Html::text(&windows)),
        ("figures", Html::text(&observed)),
        ("detail", Html::text(&a.detail)),
        ("requests", Html::num(a.events)),
        (
            "evidence",
            Html::concat(
                evidence
                    .iter()
                    .map(|e| Html::concat([Html::code(e), Html::text(" ")])),
            ),
        ),
    ]);
    // IPs with where they are (class; country and AS with --geoip).
    let mut ips = Table::new(&["IP", "count", "where"])
        .numeric(&[1])
        .compact();
    for (ip, n) in a.top_ips.iter().take(5) {
        let place = a
            .locations
            .iter()
            .find(|l| &l.ip == ip)
            .map(|l| {
                let mut parts: Vec<String> = Vec::new();
                if l.class != IpClass::Public {
                    parts.push(l.class.as_str().replace('_', "-"));
                }
                parts.extend(l.country.clone());
                parts.extend(l.asn.map(|n| format!("AS{n}")));
                parts.extend(l.as_org.clone());
                parts.join(" ")
            })
            .unwrap_or_default();
        ips.row(
            Some(("data-ip", ip)),
            vec![Html::code(ip), Html::num(*n), Html::text(&place)],
        );
    }
    let mut tops = Vec::new();
    if ips.len() > 0 {
        tops.push(ips.into_html());
    }
    for (title, list) in [
        ("network", &a.top_networks),
        ("user agent", &a.top_user_agents),
        ("endpoint", &a.top_endpoints),
    ] {
        if !list.is_empty() {
            tops.push(top_table(title, list, 5));
        }
    }
    let content = Html::concat([
        Html::heading_html(head),
        facts,
        Html::columns(tops),
        Html::paragraph(&format!("Action: {}", a.action), Some("action")),
    ]);
    Html::card(
        &format!("alert-{}", i + 1),
        ("data-alert-id", &a.id),
        tone(a.severity),
        content,
    )
}

/// A figure for people: integers without decimals, rates with two.
fn figure(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

/// The whole page.
pub fn render(report: &Report) -> String {
    let mut page = Page::new("Pictify key usage report");
    let first = report.keys.iter().map(|k| k.first_seen.as_str()).min();
    let last = report.keys.iter().map(|k| k.last_seen.as_str()).max();
    let range = match (first, last) {
        (Some(a), Some(b)) => format!("{a} → {b}"),
        _ => "no events".to_owned(),
    };
    page.subtitle(&format!(
        "{} events from {} lines · {range} · {}-minute windows",
        report.events, report.lines, report.window_minutes
    ));
    let urgent = report
        .alerts
        .iter()
        .filter(|a| a.severity >= Severity::High)
        .count();
    page.stats(&[
        Stat {
            label: "keys",
            value: report.keys.len().to_string(),
            tone: "muted",
        },
        Stat {
            label: "events",
            value: report.events.to_string(),
            tone: "muted",
        },
        Stat {
            label: "alerts",
            value: report.alerts.len().to_string(),
            tone: if report.alerts.is_empty() {
                "ok"
            } else {
                "medium"
            },
        },
        Stat {
            label: "high or critical",
            value: urgent.to_string(),
            tone: if urgent == 0 { "ok" } else { "high" },
        },
        Stat {
            label: "lines left out",
            value: report.issue_count().to_string(),
            tone: if report.issue_count() == 0 {
                "ok"
            } else {
                "medium"
            },
        },
    ]);

    // Alerts first: what needs a look.
    let alerts = if report.alerts.is_empty() {
        Html::paragraph("No alerts.", Some("muted"))
    } else {
        // A summary, most severe first, each linking to its card below.
        let mut order: Vec<(usize, &Alert)> = report.alerts.iter().enumerate().collect();
        order.sort_by(|x, y| y.1.severity.cmp(&x.1.severity).then(x.0.cmp(&y.0)));
        let mut t = Table::new(&["severity", "kind", "key", "start", "windows", "state"])
            .numeric(&[4])
            .compact();
        for (i, a) in order {
            t.row(
                None,
                vec![
                    Html::badge(a.severity.as_str(), tone(a.severity)),
                    Html::anchor_link(&format!("#alert-{}", i + 1), Html::code(a.kind.code())),
                    Html::code(&a.key_id),
                    Html::text(&format_timestamp(a.start)),
                    Html::num(u64::from(a.windows)),
                    Html::text(if a.open { "open" } else { "ended" }),
                ],
            );
        }
        Html::concat(
            std::iter::once(t.into_html()).chain(
                report
                    .alerts
                    .iter()
                    .enumerate()
                    .map(|(i, a)| alert_card(i, a)),
            ),
        )
    };
    page.section(
        "alerts",
        &format!("Alerts ({})", report.alerts.len()),
        alerts,
        true,
    );

    // The usage table, and the traffic of every key together.
    let mut t = Table::new(&[
        "key",
        "name",
        "requests",
        "2xx",
        "4xx",
        "5xx",
        "401/403",
        "429",
        "error %",
        "IPs",
        "networks",
        "first seen",
        "last seen",
        "state",
    ])
    .numeric(&[2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (i, k) in report.keys.iter().enumerate() {
        let state = match (k.learning, k.configured) {
            (true, true) => Html::badge("learning", "low"),
            (true, false) => Html::badge("learning, not in config", "low"),
            (false, true) => Html::badge("ok", "ok"),
            (false, false) => Html::badge("not in config", "muted"),
        };
        let alerts = report
            .alerts
            .iter()
            .filter(|a| a.key_id == k.key_id)
            .count();
        let key = Html::concat([
            Html::anchor_link(&format!("#key-{}", i + 1), Html::code(&k.key_id)),
            if alerts > 0 {
                Html::badge(
                    &format!("{alerts} alert{}", if alerts == 1 { "" } else { "s" }),
                    "high",
                )
            } else {
                Html::default()
            },
        ]);
        t.row(
            Some(("data-key-id", &k.key_id)),
            vec![
                key,
                Html::text(k.name.as_deref().unwrap_or("")),
                Html::num(k.requests),
                Html::num(k.status_2xx),
                Html::num(k.status_4xx),
                Html::num(k.status_5xx),
                Html::num(k.auth_failures),
                Html::num(k.rate_limited),
                Html::text(&format!("{:.2}", k.error_rate * 100.0)),
                Html::num(k.distinct_ips),
                Html::num(k.distinct_networks),
                Html::text(&k.first_seen),
                Html::text(&k.last_seen),
                state,
            ],
        );
    }
    let axis = axis(report.keys.iter().map(|k| &k.timeline));
    let mut keys = vec![t.into_html()];
    if let Some(axis) = axis {
        let all: Vec<&Timeline> = report.keys.iter().map(|k| &k.timeline).collect();
        let every: Vec<&Alert> = report.alerts.iter().collect();
        keys.push(Html::heading("All keys over time"));
        keys.push(chart(&all, axis, &every, "All keys"));
    }
    page.section(
        "keys",
        &format!("Keys ({})", report.keys.len()),
        Html::concat(keys),
        true,
    );

    // One section per key.
    for (i, k) in report.keys.iter().enumerate() {
        let alerts: Vec<&Alert> = report
            .alerts
            .iter()
            .filter(|a| a.key_id == k.key_id)
            .collect();
        let mut parts = Vec::new();
        if let Some(axis) = axis {
            parts.push(chart(&[&k.timeline], axis, &alerts, &k.key_id));
        }
        let endpoints: Vec<(String, u64)> = k.endpoints.iter().take(10).cloned().collect();
        parts.push(Html::columns([
            heatmap(k),
            top_table("network", &k.top_networks, 5),
            top_table("user agent", &k.top_user_agents, 5),
            top_table("endpoint", &endpoints, 10),
        ]));
        let title = Html::concat([
            Html::code(&k.key_id),
            match &k.name {
                Some(n) => Html::text(&format!(" {n}")),
                None => Html::default(),
            },
        ]);
        page.section_with(
            &format!("key-{}", i + 1),
            ("data-key-id", &k.key_id),
            title,
            Html::concat(parts),
        );
    }

    if !report.issues.is_empty() {
        let mut t = Table::new(&["code", "what", "lines", "first lines"]).numeric(&[2]);
        for issue in &report.issues {
            let lines: Vec<String> = issue
                .lines
                .iter()
                .map(|e| format!("{}:{}", e.source, e.line))
                .collect();
            t.row(
                Some(("data-issue", issue.code)),
                vec![
                    Html::code(issue.code),
                    Html::text(issue.message),
                    Html::num(issue.count),
                    Html::text(&lines.join(", ")),
                ],
            );
        }
        page.section(
            "issues",
            &format!("Lines left out ({})", report.issue_count()),
            t.into_html(),
            true,
        );
    }
    page.footer(&format!(
        "pictify-keys {} · one self-contained page: no script, nothing loaded from the network · times in UTC",
        env!("CARGO_PKG_VERSION")
    ));
    page.render()
}
