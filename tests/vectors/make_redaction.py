#!/usr/bin/env python3
"""Writes redaction.json: the redaction contract every language runs.

Each case is an input text and the exact expected output, written here by hand from the
rules in README.md (section redaction.json), not taken from any implementation. Keys carry
the marker FAKE at the start of their body and come from a seeded generator.

Run: python3 tests/vectors/make_redaction.py > tests/vectors/redaction.json
"""
import json
import random
import string

rng = random.Random(20261127 + 3)
BASE62 = string.digits + string.ascii_letters


def body(n, alphabet=BASE62):
    """A random body of n characters starting with FAKE."""
    return "FAKE" + "".join(rng.choice(alphabet) for _ in range(n - 4))


def fp(prefix, b):
    """The fingerprint of a key written with `prefix` (kept as written) and body `b`."""
    if len(b) > 128:
        return prefix + "****"
    return prefix + "****" + b[-4:]


def mask(prefix, b):
    return prefix + "*" * (len(b) - 4) + b[-4:]


cases = []


def case(name, input, expected, style=None):
    c = {"name": name, "input": input, "expected": expected}
    if style:
        c["style"] = style
    cases.append(c)


B, B2, BT = body(32), body(24), body(40)
K = "pk_live_" + B          # a live key
K2 = "pk_live_" + B2        # a second live key
T = "pk_test_" + BT         # a test key
FK, FK2, FT = fp("pk_live_", B), fp("pk_live_", B2), fp("pk_test_", BT)
BU = body(28, string.ascii_uppercase + string.digits)
KU = "PK_LIVE_" + BU
R = "[REDACTED]"

# Bare keys with any punctuation around them.
case("bare live key", K, FK)
case("bare test key", T, FT)
case("key in a sentence", f"using key {K} for renders", f"using key {FK} for renders")
case("double quotes", f'"{K}"', f'"{FK}"')
case("single quotes", f"'{K}'", f"'{FK}'")
case("backticks", f"`{K}`", f"`{FK}`")
case("parentheses", f"({K})", f"({FK})")
case("angle brackets", f"<{K}>", f"<{FK}>")
case("square brackets", f"[{K}]", f"[{FK}]")
case("trailing period", f"The key is {K}.", f"The key is {FK}.")
case("comma-separated pair", f"{K},{T}", f"{FK},{FT}")
case("after equals", f"PICTIFY_API_KEY={K}", f"PICTIFY_API_KEY={FK}")
case("after colon", f"token:{K}", f"token:{FK}")
case("after slash", f"/v1/keys/{K}/usage", f"/v1/keys/{FK}/usage")
case("after tab", f"key\t{K}", f"key\t{FK}")
case("two lines", f"old {K}\nnew {T}\n", f"old {FK}\nnew {FT}\n")
case("CRLF line ending", f"{K}\r\n", f"{FK}\r\n")
case("glued to a word before", f"tokenpk{K}", f"tokenpk{FK}")
case("underscore suffix", f"{K}_old", f"{FK}_old")
case("hyphen suffix", f"{K}-rotated", f"{FK}-rotated")
case("CSV row", f"2026-11-27,{K},render,200", f"2026-11-27,{FK},render,200")
case("YAML value", f"pictify:\n  api_key: {K}\n", f"pictify:\n  api_key: {FK}\n")
case("shell export with quotes", f'export PICTIFY_API_KEY="{T}"', f'export PICTIFY_API_KEY="{FT}"')
case("non-ASCII around the key", f"clé → {K} ✓", f"clé → {FK} ✓")

# Case.
case("upper-case key keeps its prefix as written", KU, fp("PK_LIVE_", BU))
case("capitalised prefix", "Pk_test_" + BT, fp("Pk_test_", BT))
case("mixed-case prefix", "pK_LiVe_" + B, fp("pK_LiVe_", B))
case("upper-case key in a header", f"X-API-KEY: {KU}", f"X-API-KEY: {fp('PK_LIVE_', BU)}")

# Lengths: err toward redacting.
b8, b15, b129, b300 = body(8), body(15), body(129), body(300)
case("8-character body is redacted", "pk_live_" + b8, fp("pk_live_", b8))
case("15-character body (too short to be valid) is redacted", "pk_test_" + b15, fp("pk_test_", b15))
case("7-character body is left alone", "pk_live_FAKEab1", "pk_live_FAKEab1")
case("129-character body (too long) loses its last four", "pk_live_" + b129, "pk_live_****")
case("300-character body", f"x {'pk_test_' + b300} y", "x pk_test_**** y")
case("two keys back to back", K + K2, FK + FK2)
case("two keys back to back, upper-case second", K + KU, FK + fp("PK_LIVE_", BU))
case("short run before a key", "pk_live_ab" + K, "pk_live_ab" + FK)

