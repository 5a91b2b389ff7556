//! Self-contained HTML pages for the command's reports (`audit --html`, and any later
//! report that wants the same look): one file with inline CSS and inline SVG charts, no
//! script, no font or image from anywhere, readable offline and printable.
//!
//! Everything shown comes from logs and configuration, which an attacker can write to (a
//! user agent, an endpoint), so every text goes through [`escape`]: the builders take
//! `&str` for text and only accept markup as [`Html`], which only this module's helpers
//! make. The page also carries a Content-Security-Policy that allows no script and no
//! network load at all, so even a missed escape could not run code or call out.
//!
//! ```ignore
//! let mut page = Page::new("Key usage");
//! let mut t = Table::new(&["Key", "Requests"]).numeric(&[1]);
//! t.row(Some(("data-key-id", "key_abc123")), vec![Html::text("key_abc123"), Html::num(42)]);
//! page.section("keys", "Keys", t.into_html());
//! std::fs::write("report.html", page.render())?;
//! ```

use std::fmt::Write as _;
use std::path::Path;

use pictify_keys::monitor::format_timestamp;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters have no business in a report; show them as U+FFFD.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A piece of trusted markup: made only by this module, from escaped text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    /// Text, escaped.
    pub fn text(text: &str) -> Self {
        Self(escape(text))
    }

    /// A number.
    pub fn num(n: u64) -> Self {
        Self(n.to_string())
    }

    /// Text in `<code>`.
    pub fn code(text: &str) -> Self {
        Self(format!("<code>{}</code>", escape(text)))
    }

    /// A paragraph of text, with an optional CSS class from this module's style sheet.
    pub fn paragraph(text: &str, class: Option<&'static str>) -> Self {
        match class {
            Some(c) => Self(format!("<p class=\"{c}\">{}</p>", escape(text))),
            None => Self(format!("<p>{}</p>", escape(text))),
        }
    }

    /// A small coloured label (`tone` is one of the style sheet's tones: `critical`,
    /// `high`, `medium`, `low`, `ok`, `muted`).
    pub fn badge(text: &str, tone: &'static str) -> Self {
        Self(format!(
            "<span class=\"badge {tone}\">{}</span>",
            escape(text)
        ))
    }

    /// A heading inside a section.
    pub fn heading(text: &str) -> Self {
        Self(format!("<h3>{}</h3>", escape(text)))
    }

    /// A heading made of other pieces.
    pub fn heading_html(content: Html) -> Self {
        Self(format!("<h3>{}</h3>", content.0))
    }

    /// A link to an anchor in the same page (`#id`); anything else is shown without a link.
    pub fn anchor_link(anchor: &str, content: Html) -> Self {
        if anchor.starts_with('#') {
            Self(format!("<a href=\"{}\">{}</a>", escape(anchor), content.0))
        } else {
            content
        }
    }

    /// Pieces one after the other.
    pub fn concat(parts: impl IntoIterator<Item = Html>) -> Self {
        Self(parts.into_iter().map(|h| h.0).collect())
    }

    /// Pieces side by side (wrapping on narrow screens).
    pub fn columns(parts: impl IntoIterator<Item = Html>) -> Self {
        let inner: String = parts
            .into_iter()
            .map(|h| format!("<div>{}</div>", h.0))
            .collect();
        Self(format!("<div class=\"cols\">{inner}</div>"))
    }

    /// A box with an element id and one data attribute, for cards such as an alert.
    pub fn card(id: &str, data: (&'static str, &str), tone: &'static str, content: Html) -> Self {
        Self(format!(
            "<article class=\"card {tone}\" id=\"{}\" {}=\"{}\">{}</article>",
            escape(id),
            data.0,
            escape(data.1),
            content.0
        ))
    }

    /// Label: value pairs.
    pub fn facts(items: &[(&str, Html)]) -> Self {
        let mut s = String::from("<dl class=\"facts\">");
        for (k, v) in items {
            let _ = write!(s, "<dt>{}</dt><dd>{}</dd>", escape(k), v.0);
        }
        s.push_str("</dl>");
        Self(s)
    }
}

