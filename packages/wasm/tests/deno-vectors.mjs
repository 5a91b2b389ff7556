// Run by Deno (a second edge runtime) from the temporary project where the packed package is
// installed: every key, environment and redaction vector through `import "@pictify/keys-wasm"`
// as Deno resolves it (the "deno" export condition). Prints a summary; exit status 1 on any
// mismatch.
import * as pk from "@pictify/keys-wasm";
import { ApiKey, checkMode, detectEnvironment, redact } from "@pictify/keys-wasm";
import { runErrorCases, runShapeCases } from "./error-cases.mjs";
import { runRedactShortcut } from "./redact-shortcut.mjs";

const root = Deno.args[0];
const load = async (name) => JSON.parse(await Deno.readTextFile(`${root}/tests/vectors/${name}`));
const failures = [];
let checked = 0;
const expect = (ok, what) => {
  checked++;
  if (!ok) failures.push(what);
};

for (const c of (await load("keys.json")).cases) {
  try {
    const key = ApiKey.parse(c.input);
    expect(c.valid && key.mode === c.mode && key.fingerprint === c.fingerprint, `${c.name}: accepted as ${key.fingerprint}`);
  } catch (e) {
    expect(!c.valid && e instanceof Error && e.code === c.code && (e.position ?? null) === c.position, `${c.name}: ${e.code}@${e.position}, expected ${c.code}@${c.position}`);
  }
}
const verdict = (mode, d) => {
  try {
    const r = checkMode(mode, d);
    return r.warning ? r.warning.code : "allowed";
  } catch (e) {
    return e.code;
  }
};
for (const c of (await load("environments.json")).cases) {
  const d = detectEnvironment(c.env);
  expect(d.environment === c.environment && d.variable === c.variable && d.value === c.value, `${c.name}: detected ${JSON.stringify(d)}`);
  expect(verdict("live", d) === c.live && verdict("test", d) === c.test, `${c.name}: verdicts`);
}
for (const c of (await load("redaction.json")).cases) {
  const got = redact(c.input, c.style ?? undefined);
  expect(got === c.expected, `${c.name}: ${JSON.stringify(got)}`);
}
// The package's redact wrapper (trigger shortcut, encodeInto) against the core's stream path.
const shortcut = runRedactShortcut(pk);
checked += shortcut.checked;
for (const m of shortcut.mismatches) failures.push(`redact wrapper: ${JSON.stringify(m)}`);
for (const r of shortcut.refused) expect(r.code === "invalid_argument", `style "bold" on ${JSON.stringify(r.text)}: ${r.code}`);
console.log(`redact wrapper: ${shortcut.checked} comparisons over ${shortcut.texts} texts, ${shortcut.without} without a trigger`);
const errors = runErrorCases(pk, await load("errors.json"));
checked += errors.checked;
failures.push(...errors.problems);
console.log(`errors.json skipped (no such call in the package): ${errors.skipped.join("; ")}`);
const shapes = runShapeCases(pk, await load("shapes.json"));
checked += shapes.checked;
failures.push(...shapes.problems, ...shapes.skipped.map((s) => `shapes.json skipped ${s}`));
console.log(`deno ${Deno.version.deno}: ${checked} checks, ${failures.length} failures`);
for (const f of failures) console.log(`FAIL ${f}`);
Deno.exit(failures.length ? 1 : 0);