# URLs.
case("api_key query parameter", f"GET /v1/render?api_key={K}&w=800", f"GET /v1/render?api_key={FK}&w=800")
case("key query parameter after &", f"/v1/render?w=800&key={K}", f"/v1/render?w=800&key={FK}")
case("apikey query parameter, opaque value", "/v1?apikey=FAKEopaque77&x=1", f"/v1?apikey={R}&x=1")
case("key query parameter, opaque value", "/img?size=2&key=s3cr3tFAKE&fmt=png", f"/img?size=2&key={R}&fmt=png")
case("key query parameter with escapes", "/img?key=abc%2BFAKE%2F%3D&fmt=png", f"/img?key={R}&fmt=png")
case("empty key parameter", "/img?key=&fmt=png", "/img?key=&fmt=png")
case("user-info in a URL", f"https://user:{K}@api.pictify.io/v1", f"https://user:{FK}@api.pictify.io/v1")
case("key as a path segment", f"https://api.pictify.io/v1/keys/{T}", f"https://api.pictify.io/v1/keys/{FT}")
case("other parameters untouched", "/v1?monkey=banana&keyboard=us", "/v1?monkey=banana&keyboard=us")
case("semicolon-separated parameter", f"a=1;key={K}", f"a=1;key={FK}")

# URL-encoded forms.
case("Bearer%20 in a URL-encoded header", f"h=Authorization%3A%20Bearer%20{K}", f"h=Authorization%3A%20Bearer%20{FK}")
case("%22-quoted key", f"q=%22{K}%22", f"q=%22{FK}%22")
case("%3D before a key", f"cfg=PICTIFY_API_KEY%3D{K}", f"cfg=PICTIFY_API_KEY%3D{FK}")
case("pk_live_%2F is not a key", "path=pk_live_%2FFAKEabcdef", "path=pk_live_%2FFAKEabcdef")
case("form-encoded Bearer+token", "auth=Bearer+FAKEopaqueToken1", f"auth=Bearer+{R}")
case("Bearer%20 with an opaque token", "Authorization=Bearer%20eyJFAKE.payload.sig%26next", f"Authorization=Bearer%20{R}%26next")

# JSON and JSON-escaped strings.
case("JSON apiKey field", f'{{"apiKey":"{K}"}}', f'{{"apiKey":"{FK}"}}')
case("JSON api_key with a space", f'{{"api_key": "{T}"}}', f'{{"api_key": "{FT}"}}')
case("JSON api_key, opaque value", '{"api_key":"FAKE-opaque-value"}', f'{{"api_key":"{R}"}}')
case("JSON x-api-key header map", '{"headers":{"x-api-key":"FAKEopaque123"}}', f'{{"headers":{{"x-api-key":"{R}"}}}}')
case("JSON null value stays", '{"api_key": null}', '{"api_key": null}')
case("JSON already redacted stays", f'{{"apiKey":"{R}"}}', f'{{"apiKey":"{R}"}}')
case("key inside a JSON message", f'{{"msg":"retry with {K}"}}', f'{{"msg":"retry with {FK}"}}')
case("JSON-escaped nested document", f'{{"log":"{{\\"api_key\\":\\"{K}\\"}}"}}', f'{{"log":"{{\\"api_key\\":\\"{FK}\\"}}"}}')
case("JSON-escaped Authorization header", f'{{"req":"{{\\"Authorization\\":\\"Bearer {K}\\"}}"}}', f'{{"req":"{{\\"Authorization\\":\\"Bearer {FK}\\"}}"}}')
case("after a JSON \\n escape", f'"first line\\n{K}"', f'"first line\\n{FK}"')
case("between \\u0022 escapes", f"\\u0022{K}\\u0022", f"\\u0022{FK}\\u0022")