/// A table; cells are [`Html`], so text in them is escaped.
pub struct Table {
    head: Vec<String>,
    numeric: Vec<bool>,
    rows: Vec<String>,
    class: &'static str,
}

impl Table {
    /// A table with these column titles.
    pub fn new(columns: &[&str]) -> Self {
        Self {
            head: columns.iter().map(|c| escape(c)).collect(),
            numeric: vec![false; columns.len()],
            rows: Vec::new(),
            class: "grid",
        }
    }

    /// Right-aligns these columns (0-based).
    #[must_use]
    pub fn numeric(mut self, columns: &[usize]) -> Self {
        for &c in columns {
            if let Some(n) = self.numeric.get_mut(c) {
                *n = true;
            }
        }
        self
    }

    /// A compact table (for top lists beside a chart).
    #[must_use]
    pub fn compact(mut self) -> Self {
        self.class = "grid compact";
        self
    }

    /// Adds a row; `data` sets one `data-*` attribute on it (for tests and styling).
    pub fn row(&mut self, data: Option<(&'static str, &str)>, cells: Vec<Html>) {
        let mut s = match data {
            Some((name, value)) => format!("<tr {name}=\"{}\">", escape(value)),
            None => String::from("<tr>"),
        };
        for (i, cell) in cells.into_iter().enumerate() {
            if self.numeric.get(i).copied().unwrap_or(false) {
                let _ = write!(s, "<td class=\"n\">{}</td>", cell.0);
            } else {
                let _ = write!(s, "<td>{}</td>", cell.0);
            }
        }
        s.push_str("</tr>");
        self.rows.push(s);
    }

    /// Rows added so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// The markup.
    pub fn into_html(self) -> Html {
        let mut s = format!(
            "<div class=\"scroll\"><table class=\"{}\"><thead><tr>",
            self.class
        );
        for (i, h) in self.head.iter().enumerate() {
            if self.numeric[i] {
                let _ = write!(s, "<th class=\"n\">{h}</th>");
            } else {
                let _ = write!(s, "<th>{h}</th>");
            }
        }
        s.push_str("</tr></thead><tbody>");
        for r in &self.rows {
            s.push_str(r);
        }
        s.push_str("</tbody></table></div>");
        Html(s)
    }
}

/// A line of a [`time_chart`].
pub struct Series<'a> {
    /// Shown in the legend.
    pub name: &'a str,
    /// One of the style sheet's series colours: [`BLUE`], [`RED`], [`AMBER`].
    pub color: &'static str,
    /// One value per bucket.
    pub values: &'a [u64],
    /// Whether the area under the line is filled.
    pub filled: bool,
}

/// A highlighted stretch of a [`time_chart`] (an alert's windows).
pub struct Span<'a> {
    /// Start (Unix seconds).
    pub start: i64,
    /// End (Unix seconds, exclusive).
    pub end: i64,
    /// Shown on hover.
    pub label: &'a str,
    /// A tone as for [`Html::badge`].
    pub tone: &'static str,
}

/// Series colours.
pub const BLUE: &str = "#2563eb";
/// Series colours.
pub const RED: &str = "#dc2626";
/// Series colours.
pub const AMBER: &str = "#d97706";

const CHART_W: f64 = 900.0;
const CHART_H: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// The smallest round step (1, 2, 2.5 or 5 × 10^k, integer) at or above `v` (at least 1).
fn nice_ceiling(v: u64) -> u64 {
    let mut base = 1u64;
    loop {
        for c in [base, base * 2, base * 5 / 2, base * 5] {
            if c >= v && c > 0 {
                return c;
            }
        }
        if base > u64::MAX / 100 {
            return u64::MAX / 4;
        }
        base *= 10;
    }
}

