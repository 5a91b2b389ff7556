// A second runtime: Deno (npm package `deno`) runs the shared vectors against the installed
// package (tests/deno-vectors.mjs).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, PKG_DIR, ROOT } from "./harness.mjs";

test("Deno runs every key, environment, redaction and error vector through the installed package", () => {
  const project = installPacked();
  copyFileSync(join(PKG_DIR, "tests", "deno-vectors.mjs"), join(project, "deno-vectors.mjs"));
  copyFileSync(join(PKG_DIR, "tests", "worker", "error-cases.mjs"), join(project, "error-cases.mjs"));
  const deno = join(PKG_DIR, "node_modules", ".bin", "deno");
  const out = execFileSync(deno, ["run", "--allow-read", "--node-modules-dir=manual", "deno-vectors.mjs", ROOT], {
    cwd: project,
    encoding: "utf8",
    env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
  });
  assert.match(out, /: \d+ checks, 0 failures/);
  console.log(out.trim());
});