# Headers.
case("Authorization: Bearer key", f"Authorization: Bearer {K}", f"Authorization: Bearer {FK}")
case("lower-case authorization: bearer", f"authorization: bearer {T}", f"authorization: bearer {FT}")
case("Bearer JWT-like token", "Authorization: Bearer eyJFAKEhbGci.eyJzdWIi.c2lnFAKE", f"Authorization: Bearer {R}")
case("Bearer with a tab", f"Authorization: Bearer\t{K}", f"Authorization: Bearer\t{FK}")
case("X-Api-Key with a key", f"X-Api-Key: {K}", f"X-Api-Key: {FK}")
case("x-api-key with an opaque token", "x-api-key: FAKEopaqueValue99", f"x-api-key: {R}")
case("X-Api-Key without a space", f"X-Api-Key:{K}", f"X-Api-Key:{FK}")
case("curl command line", f"curl -H 'Authorization: Bearer {K}' https://api.pictify.io/v1", f"curl -H 'Authorization: Bearer {FK}' https://api.pictify.io/v1")
case("header followed by another", f"X-Api-Key: {K}, X-Request-Id: 42", f"X-Api-Key: {FK}, X-Request-Id: 42")
case("Bearer alone", "Bearer", "Bearer")
case("Bearer documentation placeholder", "Authorization: Bearer <token>", "Authorization: Bearer <token>")
case("Bearer already redacted", f"Authorization: Bearer {R}", f"Authorization: Bearer {R}")
case("Bearer with a fingerprint", "Authorization: Bearer pk_live_****a1b2", "Authorization: Bearer pk_live_****a1b2")
case("Bearer inside a word is not a header", "nonbearer FAKEvalue", "nonbearer FAKEvalue")

# Texts that must stay untouched.
case("pk_ in prose", "the pk_ prefix marks a Pictify key", "the pk_ prefix marks a Pictify key")
case("pk_live without body", "set pk_live or pk_test mode", "set pk_live or pk_test mode")
case("prefix only", "keys start with pk_live_ or pk_test_", "keys start with pk_live_ or pk_test_")
case("documentation placeholder", "set it to pk_live_your_api_key", "set it to pk_live_your_api_key")
case("any value of an ..._API_KEY variable is redacted", "PICTIFY_API_KEY=pk_live_your_api_key", f"PICTIFY_API_KEY={R}")
case("unknown mode", "pk_prod_FAKEq8Rk2mZxL0pW", "pk_prod_FAKEq8Rk2mZxL0pW")
case("fingerprint stays", "using pk_live_****a1b2", "using pk_live_****a1b2")
sha = "".join(rng.choice("0123456789abcdef") for _ in range(64))
case("SHA-256 hash", f"sha256={sha}", f"sha256={sha}")
b64 = "".join(rng.choice(BASE62 + "+/") for _ in range(88)) + "=="
case("base64 blob", f"payload: {b64}", f"payload: {b64}")
case("UUID", "request 3f2c9a1e-8b7d-4c6e-9f0a-1b2c3d4e5f60 done", "request 3f2c9a1e-8b7d-4c6e-9f0a-1b2c3d4e5f60 done")
case("words containing key", "monkey turnkey keyboard keys", "monkey turnkey keyboard keys")
case("key= after a space is prose", "primary key=id", "primary key=id")
case("empty text", "", "")
case("plain log line", "2026-11-27T14:49:14Z INFO render ok 200 12ms", "2026-11-27T14:49:14Z INFO render ok 200 12ms")

# A realistic line with everything.
line = (f'203.0.113.7 - - [27/Nov/2026:14:49:14 +0000] "GET /v1/render?api_key={K}&w=800 HTTP/1.1" 200 '
        f'"Authorization: Bearer {T}" {{"user":"ana","apiKey":"{K2}"}}')
case("access log line with three keys", line,
     line.replace(K2, FK2).replace(K, FK).replace(T, FT))

# Other styles.
case("redacted style: bare key", K, R, "redacted")
case("redacted style: query parameter", f"?api_key={K}&w=1", f"?api_key={R}&w=1", "redacted")
case("redacted style: upper case", KU, R, "redacted")
case("mask style keeps the length", f"key {K} end", f"key {mask('pk_live_', B)} end", "mask")
case("mask style: opaque token becomes stars", "X-Api-Key: FAKEopaque", "X-Api-Key: **********", "mask")
case("mask style: long body", "pk_test_" + b129, "pk_test_" + "*" * 129, "mask")

doc = {
    "description": "Pictify redaction cases; see README.md in this folder.",
    "version": 1,
    "fixture_marker": "FAKE",
    "default_style": "fingerprint",
    "cases": cases,
}
print(json.dumps(doc, indent=2, ensure_ascii=False))