/// A line chart over time as inline SVG: buckets of `step` seconds from `start`, one line
/// per series (filled or not), stretches highlighted, a y axis with four grid lines and
/// dates on the x axis. Hovering a bucket or a stretch shows its figures (SVG `<title>`).
pub fn time_chart(start: i64, step: i64, series: &[Series], spans: &[Span], caption: &str) -> Html {
    let n = series
        .iter()
        .map(|s| s.values.len())
        .max()
        .unwrap_or(0)
        .max(1);
    // Four grid steps of a round size (1, 2 or 5 × 10^k).
    let top = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let ymax = nice_ceiling(top.div_ceil(4)) * 4;
    let plot_w = CHART_W - LEFT - RIGHT;
    let plot_h = CHART_H - TOP - BOTTOM;
    #[allow(clippy::cast_precision_loss)]
    let (nf, yf) = (n as f64, ymax as f64);
    let x = |i: f64| LEFT + plot_w * i / nf;
    #[allow(clippy::cast_precision_loss)]
    let y = |v: u64| TOP + plot_h - plot_h * (v as f64) / yf;
    let end = start.saturating_add(step.saturating_mul(i64::try_from(n).unwrap_or(i64::MAX)));
    let mut s = format!(
        "<figure class=\"chart\"><svg class=\"timechart\" viewBox=\"0 0 {CHART_W} {CHART_H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(caption)
    );
    // Highlighted stretches first, under the lines.
    for sp in spans {
        let (a, b) = (sp.start.max(start), sp.end.min(end));
        if b <= a {
            continue;
        }
        #[allow(clippy::cast_precision_loss)]
        let (xa, xb) = (
            x((a - start) as f64 / step as f64),
            x((b - start) as f64 / step as f64),
        );
        let _ = write!(
            s,
            "<rect class=\"span {}\" x=\"{xa:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{plot_h}\"><title>{}</title></rect>",
            sp.tone,
            (xb - xa).max(2.0),
            escape(sp.label)
        );
    }
    // Grid and y labels.
    for k in 0..=4u64 {
        let v = ymax / 4 * k;
        let yy = y(v);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{yy:.1}\" y2=\"{yy:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            CHART_W - RIGHT,
            LEFT - 6.0,
            yy + 4.0
        );
    }
    // X labels: at most 7, on round times (whole hours or days, UTC).
    let tick = [
        3600,
        7200,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        86_400,
        2 * 86_400,
        7 * 86_400,
        14 * 86_400,
        28 * 86_400,
    ]
    .into_iter()
    .find(|t| (end - start) / t <= 7)
    .unwrap_or(step.max(1) * 64);
    let mut t = start.div_euclid(tick) * tick;
    if t < start {
        t += tick;
    }
    while t < end {
        let stamp = format_timestamp(t);
        let label = if tick >= 86_400 {
            stamp.get(..10).unwrap_or(&stamp).to_owned()
        } else {
            format!(
                "{} {}",
                stamp.get(5..10).unwrap_or(""),
                stamp.get(11..16).unwrap_or("")
            )
        };
        #[allow(clippy::cast_precision_loss)]
        let xx = x((t - start) as f64 / step.max(1) as f64);
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{xx:.1}\" x2=\"{xx:.1}\" y1=\"{:.1}\" y2=\"{:.1}\"/><text class=\"axis\" x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            TOP + plot_h,
            TOP + plot_h + 4.0,
            CHART_H - 8.0,
            escape(&label)
        );
        t += tick;
    }
    // Lines: a step shape, each bucket a flat segment.
    for sr in series {
        if sr.values.is_empty() {
            continue;
        }
        let mut d = String::new();
        for (i, v) in sr.values.iter().enumerate() {
            #[allow(clippy::cast_precision_loss)]
            let (xa, xb) = (x(i as f64), x(i as f64 + 1.0));
            let yy = y(*v);
            if i == 0 {
                let _ = write!(d, "M{xa:.1},{yy:.1}");
            } else {
                let _ = write!(d, "L{xa:.1},{yy:.1}");
            }
            let _ = write!(d, "L{xb:.1},{yy:.1}");
        }
        if sr.filled {
            #[allow(clippy::cast_precision_loss)]
            let xe = x(sr.values.len() as f64);
            let _ = write!(
                s,
                "<path class=\"area\" fill=\"{}\" d=\"{d}L{xe:.1},{:.1}L{LEFT},{:.1}Z\"/>",
                sr.color,
                TOP + plot_h,
                TOP + plot_h
            );
        }
        let _ = write!(
            s,
            "<path class=\"line\" stroke=\"{}\" d=\"{d}\"><title>{}</title></path>",
            sr.color,
            escape(sr.name)
        );
    }
    // Hover targets: one per bucket with every series' value.
    if n <= 400 {
        for i in 0..n {
            let t = start.saturating_add(step.saturating_mul(i64::try_from(i).unwrap_or(0)));
            let mut label = format_timestamp(t);
            for sr in series {
                let _ = write!(
                    label,
                    "\n{}: {}",
                    sr.name,
                    sr.values.get(i).copied().unwrap_or(0)
                );
            }
            #[allow(clippy::cast_precision_loss)]
            let (xa, xb) = (x(i as f64), x(i as f64 + 1.0));
            let _ = write!(
                s,
                "<rect class=\"hover\" x=\"{xa:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{plot_h}\"><title>{}</title></rect>",
                xb - xa,
                escape(&label)
            );
        }
    }
    s.push_str("</svg><figcaption>");
    for sr in series {
        let _ = write!(
            s,
            "<span class=\"key\"><i style=\"background:{}\"></i>{}</span>",
            sr.color,
            escape(sr.name)
        );
    }
    if !spans.is_empty() {
        s.push_str("<span class=\"key\"><i class=\"spankey\"></i>alert windows</span>");
    }
    let _ = write!(
        s,
        "<span class=\"note\">{}</span></figcaption></figure>",
        escape(caption)
    );
    Html(s)
}

