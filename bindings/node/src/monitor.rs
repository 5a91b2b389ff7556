//! `Monitor`: the core's in-process usage monitor ([`LiveMonitor`]), fed with audit events
//! (from the program, or from a `Client` through its audit hook). Alerts and the report are
//! the core's serde output (`AlertUpdate`, `MonitorReport` in packages/shapes.d.ts). The
//! JavaScript class (packages/node/index.js) adds `feed`, `advance` and the `onAlert` callback.

use napi::bindgen_prelude::{Either, Unknown};
use napi_derive::napi;
use pictify_keys::monitor::LiveMonitor;
use serde_json::Value;

use crate::error;

/// The in-process usage monitor: the core's detectors (request and error spikes, 401/403 and
/// 429 bursts, unexpected networks, business hours, …) over this process's audit events, with
/// the same rules and alert records as `pictify-keys audit`. Time comes from the events, and
/// from `advance()` when the app is quiet. `feed` and `advance` are in the JavaScript layer.
#[napi]
pub struct Monitor {
    inner: LiveMonitor,
}

impl Monitor {
    /// The hook a `Client` feeds its audit events through.
    pub(crate) fn hook(&self) -> pictify_keys::http::AuditHook {
        self.inner.hook()
    }
}

#[napi]
impl Monitor {
    /// `config` is the monitor's TOML configuration (keys by ID, allowed networks, business
    /// hours, thresholds; docs/monitor.md); default: no per-key rules. Throws an `InputError`
    /// with code `config_invalid`, `config_bad_value` or `config_contains_secret`. `onAlert`
    /// (handled by the JavaScript layer) receives every update instead of `poll()`.
    #[napi(
        constructor,
        ts_args_type = "config?: string, options?: MonitorOptions"
    )]
    pub fn new(config: Option<Either<String, Unknown<'_>>>) -> napi::Result<Self> {
        let config = match config {
            Some(value) => text(value, "the monitor configuration must be TOML text")?,
            None => String::new(),
        };
        let inner = LiveMonitor::from_toml(&config).map_err(|e| error::from_core(&e.into()))?;
        Ok(Self { inner })
    }

    /// Feeds one audit event as its line of JSON (the documented shape).
    #[napi(skip_typescript)]
    pub fn feed_line(&self, line: Either<String, Unknown<'_>>) -> napi::Result<()> {
        self.inner.feed_line(text(line, FEED)?.as_bytes());
        Ok(())
    }

    /// Feeds JSON lines: every line of `text`, whole (a last line without a newline too).
    #[napi(skip_typescript)]
    pub fn feed_lines(&self, lines: Either<String, Unknown<'_>>) -> napi::Result<()> {
        self.inner.feed_lines(text(lines, FEED)?.as_bytes());
        Ok(())
    }

    /// Closes the windows that end before `nowMs` (ms since the epoch), for a quiet app.
    #[napi(skip_typescript)]
    pub fn advance_to(&self, now_ms: f64) -> napi::Result<()> {
        if !now_ms.is_finite() {
            return Err(error::invalid_argument(
                "advance takes a Date or a number of ms since the epoch",
            ));
        }
        // A finite f64 in ms: seconds fit an i64 (saturating at the far ends).
        self.inner.advance_to((now_ms / 1000.0).floor() as i64);
        Ok(())
    }

    /// Alert starts, updates and ends since the last call (or delivery to `onAlert`), in order.
    #[napi(ts_return_type = "AlertUpdate[]")]
    pub fn poll(&self) -> Value {
        crate::to_js(&self.inner.poll())
    }

    /// The report so far: per-key usage, issues and the alerts of the windows closed so far
    /// (a window closes once an event or `advance()` passes its end and the 5-minute grace).
    #[napi(ts_return_type = "MonitorReport")]
    pub fn report(&self) -> Value {
        crate::to_js(&self.inner.snapshot())
    }
}

const FEED: &str =
    "feed takes an AuditEvent, an object in its JSON shape, or a string of JSON lines";

/// The string, or `invalid_argument` with `reason`.
fn text(value: Either<String, Unknown<'_>>, reason: &'static str) -> napi::Result<String> {
    match value {
        Either::A(text) => Ok(text),
        Either::B(_) => Err(error::invalid_argument(reason)),
    }
}

/// Throws the `invalid_argument` error for a wrong monitor option (`which`: `onAlert` or
/// `monitor`), for the checks the JavaScript layer makes.
#[napi(js_name = "refuseMonitorOption", skip_typescript)]
pub fn refuse_option(which: String) -> napi::Result<()> {
    Err(error::invalid_argument(if which == "onAlert" {
        "the monitor's onAlert must be a function"
    } else {
        "options.monitor must be a Monitor"
    }))
}
