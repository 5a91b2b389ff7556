//! `pictify-keys rules`: the key pattern (`pictify_keys::scan::KEY_REGEX`) wrapped as a rule
//! for other scanners. gitleaks, TruffleHog and detect-secrets skip `pk_` prefixes because
//! Stripe's `pk_` keys are publishable; for Pictify keys, which are secrets, these rules are
//! the net when such a scanner is already in use.

use clap::{Args, ValueEnum};
use pictify_keys::scan::{FIXTURE_MARKER, KEY_REGEX};

/// The scanner to write a rule for.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RuleFormat {
    /// A gitleaks TOML config (`gitleaks dir --config FILE`); it extends the default rules.
    Gitleaks,
    /// A detect-secrets plugin file (`detect-secrets scan --plugin FILE`).
    DetectSecrets,
}

/// Arguments of `pictify-keys rules`.
#[derive(Args)]
pub struct RulesArgs {
    /// Which scanner.
    #[arg(long, value_enum)]
    format: RuleFormat,

    /// Skip fake fixture keys (body starts with FAKE), as `pictify-keys scan` does by default.
    #[arg(long)]
    skip_fixtures: bool,
}

/// Prints the rule; always exit status 0.
pub fn run(args: &RulesArgs) -> u8 {
    match args.format {
        RuleFormat::Gitleaks => print!("{}", gitleaks(args.skip_fixtures)),
        RuleFormat::DetectSecrets => print!("{}", detect_secrets(args.skip_fixtures)),
    }
    0
}

fn gitleaks(skip_fixtures: bool) -> String {
    // RE2 has no look-ahead: the body ends at a character that is not a letter or digit.
    let mut out = format!(
        r#"# Pictify API keys for gitleaks, from `pictify-keys rules --format gitleaks`.
# Usage: gitleaks dir --config pictify-gitleaks.toml .   (or git --config … for history)
# Pictify pk_live_/pk_test_ keys are secrets (unlike Stripe's publishable pk_ keys).

[extend]
useDefault = true

[[rules]]
id = "pictify-api-key"
description = "Pictify API key (pk_live_/pk_test_); revoke it and move it to PICTIFY_API_KEY"
regex = '''({KEY_REGEX})(?:[^0-9A-Za-z]|$)'''
secretGroup = 1
keywords = ["pk_live_", "pk_test_"]
tags = ["pictify", "api-key"]
"#
    );
    if skip_fixtures {
        out.push_str(&format!(
            "\n[[rules.allowlists]]\ndescription = \"fake fixture keys\"\nregexTarget = \"secret\"\nregexes = ['''(?i:_(?:live|test)_){FIXTURE_MARKER}''']\n"
        ));
    }
    out
}

fn detect_secrets(skip_fixtures: bool) -> String {
    let skip = if skip_fixtures {
        format!(
            "\n    def analyze_string(self, string):\n        for secret in super().analyze_string(string):\n            if secret[8:12] != '{FIXTURE_MARKER}':\n                yield secret\n"
        )
    } else {
        String::new()
    };
    format!(
        r#""""Pictify API keys for detect-secrets, from `pictify-keys rules --format detect-secrets`.

Usage: detect-secrets scan --plugin pictify_keys_plugin.py [paths]
Pictify pk_live_/pk_test_ keys are secrets (unlike Stripe's publishable pk_ keys).
"""
import re

from detect_secrets.plugins.base import RegexBasedDetector


class PictifyKeyDetector(RegexBasedDetector):
    """Scans for Pictify API keys (pk_live_ / pk_test_)."""

    secret_type = 'Pictify API Key'

    denylist = [
        re.compile(r'({KEY_REGEX})(?![0-9A-Za-z])'),
    ]
{skip}"#
    )
}
