#!/usr/bin/env python3
"""Writes keys.json: the key-validation contract every language runs.

The expected code and position of each case are written here by hand from the format in
docs/key-format.md, not taken from any implementation. Every key-shaped fixture carries the
marker FAKE at the start of its body (see README.md), and bodies come from a seeded
generator, so none can be mistaken for a real key.

Run: python3 tests/vectors/make_keys.py > tests/vectors/keys.json
"""
import json
import random
import string

rng = random.Random(20261127)
BASE62 = string.digits + string.ascii_letters


def body(n, marker=True):
    """A random base62 body of n characters, starting with FAKE when marker is set."""
    head = "FAKE" if marker else ""
    return head + "".join(rng.choice(BASE62) for _ in range(n - len(head)))


cases = []


def ok(name, value, mode):
    b = value[8:]
    cases.append({"name": name, "input": value, "valid": True, "mode": mode,
                  "fingerprint": f"pk_{mode}_****{b[-4:]}"})


def bad(name, value, code, position=None, vendor=None):
    case = {"name": name, "input": value, "valid": False, "code": code, "position": position}
    if vendor:
        case["vendor"] = vendor
    cases.append(case)


L16, L32, L128 = body(16), body(32), body(128)
T16, T32, T128 = body(16), body(32), body(128)

# Valid keys of both modes at the bounds and in between.
ok("live key, shortest body (16)", "pk_live_" + L16, "live")
ok("live key, 32-character body", "pk_live_" + L32, "live")
ok("live key, longest body (128)", "pk_live_" + L128, "live")
ok("test key, shortest body (16)", "pk_test_" + T16, "test")
ok("test key, 32-character body", "pk_test_" + T32, "test")
ok("test key, longest body (128)", "pk_test_" + T128, "test")
ok("live key, 17-character body", "pk_live_" + body(17), "live")
ok("test key, 127-character body", "pk_test_" + body(127), "test")
ok("live key, digits-heavy body", "pk_live_FAKE" + "9081726354" + "a1B2c3", "live")
ok("test key, mixed case body", "pk_test_FAKEqWeRtYuIoPaSdF", "test")

K = "pk_live_" + L32  # 40 characters
n = len(K)

# empty
bad("empty string", "", "empty")
bad("only spaces", "   ", "empty")
bad("only a newline", "\n", "empty")

# whitespace
bad("trailing newline (secrets manager)", K + "\n", "whitespace", n + 1)
bad("trailing CRLF (Windows file)", K + "\r\n", "whitespace", n + 1)
bad("trailing space", K + " ", "whitespace", n + 1)
bad("trailing tab", K + "\t", "whitespace", n + 1)
bad("leading space", " " + K, "whitespace", 1)
bad("leading tab", "\t" + K, "whitespace", 1)
bad("leading newline", "\n" + K, "whitespace", 1)
bad("two trailing newlines", K + "\n\n", "whitespace", n + 1)

# quoted
bad("double quotes", '"' + K + '"', "quoted", 1)
bad("single quotes", "'" + K + "'", "quoted", 1)
bad("backticks", "`" + K + "`", "quoted", 1)
bad("closing double quote only", K + '"', "quoted", n + 1)
bad("opening single quote only", "'" + K, "quoted", 1)

# control_character
bad("NUL inside the body", K[:20] + "\x00" + K[20:], "control_character", 21)
bad("newline inside the body", K[:12] + "\n" + K[12:], "control_character", 13)
bad("escape character", K[:30] + "\x1b" + K[30:], "control_character", 31)
bad("DEL character", K[:25] + "\x7f" + K[25:], "control_character", 26)
bad("tab inside the body", K[:15] + "\t" + K[15:], "control_character", 16)

# non_ascii
bad("zero-width space inside", K[:18] + "\u200b" + K[18:], "non_ascii", 19)
bad("byte order mark at the start", "\ufeff" + K, "non_ascii", 1)
bad("non-breaking space at the end", K + "\u00a0", "non_ascii", n + 1)
bad("Cyrillic a look-alike", K[:10] + "\u0430" + K[11:], "non_ascii", 11)
bad("Greek capital omicron look-alike", K[:14] + "\u039f" + K[15:], "non_ascii", 15)
bad("accented letter", K[:22] + "\u00e9" + K[23:], "non_ascii", 23)
bad("zero-width joiner at the end", K + "\u200d", "non_ascii", n + 1)

# missing_prefix
bad("body without prefix", L32, "missing_prefix")
bad("mode without pk_", "live_" + L32, "missing_prefix")
bad("random words", "hello world", "missing_prefix")
bad("bearer header pasted", "Bearer " + K, "missing_prefix")