/// A heat map as inline SVG: one row per label, one column per label, darker for more;
/// hovering a cell shows `row col: value unit`.
pub fn heatmap(
    rows: &[&str],
    columns: &[&str],
    values: &[Vec<u64>],
    unit: &str,
    caption: &str,
) -> Html {
    const CELL_W: f64 = 26.0;
    const CELL_H: f64 = 20.0;
    const LABEL_W: f64 = 40.0;
    const LABEL_H: f64 = 18.0;
    let max = values.iter().flatten().copied().max().unwrap_or(0);
    #[allow(clippy::cast_precision_loss)]
    let (w, h) = (
        LABEL_W + CELL_W * columns.len() as f64 + 4.0,
        LABEL_H + CELL_H * rows.len() as f64 + 4.0,
    );
    let mut s = format!(
        "<figure class=\"chart\"><svg class=\"heatmap\" viewBox=\"0 0 {w} {h}\" style=\"max-width:{w}px\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
        escape(caption)
    );
    for (c, label) in columns.iter().enumerate() {
        if c % 3 == 0 {
            #[allow(clippy::cast_precision_loss)]
            let xx = LABEL_W + CELL_W * c as f64 + CELL_W / 2.0;
            let _ = write!(
                s,
                "<text class=\"axis\" x=\"{xx:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                LABEL_H - 5.0,
                escape(label)
            );
        }
    }
    for (r, label) in rows.iter().enumerate() {
        #[allow(clippy::cast_precision_loss)]
        let yy = LABEL_H + CELL_H * r as f64;
        let _ = write!(
            s,
            "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            LABEL_W - 6.0,
            yy + CELL_H / 2.0 + 4.0,
            escape(label)
        );
        for (c, col) in columns.iter().enumerate() {
            let v = values
                .get(r)
                .and_then(|row| row.get(c))
                .copied()
                .unwrap_or(0);
            #[allow(clippy::cast_precision_loss)]
            let xx = LABEL_W + CELL_W * c as f64;
            let _ = write!(
                s,
                "<rect class=\"cell\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{}\"><title>{} {}: {v} {}</title></rect>",
                xx + 1.0,
                yy + 1.0,
                CELL_W - 2.0,
                CELL_H - 2.0,
                heat(v, max),
                escape(label),
                escape(col),
                escape(unit)
            );
        }
    }
    let _ = write!(
        s,
        "</svg><figcaption><span class=\"key\"><i style=\"background:{}\"></i>0</span><span class=\"key\"><i style=\"background:{}\"></i>{max} {}</span><span class=\"note\">{}</span></figcaption></figure>",
        heat(0, max),
        heat(max, max),
        escape(unit),
        escape(caption)
    );
    Html(s)
}

