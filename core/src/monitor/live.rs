//! A shared, thread-safe handle on a [`Monitor`] for SDKs: fed from the HTTP client's audit
//! hook on whatever thread runs the request, polled for alert updates and read as a report
//! from the app's own thread.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use super::{AlertUpdate, Config, ConfigError, Monitor, Report};
use crate::audit::AuditEvent;

/// A cloneable, thread-safe [`Monitor`] fed with events in memory (every clone is the same
/// monitor). A panic while the monitor was locked does not make it unusable: the next call
/// carries on with the state as it was left.
///
/// ```
/// use pictify_keys::audit::{AuditEvent, KeyRef, Timestamp};
/// use pictify_keys::monitor::LiveMonitor;
///
/// let monitor = LiveMonitor::from_toml("[keys.key_abc]\nallowed_networks = [\"203.0.113.0/24\"]\n")?;
/// let hook = monitor.hook(); // hand it to `ClientBuilder::audit_hook`, or call it yourself
/// let at = Timestamp::from_unix_millis(1_772_409_600_000);
/// let key = KeyRef::from_id("key_abc")?;
/// hook(&AuditEvent::new(at, "api.request", key, "/image", "POST", 200).with_ip("198.51.100.7"));
/// monitor.advance_to(1_772_409_600 + 3600 + 300); // the window and its grace are over
/// let updates = monitor.poll();
/// assert_eq!(updates[0].alert.kind.code(), "disallowed_network");
/// assert_eq!(monitor.snapshot().alerts.len(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct LiveMonitor {
    inner: Arc<Mutex<Monitor>>,
}

impl std::fmt::Debug for LiveMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveMonitor").finish_non_exhaustive()
    }
}

impl LiveMonitor {
    /// A monitor with `config` (`Config::default()` for no per-key rules).
    pub fn new(config: Config) -> Self {
        let mut monitor = Monitor::new(config);
        // Evidence of events handed over in memory, whatever their form, names `memory`.
        monitor.begin_source("memory");
        Self {
            inner: Arc::new(Mutex::new(monitor)),
        }
    }

