// The README's code compiles with `tsc --strict` against the installed package's types
// (new-user trial: optional parameters were declared as required `T | undefined`, so
// `redact(line)`, `checkEnvironment(key, detectEnvironment(env))` and
// `client.request("GET", "/me")` failed with "Expected N arguments").
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { installPacked, PKG_DIR } from "./harness.mjs";

test("the README snippets compile with tsc --strict (module nodenext)", () => {
  const project = installPacked();
  const dir = join(project, "types-check");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "readme.ts"), `
import { ApiKey, Client, checkEnvironment, checkKeys, detectEnvironment, loadKeys, redact, redactJson } from "@pictify/keys-wasm";

export async function worker(env: Record<string, string | undefined>, line: string): Promise<string> {
  const key = ApiKey.parse(env.PICTIFY_API_KEY);
  checkEnvironment(key, detectEnvironment(env));
  checkEnvironment(key);
  const report = checkKeys(env);
  const keys = loadKeys(env);
  const client = new Client({ env, baseUrl: "http://127.0.0.1:9", policy: { allowLiveOutsideProduction: true } });
  const me = await client.request("GET", "/me");
  const image = await client.images.create({ html: "<p>hi</p>" });
  redactJson({ key: keys.keys[0]?.key, origin: keys.keys[0]?.origin, shadowed: keys.shadowed.length });
  return redact(line) + report.exitStatus + me.status + image.status;
}
`);
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: "nodenext", moduleResolution: "nodenext", target: "es2022", lib: ["esnext", "dom"], skipLibCheck: false },
    files: ["readme.ts"],
  }));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  const tsc = join(PKG_DIR, "node_modules", "typescript", "bin", "tsc");
  let out = "";
  try {
    out = execFileSync(process.execPath, [tsc, "-p", dir], { encoding: "utf8" });
  } catch (e) {
    assert.fail(`tsc --strict failed:\n${e.stdout}${e.stderr}`);
  }
  assert.equal(out.trim(), "");
});
