//! `pictify-keys`: the command-line face of the pictify-keys core.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod check;

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
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        Command::Check(args) => check::run(&args),
    };
    ExitCode::from(status)
}
