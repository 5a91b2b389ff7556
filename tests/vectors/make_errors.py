#!/usr/bin/env python3
"""Writes errors.json: the error contract every language runs.

Each case is a call that fails, and what every front end must show for it: the stable
`code`, the `family` (which exception class), and the exact `details` (camelCase names, as in
docs/errors.md); every detail not listed must be absent. When a case has a `secret`, the
error's message must not contain it (the key body given as input).

Calls (each runner maps them onto its language's API; a call a language does not have is
reported as skipped, never as passed):

- `parse`:        ApiKey.parse(input)
- `check`:        the environment policy (strict) for ApiKey.parse(key) in the environment
                  detected from `env`
- `dotenv`:       parse `input` as a .env file
- `load`:         load the keys from the variables in `env` (no files)
- `audit_key_id`: an audit event key reference from the ID `input`
- `allowlist`:    parse `input` as a .pictify-keys-ignore file (Rust and the CLI only)
- `redact_style`: redact a text with the style named `input`

Expectations are written here by hand from docs/key-format.md and docs/errors.md, not taken
from any implementation. Key-shaped inputs carry the FAKE marker at the start of the body.

Run: python3 tests/vectors/make_errors.py > tests/vectors/errors.json
"""
import json

BODY = "FAKE3Wwd25rq4f5zr3a1b2Qx9T"  # 26 characters
LIVE = "pk_live_" + BODY  # 34 characters
TEST = "pk_test_" + BODY

cases = []


def case(name, call, code, family, details=None, secret=None, **inputs):
    c = {"name": name, "call": call, **inputs, "code": code, "family": family,
         "details": details or {}}
    if secret:
        c["secret"] = secret
    cases.append(c)


def parse(name, value, code, details=None, secret=BODY):
    case(name, "parse", code, "format", details,
         secret=secret if secret and secret in value else None, input=value)


# format: every key code, with its position or vendor
parse("empty", "", "empty")
parse("trailing newline", LIVE + "\n", "whitespace", {"position": len(LIVE) + 1})
parse("leading space", " " + LIVE, "whitespace", {"position": 1})
parse("wrapped in double quotes", '"' + LIVE + '"', "quoted", {"position": 1})
parse("bell character inside", LIVE[:14] + "\x07" + LIVE[14:], "control_character",
      {"position": 15}, secret=BODY[6:])
parse("zero-width space inside", LIVE[:19] + "\u200b" + LIVE[19:], "non_ascii",
      {"position": 20}, secret=BODY[11:])
parse("Cyrillic look-alike", LIVE[:10] + "\u0430" + LIVE[11:], "non_ascii",
      {"position": 11}, secret=BODY[3:])
parse("no prefix", "hello-world", "missing_prefix")
parse("upper-case prefix", "PK_LIVE_" + BODY, "wrong_case")
parse("unknown mode", "pk_prod_" + BODY, "unknown_mode")
parse("Stripe secret key", "sk_live_" + BODY, "foreign_key", {"vendor": "Stripe"})
parse("GitHub token", "ghp_" + BODY + "abcdefghij", "foreign_key", {"vendor": "GitHub"})
parse("documentation placeholder", "pk_live_your_api_key", "placeholder")
parse("cut off", "pk_live_FAKEabc123", "too_short", secret="FAKEabc123")
parse("two keys pasted together", LIVE + BODY * 5, "too_long")
parse("dash in the body", LIVE[:20] + "-" + LIVE[21:], "invalid_character",
      {"position": 21}, secret=BODY[13:])

# environment: the policy refuses a well-formed key
case("live key in development", "check", "live_key_in_development", "environment",
     {"environment": "development", "variable": "NODE_ENV", "value": "development"},
     secret=BODY, key=LIVE, env={"NODE_ENV": "development"})
case("test key in production", "check", "test_key_in_production", "environment",
     {"environment": "production", "variable": "VERCEL_ENV", "value": "production"},
     secret=BODY, key=TEST, env={"VERCEL_ENV": "production"})

# source: nothing found, a broken .env file, a malformed key named by its origin
case(".env line without =", "dotenv", "env_file_syntax", "source",
     {"line": 2, "column": 3}, input="A=1\nB 2\n")
case(".env quote never closed", "dotenv", "env_file_syntax", "source",
     {"line": 2, "column": 3}, input="A=1\nB='open\n")
case("no key anywhere", "load", "no_key", "source", env={})
case("malformed key in PICTIFY_API_KEY", "load", "whitespace", "format",
     {"position": len(LIVE) + 1, "origin": "env:PICTIFY_API_KEY"}, secret=BODY,
     env={"PICTIFY_API_KEY": LIVE + "\n"})
case("placeholder in PICTIFY_API_KEY_NEW", "load", "placeholder", "format",
     {"origin": "env:PICTIFY_API_KEY_NEW"},
     env={"PICTIFY_API_KEY_NEW": "pk_test_your_api_key", "PICTIFY_API_KEY_OLD": LIVE})

# input: refused arguments that are not keys
case("key ID holding a key", "audit_key_id", "secret_in_key_id", "input", secret=BODY,
     input=LIVE)
case("empty key ID", "audit_key_id", "invalid_key_id", "input", input="")
case("key ID with spaces", "audit_key_id", "invalid_key_id", "input", input="my key")
case("allow-list holding a key", "allowlist", "allowlist_contains_secret", "input",
     {"line": 2}, secret=BODY, input="# shared test key\n" + LIVE + "\n")
case("allow-list line that is no entry", "allowlist", "allowlist_invalid_entry", "input",
     {"line": 1}, input="not-an-entry\n")
case("unknown redaction style", "redact_style", "invalid_argument", "input",
     input="sparkly")

print(json.dumps({
    "about": "Error contract: code, family and exact details (absent when not listed) for "
             "failing calls; `secret` must not appear in the message. "
             "Generated by make_errors.py; see README.md.",
    "detailNames": ["position", "vendor", "origin", "environment", "variable", "value", "line",
                    "column", "status", "tried", "attempts", "apiCode", "requestId"],
    "cases": cases,
}, indent=2, ensure_ascii=False))