/// The colour of `v` on a 0..=max scale: light grey for 0, then light to dark blue (square
/// root scale, so quiet hours stay visible beside busy ones).
fn heat(v: u64, max: u64) -> String {
    if v == 0 || max == 0 {
        return "#eef2f7".to_owned();
    }
    #[allow(clippy::cast_precision_loss)]
    let f = ((v as f64) / (max as f64)).sqrt().clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * f).round().clamp(0.0, 255.0);
    // #bfdbfe → #1e3a8a
    format!(
        "rgb({:.0},{:.0},{:.0})",
        lerp(191.0, 30.0),
        lerp(219.0, 58.0),
        lerp(254.0, 138.0)
    )
}

/// One summary figure at the top of a page.
pub struct Stat<'a> {
    /// What it counts.
    pub label: &'a str,
    /// The figure.
    pub value: String,
    /// A tone as for [`Html::badge`] (`muted` for none).
    pub tone: &'static str,
}

/// A whole page: a title, summary figures and sections, rendered by [`Page::render`].
pub struct Page {
    title: String,
    subtitle: Option<String>,
    stats: String,
    nav: Vec<(String, String)>,
    body: String,
    footer: Option<String>,
}

impl Page {
    /// An empty page titled `title`.
    pub fn new(title: &str) -> Self {
        Self {
            title: escape(title),
            subtitle: None,
            stats: String::new(),
            nav: Vec::new(),
            body: String::new(),
            footer: None,
        }
    }

    /// A line under the title.
    pub fn subtitle(&mut self, text: &str) {
        self.subtitle = Some(escape(text));
    }

    /// The row of summary figures under the title.
    pub fn stats(&mut self, stats: &[Stat]) {
        for st in stats {
            let _ = write!(
                self.stats,
                "<div class=\"stat {}\"><b>{}</b><span>{}</span></div>",
                st.tone,
                escape(&st.value),
                escape(st.label)
            );
        }
    }

    /// A section with an anchor `id` (listed in the page's contents when `in_nav`).
    pub fn section(&mut self, id: &str, title: &str, content: Html, in_nav: bool) {
        let _ = write!(
            self.body,
            "<section id=\"{}\"><h2>{}</h2>{}</section>",
            escape(id),
            escape(title),
            content.0
        );
        if in_nav {
            self.nav.push((escape(id), escape(title)));
        }
    }