    /// A monitor with the configuration in TOML `text`, refused as [`Config::parse`] refuses
    /// it (a key anywhere in the text is `config_contains_secret`, never echoed).
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Ok(Self::new(Config::parse(text)?))
    }

    fn lock(&self) -> MutexGuard<'_, Monitor> {
        // A panic in another caller while it held the lock leaves a monitor whose state is
        // still consistent enough to count with: carry on rather than panic in turn.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Feeds one event (see [`Monitor::feed_event`]).
    pub fn feed(&self, event: &AuditEvent) {
        self.lock().feed_event(event);
    }

    /// Feeds one JSON line of an audit log (without its newline), read by the same rules as
    /// the command line's (see [`Monitor::feed_line`]): a bad line is counted under its
    /// issue code, never echoed.
    pub fn feed_line(&self, line: &[u8]) {
        self.lock().feed_line(line);
    }

    /// Feeds every line of `text` (JSON lines, each read as by [`feed_line`](Self::feed_line));
    /// a last line without its newline is read too, and an empty text is no line.
    pub fn feed_lines(&self, text: &[u8]) {
        if text.is_empty() {
            return;
        }
        let text = text.strip_suffix(b"\n").unwrap_or(text);
        let mut monitor = self.lock();
        for line in text.split(|b| *b == b'\n') {
            monitor.feed_line(line);
        }
    }

    /// Closes the windows that end at or before `unix_secs` plus the reorder grace (see
    /// [`Monitor::advance_to`]); call it from a timer on a quiet app.
    pub fn advance_to(&self, unix_secs: i64) {
        self.lock().advance_to(unix_secs);
    }

    /// Alert starts, updates and ends since the last poll, in order.
    pub fn poll(&self) -> Vec<AlertUpdate> {
        self.lock().drain_updates()
    }

    /// The report so far (see [`Monitor::snapshot`]).
    pub fn snapshot(&self) -> Report {
        self.lock().snapshot()
    }

    /// Ends the stream so far and returns the final report (see [`Monitor::close`]): every
    /// window up to the newest event's is judged, and the alerts it raises reach
    /// [`poll`](Self::poll).
    pub fn finish(&self) -> Report {
        let mut monitor = self.lock();
        monitor.close();
        monitor.snapshot()
    }

    /// An audit hook that feeds every event it receives to this monitor: pass it to the
    /// HTTP client's `ClientBuilder::audit_hook` (the same type as `http::AuditHook`) and the
    /// client's own traffic is monitored.
    pub fn hook(&self) -> Arc<dyn Fn(&AuditEvent) + Send + Sync> {
        let monitor = self.clone();
        Arc::new(move |event: &AuditEvent| monitor.feed(event))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use crate::audit::{KeyRef, Timestamp};
    use crate::monitor::{Phase, FALLBACK_ACTION};

    const T0: i64 = 1_772_409_600; // 2026-03-02T00:00:00Z
    const HOUR: i64 = 3600;

    fn event(t: i64, action: &str, status: u16) -> AuditEvent {
        AuditEvent::new(
            Timestamp::from_unix_millis(t * 1000),
            action,
            KeyRef::from_id("key_a").unwrap(),
            "/image",
            "POST",
            status,
        )
        .with_ip("203.0.113.9")
    }

    #[test]
    fn snapshot_equals_finish_once_the_windows_are_closed() {
        let toml = "[keys.key_a]\nallowed_networks = [\"198.51.100.0/24\"]\nthresholds = { auth_burst = 5 }\n";
        let live = LiveMonitor::from_toml(toml).unwrap();
        let mut plain = Monitor::new(Config::parse(toml).unwrap());
        for i in 0..12 {
            let e = event(
                T0 + 60 * i,
                "api.request",
                if i % 2 == 0 { 401 } else { 200 },
            );
            live.feed(&e);
            plain.feed_event(&e);
        }
        // Mid-stream: every event is counted, the open window is not judged yet.
        let now = live.snapshot();
        assert_eq!((now.events, now.keys[0].requests), (12, 12));
        assert_eq!(now.keys[0].auth_failures, 6);
        assert!(now.alerts.is_empty());
        assert!(live.poll().is_empty());
        // Past the window and its 5-minute grace, the snapshot is the final report.
        let ended = LiveMonitor::from_toml(toml).unwrap();
        for i in 0..12 {
            let status = if i % 2 == 0 { 401 } else { 200 };
            let line = format!(
                r#"{{"timestamp":"{}","keyId":"key_a","endpoint":"/image","method":"POST","status":{status},"ip":"203.0.113.9"}}"#,
                crate::monitor::format_timestamp(T0 + 60 * i)
            );
            ended.feed_line(line.as_bytes());
        }
        live.advance_to(T0 + HOUR + 300);
        let finished = plain.finish();
        assert_eq!(live.snapshot(), finished);
        // `finish` on the handle ends the stream the same way; lines give the same figures
        // (evidence names `memory` for both).
        let from_lines = ended.finish();
        assert_eq!(from_lines.alerts.len(), finished.alerts.len());
        assert_eq!(from_lines.keys, finished.keys);
        assert_eq!(ended.poll().len(), 2);
        let kinds: Vec<&str> = finished.alerts.iter().map(|a| a.kind.code()).collect();
        assert_eq!(kinds, ["auth_failure_burst", "disallowed_network"]);
        let updates = live.poll();
        assert_eq!(updates.len(), 2);
        assert!(updates.iter().all(|u| u.phase == Phase::Start));
        assert!(live.poll().is_empty(), "poll drains");
    }

    #[test]
    fn a_fallback_event_does_not_count_its_401_twice() {
        let live = LiveMonitor::new(Config::default());
        live.feed(&event(T0, "api.request", 401));
        live.feed(&event(T0, FALLBACK_ACTION, 401));
        let r = live.snapshot();
        assert_eq!((r.lines, r.events), (2, 1));
        assert_eq!(r.keys[0].auth_failures, 1);
    }

    #[test]
    fn a_line_too_long_is_counted_as_in_a_byte_stream() {
        let live = LiveMonitor::new(Config::default());
        let mut long =
            br#"{"timestamp":"2026-03-02T00:00:00Z","keyId":"key_a","status":200,"x":""#.to_vec();
        long.resize(crate::monitor::MAX_LINE + 1, b'a');
        live.feed_line(&long);
        let r = live.finish();
        assert_eq!((r.lines, r.events), (1, 0));
        assert_eq!(r.issues[0].code, "line_too_long");
    }

    #[test]
    fn lines_of_json_are_read_as_log_lines_with_memory_evidence() {
        let live = LiveMonitor::new(Config::default());
        let line = event(T0, "api.request", 200).to_json();
        live.feed_line(line.as_bytes());
        live.feed_lines(format!("{line}\nnot json\n\n{line}").as_bytes());
        live.feed_lines(b"");
        live.feed(&event(T0 + 1, "api.request", 200));
        let r = live.snapshot();
        // Six lines: four analysed (the last one the in-memory event), one refused, one blank.
        assert_eq!((r.lines, r.events), (6, 4));
        assert_eq!(r.issues[0].code, "invalid_json");
        assert_eq!(r.issues[0].lines[0].source, "memory");
        assert_eq!(r.issues[0].lines[0].line, 3);
    }

    #[test]
    fn a_poisoned_lock_is_recovered_not_a_panic() {
        let live = LiveMonitor::new(Config::default());
        live.feed(&event(T0, "api.request", 200));
        let inner = live.clone();
        let crashed = std::thread::spawn(move || {
            let _guard = inner.inner.lock().unwrap();
            panic!("a panic while the monitor is locked");
        })
        .join();
        assert!(crashed.is_err());
        assert!(live.inner.is_poisoned());
        live.feed(&event(T0 + 60, "api.request", 200));
        assert_eq!(live.snapshot().events, 2);
        assert!(live.poll().is_empty());
    }

    #[test]
    fn a_secret_in_the_configuration_is_refused_and_not_echoed() {
        let err = LiveMonitor::from_toml("[keys.k]\nname = \"pk_live_FAKE3Wwd25rq4f5zra1b2\"\n")
            .unwrap_err();
        assert_eq!(err.code(), "config_contains_secret");
        assert!(!err.to_string().contains("FAKE"), "{err}");
        let err = LiveMonitor::from_toml("[keys.k]\nnmae = 1\n").unwrap_err();
        assert_eq!(err.code(), "config_invalid");
    }

    /// A 401 storm from the client's own traffic: a real [`Driver`] over a scripted
    /// transport that refuses every attempt, its audit hook feeding the monitor.
    #[cfg(feature = "http-driver")]
    #[test]
    fn a_401_storm_through_the_client_hook_raises_an_auth_failure_burst() {
        use crate::http::{Answer, ClientBuilder, Request, Transport, TransportError};
        use crate::ring::{ManualClock, RingConfig};
        use crate::source::KeyList;
        use std::sync::atomic::{AtomicU32, Ordering};

        const KEY: &str = "pk_live_FAKEr3v0k3dKeyWp5Hs8Jd2F";

        /// Answers 401 to everything and counts the attempts.
        struct Refusing(AtomicU32);
        impl Transport for Refusing {
            async fn send(&self, _: &Request<'_>) -> Result<Answer, TransportError> {
                self.0.fetch_add(1, Ordering::SeqCst);
                Ok(Answer {
                    status: 401,
                    body: br#"{"error":{"code":"revoked_api_key"}}"#.to_vec(),
                    ..Answer::default()
                })
            }
            async fn sleep(&self, _: u64) {}
            fn idempotency_key(&self) -> String {
                "00000000-0000-4000-8000-000000000000".to_owned()
            }
        }

        let monitor = LiveMonitor::new(Config::default());
        let clock = Arc::new(ManualClock::new(u64::try_from(T0 * 1000).unwrap()));
        let driver = ClientBuilder::default()
            .base_url("http://127.0.0.1:9")
            .source(KeyList::parse(&[KEY]).unwrap())
            .ring_config(RingConfig::default())
            .clock(clock.clone())
            .audit_hook(monitor.hook())
            .build_driver()
            .unwrap();
        let transport = Refusing(AtomicU32::new(0));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        for _ in 0..25 {
            let err = rt
                .block_on(driver.request(&transport, "GET", "/me?page=2", None))
                .unwrap_err();
            assert_eq!(err.code(), "unauthorized");
            clock.advance_ms(60_000);
        }
        let sent = transport.0.load(Ordering::SeqCst);
        assert_eq!(sent, 25, "one attempt per request with one key");
        assert!(monitor.poll().is_empty(), "the window is still open");
        // A quiet app: a timer moves time past the window and its grace.
        monitor.advance_to(T0 + HOUR + 300);
        let updates = monitor.poll();
        assert_eq!(updates.len(), 1, "{updates:?}");
        let alert = &updates[0].alert;
        assert_eq!(updates[0].phase, Phase::Start);
        assert_eq!(alert.kind.code(), "auth_failure_burst");
        assert_eq!(alert.key_id, "pk_live_****Jd2F");
        assert_eq!(alert.events, 25);
        assert_eq!(alert.top_endpoints, vec![("GET /me".to_owned(), 25)]);
        assert_eq!(alert.evidence[0].source, "memory");
        let report = monitor.snapshot();
        assert_eq!(report.events, u64::from(sent));
        assert_eq!(report.keys[0].auth_failures, 25);
        assert_eq!(
            report.keys[0].top_user_agents[0].0,
            concat!("pictify-keys-rust/", env!("CARGO_PKG_VERSION"))
        );
        let shown = format!("{report:?}{updates:?}");
        assert!(!shown.contains("FAKE"), "no key in any output");
    }
}
