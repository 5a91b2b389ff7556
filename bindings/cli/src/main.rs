//! `pictify-keys`: the command-line face of the pictify-keys core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;
mod redact;

/// Pictify API-key security checks.
#[derive(Parser)]
#[command(name = "pictify-keys", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check that the configured key is well-formed and allowed in this environment.
    ///
    /// Reads PICTIFY_API_KEY (and PICTIFY_API_KEY_NEW / PICTIFY_API_KEY_OLD when set) from the
    /// process environment, or from a .env file with --env-file. Prints one line per key.
    /// Exit status: 0 allowed, 1 policy violation, 2 malformed key or no key.
    Check(check::CheckArgs),
    /// Redact Pictify API keys (and Bearer / X-Api-Key / api_key= tokens) from logs.
    ///
    /// Reads stdin (or each FILE in turn) and writes it to stdout with every key replaced by
    /// its fingerprint (pk_live_****a1b2); everything else passes through byte for byte,
    /// including invalid UTF-8. Streams in constant memory. Exit status: 0, or 2 when an
    /// input could not be read.
    Redact(redact::RedactArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Redact(args) => redact::run(&args),
    };
    ExitCode::from(status)
}
