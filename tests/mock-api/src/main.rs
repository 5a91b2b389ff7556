//! `pictify-mock-api`: runs the Pictify API stand-in on a loopback port and prints its base
//! URL (`http://127.0.0.1:PORT`) as the first line on stdout. Stops on Ctrl-C / SIGTERM or
//! when stdin closes (with `--exit-on-stdin-close`), so a test harness that dies takes the
//! server with it.
//!
//! ```text
//! pictify-mock-api [--config FILE.json] [--key KEY[=active|revoked|pending]]... [--port N]
//!                  [--exit-on-stdin-close]
//! ```

use std::io::Write;
use std::process::ExitCode;

use pictify_mock_api::{Config, KeyConfig, KeyStatus, MockApi};

const USAGE: &str = "usage: pictify-mock-api [--config FILE.json] [--key KEY[=active|revoked|pending]]... [--port N] [--exit-on-stdin-close]";

fn parse_args() -> Result<(Config, u16, bool), String> {
    let mut config = Config::default();
    let mut extra_keys = Vec::new();
    let mut port = 0u16;
    let mut exit_on_stdin_close = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => {
                let path = args.next().ok_or("--config needs a file")?;
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                config = serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?;
            }
            "--key" => {
                let value = args.next().ok_or("--key needs a value")?;
                let (key, status) = match value.split_once('=') {
                    Some((k, s)) => (k, s),
                    None => (value.as_str(), "active"),
                };
                let status = match status {
                    "active" => KeyStatus::Active,
                    "revoked" => KeyStatus::Revoked,
                    "pending" => KeyStatus::Pending,
                    other => return Err(format!("unknown key status '{other}'")),
                };
                extra_keys.push(KeyConfig {
                    key: key.to_owned(),
                    status,
                });
            }
            "--port" => {
                let value = args.next().ok_or("--port needs a number")?;
                port = value.parse().map_err(|_| format!("bad port '{value}'"))?;
            }
            "--exit-on-stdin-close" => exit_on_stdin_close = true,
            "-h" | "--help" => return Err(USAGE.to_owned()),
            other => return Err(format!("unknown argument '{other}'\n{USAGE}")),
        }
    }
    config.keys.extend(extra_keys);
    Ok((config, port, exit_on_stdin_close))
}

#[tokio::main]
async fn main() -> ExitCode {
    let (config, port, exit_on_stdin_close) = match parse_args() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let server = match MockApi::start_on(config, port).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout();
    if writeln!(out, "{}", server.url())
        .and_then(|()| out.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    let stdin_closed = async {
        if exit_on_stdin_close {
            // A detached thread: a blocking task would keep the runtime from shutting down.
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut std::io::stdin(), &mut std::io::sink());
                let _ = tx.send(());
            });
            let _ = rx.await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        #[cfg(unix)]
        {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut s) => {
                    s.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
        () = stdin_closed => {}
    }
    drop(server);
    ExitCode::SUCCESS
}