    /// A section with a `data-*` attribute (for tests and styling), not in the contents.
    pub fn section_with(
        &mut self,
        id: &str,
        data: (&'static str, &str),
        title: Html,
        content: Html,
    ) {
        let _ = write!(
            self.body,
            "<section id=\"{}\" {}=\"{}\"><h2>{}</h2>{}</section>",
            escape(id),
            data.0,
            escape(data.1),
            title.0,
            content.0
        );
    }

    /// A line at the bottom.
    pub fn footer(&mut self, text: &str) {
        self.footer = Some(escape(text));
    }

    /// The page: one HTML document with everything inline.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(self.body.len() + 8192);
        let _ = write!(
            s,
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <meta name=\"referrer\" content=\"no-referrer\">\
             <title>{}</title><style>{CSS}</style></head><body><header><h1>{}</h1>",
            self.title, self.title
        );
        if let Some(sub) = &self.subtitle {
            let _ = write!(s, "<p class=\"sub\">{sub}</p>");
        }
        if !self.stats.is_empty() {
            let _ = write!(s, "<div class=\"stats\">{}</div>", self.stats);
        }
        if !self.nav.is_empty() {
            s.push_str("<nav>");
            for (id, title) in &self.nav {
                let _ = write!(s, "<a href=\"#{id}\">{title}</a>");
            }
            s.push_str("</nav>");
        }
        s.push_str("</header><main>");
        s.push_str(&self.body);
        s.push_str("</main>");
        if let Some(f) = &self.footer {
            let _ = write!(s, "<footer>{f}</footer>");
        }
        s.push_str("</body></html>\n");
        s
    }
}

const CSS: &str = "\
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--card:#fff}\
*{box-sizing:border-box}\
body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--fg);background:var(--bg)}\
header{background:#0f172a;color:#f8fafc;padding:20px 28px 14px}\
header h1{margin:0 0 4px;font-size:22px}\
.sub{margin:0 0 12px;color:#cbd5e1}\
.stats{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0}\
.stat{background:#1e293b;border-radius:8px;padding:8px 14px;min-width:120px}\
.stat b{display:block;font-size:22px}\
.stat span{color:#cbd5e1;font-size:12px;text-transform:uppercase;letter-spacing:.04em}\
.stat.critical b,.stat.high b{color:#fca5a5}.stat.medium b{color:#fcd34d}.stat.ok b{color:#86efac}\
nav{display:flex;gap:16px;margin-top:10px}nav a{color:#93c5fd;text-decoration:none}\
main{padding:8px 28px 28px;max-width:1200px}\
section{margin-top:22px}\
h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px}\
h3{font-size:14px;margin:14px 0 6px;color:#334155}\
.scroll{overflow-x:auto}\
table.grid{border-collapse:collapse;background:var(--card);font-size:13px;width:100%}\
table.grid th,table.grid td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}\
table.grid td{max-width:420px;overflow:hidden;text-overflow:ellipsis}\
table.grid th{background:#f1f5f9;font-weight:600;color:#334155}\
table.grid .n{text-align:right;font-variant-numeric:tabular-nums}\
table.compact{width:auto;font-size:12px}\
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f5f9;padding:1px 4px;border-radius:4px;word-break:break-all}\
.badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#e2e8f0;color:#334155}\
.badge.critical{background:#7f1d1d;color:#fff}.badge.high{background:#fee2e2;color:#991b1b}\
.badge.medium{background:#fef3c7;color:#92400e}.badge.low{background:#e0f2fe;color:#075985}\
.badge.ok{background:#dcfce7;color:#166534}\
.card{background:var(--card);border:1px solid var(--line);border-left:5px solid #94a3b8;border-radius:8px;padding:10px 14px;margin:10px 0}\
.card.critical{border-left-color:#7f1d1d}.card.high{border-left-color:#dc2626}\
.card.medium{border-left-color:#d97706}.card.low{border-left-color:#0284c7}\
.card h3{margin:0 0 6px;display:flex;gap:8px;align-items:center;flex-wrap:wrap}\
.action{background:#f0fdf4;border:1px solid #bbf7d0;border-radius:6px;padding:6px 10px;margin:8px 0 0}\
.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:6px 0}\
.facts dt{color:var(--muted)}.facts dd{margin:0}\
.cols{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}\
.cols>div:has(svg.heatmap){flex:0 1 660px;min-width:420px}\
.chart{margin:6px 0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px}\
.chart svg{width:100%;height:auto;display:block}\
.chart .grid{stroke:#e2e8f0;stroke-width:1}\
.chart .axis{font-size:11px;fill:#64748b}\
.chart .line{fill:none;stroke-width:1.6}\
.chart .area{opacity:.18;stroke:none}\
.chart .hover{fill:transparent}.chart .hover:hover{fill:rgba(15,23,42,.06)}\
.chart .span{opacity:.16;fill:#94a3b8}.chart .span.critical,.chart .span.high{fill:#dc2626}\
.chart .span.medium{fill:#d97706}.chart .span.low{fill:#0284c7}\
.chart .cell:hover{stroke:#0f172a;stroke-width:1.5}\
figcaption{font-size:12px;color:var(--muted);display:flex;gap:14px;flex-wrap:wrap;margin-top:4px}\
figcaption .key i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}\
figcaption .key i.spankey{background:#dc2626;opacity:.3}\
.muted,.note{color:var(--muted)}\
footer{padding:14px 28px;color:var(--muted);font-size:12px}\
@media print{header{background:#fff;color:#000}.stat{background:#f1f5f9}.chart .hover{display:none}}\
";

