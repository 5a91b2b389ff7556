// A second runtime: Deno (npm package `deno`) runs the shared vectors against the installed
// package (tests/deno-vectors.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, PKG_DIR, ROOT } from "./harness.mjs";

test("Deno runs every key, environment, redaction and error vector through the installed package", () => {
  const project = installPacked();
  copyFileSync(join(PKG_DIR, "tests", "deno-vectors.mjs"), join(project, "deno-vectors.mjs"));
  copyFileSync(join(PKG_DIR, "tests", "worker", "error-cases.mjs"), join(project, "error-cases.mjs"));
  copyFileSync(join(PKG_DIR, "tests", "worker", "redact-shortcut.mjs"), join(project, "redact-shortcut.mjs"));
  const deno = join(PKG_DIR, "node_modules", ".bin", "deno");
  const out = execFileSync(deno, ["run", "--allow-read", "--node-modules-dir=manual", "deno-vectors.mjs", ROOT], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  assert.match(out, /: \d+ checks, 0 failures/);
  assert.match(out, /redact wrapper: 12016 comparisons over 3004 texts/);
  console.log(out.trim());
});

test("Deno: calls without env read the process environment (--allow-env), as under Node", () => {
  // New-user trial: under Deno/Node, checkEnvironment(key) without env allowed a live key where
  // NODE_ENV=development, and loadKeys() said no_key although PICTIFY_API_KEY was set.
  const project = installPacked();
  const script = join(project, "deno-hostenv.mjs");
  writeFileSync(script, `
    import { ApiKey, checkEnvironment, detectEnvironment, loadKeys, Client } from "@pictify/keys-wasm";
    const out = { detected: detectEnvironment().environment, sources: loadKeys().keys.map((k) => k.origin) };
    const key = ApiKey.parse(Deno.env.get("PICTIFY_API_KEY"));
    try { checkEnvironment(key); out.check = "allowed"; } catch (e) { out.check = e.code; }
    try { new Client({ baseUrl: "http://127.0.0.1:9" }); out.client = "built"; } catch (e) { out.client = e.code; }
    console.log(JSON.stringify(out));
  `);
  const deno = join(PKG_DIR, "node_modules", ".bin", "deno");
  const out = execFileSync(deno, ["run", "--allow-read", "--allow-env", "--node-modules-dir=manual", "deno-hostenv.mjs"], {
    cwd: project,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH, HOME: process.env.HOME, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1",
      NODE_ENV: "development", PICTIFY_API_KEY: "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ",
    },
  });
  assert.deepEqual(JSON.parse(out.trim().split("\n").pop()), {
    detected: "development", sources: ["env:PICTIFY_API_KEY"], check: "live_key_in_development", client: "live_key_in_development",
  });
});
