// Size budgets of the installed package (gzip -9 of .wasm + JS glue + the redact.js wrapper): the lite module
// (validation, policy, redaction) at most 100 KB, the full module with the client at most
// 250 KB. A size check, not a timing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { installPacked } from "./harness.mjs";

const project = installPacked();
const installed = join(project, "node_modules", "@pictify", "keys-wasm");
const gz = (variant) =>
  [join("pkg", variant, "pictify_keys_wasm_bg.wasm"), join("pkg", variant, "pictify_keys_wasm.js"), "redact.js"]
    .map((f) => gzipSync(readFileSync(join(installed, f)), { level: 9 }).length)
    .reduce((a, b) => a + b, 0);

test("lite module (validation + redaction) is at most 100 KB gzipped", () => {
  const size = gz("lite");
  assert.ok(size <= 100 * 1024, `${size} bytes`);
});

test("full module (with the fetch client) is at most 250 KB gzipped", () => {
  const size = gz("full");
  assert.ok(size <= 250 * 1024, `${size} bytes`);
});