/// Writes a rendered page to `path` (a command's `--html FILE`); on failure prints
/// `error[write_failed]` naming the file and returns `false`.
pub fn write_page(path: &Path, page: &str) -> bool {
    match std::fs::write(path, page) {
        Ok(()) => true,
        Err(e) => {
            eprintln!(
                "error[write_failed]: {}: cannot write the HTML report: {}",
                path.display(),
                e.kind()
            );
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(escape("a\u{0}b\u{1b}[31m"), "a\u{fffd}b\u{fffd}[31m");
        let mut t = Table::new(&["<th>"]);
        t.row(
            Some(("data-key-id", "\"><img src=x onerror=alert(1)>")),
            vec![Html::text("<b>")],
        );
        let html = t.into_html();
        assert!(!html.0.contains("<img"));
        assert!(!html.0.contains("<b>"));
        assert!(html.0.contains("data-key-id=\"&quot;&gt;&lt;img"));
    }

    #[test]
    fn page_has_no_script_and_no_network_reference() {
        let mut p = Page::new("T </title><script>x()</script>");
        p.subtitle("<script>y()</script>");
        p.section(
            "s\"",
            "<i>t</i>",
            Html::paragraph("<svg onload=z()>", None),
            true,
        );
        p.section(
            "c",
            "chart",
            time_chart(
                0,
                3600,
                &[Series {
                    name: "<u>",
                    color: BLUE,
                    values: &[1, 5, 3],
                    filled: true,
                }],
                &[Span {
                    start: 3600,
                    end: 7200,
                    label: "<a href=x>",
                    tone: "high",
                }],
                "cap<",
            ),
            false,
        );
        p.section(
            "h",
            "heat",
            heatmap(&["Mon<"], &["00", "01"], &[vec![0, 4]], "req<", "heat<"),
            false,
        );
        let page = p.render();
        assert!(!page.to_ascii_lowercase().contains("<script"));
        assert!(!page.contains("<svg onload"), "{page}");
        assert!(!page.contains("<u>") && !page.contains("<i>t") && !page.contains("<a href=x"));
        // The only URL is the SVG namespace; no src or href leaves the page.
        assert_eq!(
            page.matches("http").count(),
            page.matches("http://www.w3.org/2000/svg").count() + 1
        );
        assert!(page.contains("http-equiv=\"Content-Security-Policy\""));
        assert!(!page.contains(" src="));
    }

    #[test]
    fn nice_ceilings() {
        assert_eq!(
            [0, 1, 3, 7, 10, 11, 21, 180, 5001].map(nice_ceiling),
            [1, 1, 5, 10, 10, 20, 25, 200, 10_000]
        );
    }
}