# wrong_case
bad("upper-case prefix", "PK_LIVE_" + L32, "wrong_case")
bad("capitalised prefix", "Pk_test_" + T32, "wrong_case")
bad("upper-case mode", "pk_TEST_" + T32, "wrong_case")

# unknown_mode
bad("prod mode", "pk_prod_" + L32, "unknown_mode")
bad("dev mode", "pk_dev_" + L32, "unknown_mode")
bad("sandbox mode", "pk_sandbox_" + L32, "unknown_mode")
bad("no mode at all", "pk_" + L32, "unknown_mode")

# foreign_key
F = body(24)
bad("Stripe secret key", "sk_live_" + F, "foreign_key", vendor="Stripe")
bad("Stripe test secret key", "sk_test_" + F, "foreign_key", vendor="Stripe")
bad("Stripe restricted key", "rk_live_" + F, "foreign_key", vendor="Stripe")
bad("GitHub personal access token", "ghp_" + body(36), "foreign_key", vendor="GitHub")
bad("GitHub fine-grained token", "github_pat_" + body(22) + "_" + body(20), "foreign_key", vendor="GitHub")
bad("AWS access key ID", "AKIAFAKE" + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(12)), "foreign_key", vendor="AWS")
bad("OpenAI key", "sk-" + body(48), "foreign_key", vendor="OpenAI")
bad("OpenAI project key", "sk-proj-" + body(40), "foreign_key", vendor="OpenAI")
bad("Slack bot token", "xoxb-FAKE-1234-" + body(24), "foreign_key", vendor="Slack")
bad("Slack user token", "xoxp-FAKE-5678-" + body(24), "foreign_key", vendor="Slack")

# placeholder
bad("docs: pk_live_your_api_key", "pk_live_your_api_key", "placeholder")
bad("docs: pk_live_xyz...", "pk_live_xyz...", "placeholder")
bad("docs: unicode ellipsis", "pk_test_abc\u2026", "placeholder")
bad("docs: pk_test_development_key", "pk_test_development_key", "placeholder")
bad("docs: pk_live_production_key", "pk_live_production_key", "placeholder")
bad("angle brackets", "<your-api-key>", "placeholder")
bad("prefix with angle brackets", "pk_live_<key>", "placeholder")
bad("run of X", "XXXXXXXXXXXXXXXXXXXX", "placeholder")
bad("prefix and run of X", "pk_live_XXXXXXXXXXXXXXXXXXXXXXXX", "placeholder")
bad("upper-case doc text", "YOUR_API_KEY", "placeholder")
bad("unexpanded shell variable", "${PICTIFY_API_KEY}", "placeholder")
bad("unexpanded template", "{{ pictify_api_key }}", "placeholder")
bad("pasted fingerprint", "pk_live_****a1b2", "placeholder")
bad("one repeated digit", "pk_test_0000000000000000", "placeholder")
bad("sequential run", "pk_live_1234567890abcdefgh", "placeholder")
bad("doc words without separators", "pk_live_yourapikeyhere", "placeholder")

# too_short / too_long
bad("truncated copy", "pk_live_" + L32[:12], "too_short")
bad("one character short", "pk_test_" + T16[:15], "too_short")
bad("prefix only", "pk_live_", "too_short")
bad("prefix without underscore", "pk_test", "too_short")
bad("one character too long", "pk_live_" + body(129), "too_long")
bad("two keys pasted together", "pk_live_" + L128 + L32, "too_long")

# invalid_character
bad("hyphen in body", "pk_live_" + L32[:10] + "-" + L32[10:], "invalid_character", 19)
bad("slash in body", "pk_test_" + T32[:5] + "/" + T32[5:], "invalid_character", 14)
bad("space in body", "pk_live_" + L32[:16] + " " + L32[16:], "invalid_character", 25)
bad("underscore in body", "pk_live_" + L32[:20] + "_" + L32[20:], "invalid_character", 29)
bad("trailing period", K + ".", "invalid_character", n + 1)
bad("comma between two keys", K + "," + K, "invalid_character", n + 1)
bad("hyphen instead of underscore after mode", "pk_live-" + L32, "invalid_character", 8)
bad("equals sign from a URL", "pk_test_" + T32 + "=", "invalid_character", 41)

doc = {
    "description": "Pictify API key validation cases; see README.md in this folder.",
    "version": 1,
    "fixture_marker": "FAKE",
    "cases": cases,
}
print(json.dumps(doc, indent=2, ensure_ascii=True))
