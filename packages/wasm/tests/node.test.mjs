// Every shared vector through the installed npm package under Node (the "node" entry, as a
// user's `import "@pictify/keys-wasm"` resolves it), plus the JS-visible contracts: errors are
// Error objects with .code, keys never serialise their secret, the lite entry has no client.
import { test } from "node:test";
import assert from "node:assert/strict";
import { installPacked, importInstalled, vectors } from "./harness.mjs";
import { runErrorCases, runShapeCases } from "./worker/error-cases.mjs";
import { runRedactShortcut } from "./worker/redact-shortcut.mjs";

const project = installPacked();
const pk = await importInstalled(project);
const lite = await importInstalled(project, "@pictify/keys-wasm/lite");

const secretRuns = (input) => {
  const i = input.indexOf("FAKE");
  if (i < 0) return [];
  const chars = [...input.slice(i)];
  return chars.slice(0, Math.max(0, chars.length - 4)).map((_, j) => chars.slice(j, j + 5).join(""));
};

for (const [label, api] of [["full", pk], ["lite", lite]]) {
  test(`${label}: every keys.json vector`, () => {
    const { cases } = vectors("keys.json");
    assert.ok(cases.length > 40);
    for (const c of cases) {
      if (c.valid) {
        const key = api.ApiKey.parse(c.input);
        assert.equal(key.mode, c.mode, c.name);
        assert.equal(key.fingerprint, c.fingerprint, c.name);
        assert.equal(String(key), c.fingerprint, c.name);
        assert.equal(JSON.stringify({ key }), JSON.stringify({ key: c.fingerprint }), c.name);
        assert.equal(key.reveal(), c.input, c.name);
      } else {
        let err;
        assert.throws(() => api.ApiKey.parse(c.input), (e) => ((err = e), true), c.name);
        assert.ok(err instanceof Error, c.name);
        assert.equal(err.code, c.code, c.name);
        assert.equal(err.position ?? null, c.position, c.name);
        if (c.vendor) assert.equal(err.vendor, c.vendor, c.name);
        assert.equal(err.family, "format", c.name);
        assert.ok(err.message.startsWith(`[${c.code}] `), c.name);
        for (const run of secretRuns(c.input)) assert.ok(!err.message.includes(run), `${c.name}: message echoes ${run}`);
        for (const run of secretRuns(c.input)) assert.ok(!String(err.stack).includes(run), `${c.name}: stack echoes ${run}`);
      }
    }
  });

  test(`${label}: every environments.json vector`, () => {
    const { cases, policy_cases } = vectors("environments.json");
    const verdict = (fn) => {
      try {
        const r = fn();
        assert.deepEqual(Object.keys(r), ["warning"]);
        return r.warning ? r.warning.code : "allowed";
      } catch (e) {
        assert.ok(e instanceof Error);
        assert.equal(e.family, "environment");
        return e.code;
      }
    };
    for (const c of cases) {
      const d = api.detectEnvironment(c.env);
      assert.deepEqual(d, { environment: c.environment, variable: c.variable, value: c.value }, c.name);
      assert.equal(verdict(() => api.checkMode("live", d)), c.live, `${c.name} live`);
      assert.equal(verdict(() => api.checkMode("test", d)), c.test, `${c.name} test`);
    }
    for (const c of policy_cases) {
      const policy = {
        allowLiveOutsideProduction: Boolean(c.policy?.allow_live_outside_production),
        allowTestInProduction: Boolean(c.policy?.allow_test_in_production),
      };
      assert.equal(verdict(() => api.checkMode(c.mode, c.environment, policy)), c.verdict, JSON.stringify(c));
    }
  });
}

test("every rotation.json script through KeyRing (ManualClock)", () => {
  const doc = vectors("rotation.json");
  assert.ok(doc.cases.length >= 25);
  const camel = { max_retries: "maxRetries", cooldown_ms: "cooldownMs", base_delay_ms: "baseDelayMs", max_delay_ms: "maxDelayMs", retry_after_cap_ms: "retryAfterCapMs", jitter: "jitter" };
  for (const c of doc.cases) {
    const merged = { ...doc.default_config, ...(c.config ?? {}) };
    const config = Object.fromEntries(Object.entries(merged).map(([k, v]) => [camel[k], v]));
    const clock = new pk.ManualClock(doc.clock_start_ms);
    const ring = pk.KeyRing.withClock(c.keys, config, clock);
    const fps = ring.fingerprints();
    const reqs = new Map();
    c.steps.forEach((s, i) => {
      const at = `${c.name}, step ${i + 1}`;
      if (s.advance_ms) clock.advance(s.advance_ms);
      if (!reqs.has(s.request)) reqs.set(s.request, { req: ring.beginRequest(), last: null });
      const r = reqs.get(s.request);
      if (s.key !== undefined) {
        r.last = ring.attempt(r.req);
        assert.equal(r.last.key.fingerprint, fps[s.key], at);
      }
      if (!s.outcome) return;
      const o = s.outcome;
      const outcome = o.error ?? { status: o.status, retryAfter: o.retry_after };
      const d = ring.onOutcome(r.req, r.last, outcome);
      assert.equal(d.action, s.decision, at);
      if (s.delay_ms !== undefined) assert.equal(d.delayMs, s.delay_ms, at);
      if (s.code) {
        assert.equal(d.error.code, s.code, at);
        assert.ok(d.error.message.startsWith(`[${s.code}] `), at);
      }
    });
    (c.stats ?? []).forEach((want, i) => {
      const got = ring.stats()[i];
      for (const k of ["requests", "successes", "unauthorized", "errors"]) assert.equal(got[k], want[k], `${c.name} key ${i} ${k}`);
    });
  }
});

test("every redaction.json vector: whole text, stream in several chunkings, idempotent", () => {
  const doc = vectors("redaction.json");
  assert.ok(doc.cases.length > 50);
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  for (const c of doc.cases) {
    const style = c.style ?? undefined;
    assert.equal(pk.redact(c.input, style), c.expected, c.name);
    assert.equal(lite.redact(c.input, style), c.expected, `${c.name} (lite)`);
    assert.equal(pk.redact(c.expected, style), c.expected, `${c.name}: redacting twice changes nothing`);
    const bytes = enc.encode(c.input);
    for (const size of [1, 3, 16, 4096]) {
      const s = new pk.StreamRedactor(style);
      const parts = [];
      for (let i = 0; i < bytes.length; i += size) parts.push(s.push(bytes.subarray(i, i + size)));
      parts.push(s.finish());
      assert.equal(dec.decode(Buffer.concat(parts)), c.expected, `${c.name}: stream, chunk ${size}`);
    }
  }
});

test("redact hands back unchanged text as given, refuses a non-string with invalid_argument", () => {
  const clean = "GET /render?template=og-card 200 (12 ms) é 😀\n".repeat(2000);
  for (const mod of [pk, lite]) {
    assert.equal(mod.redact(clean), clean);
    assert.equal(mod.redact(""), "");
    assert.equal(mod.redact(`${clean}key=pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ`), `${clean}key=pk_live_****uhnJ`);
    for (const bad of [undefined, null, 42, { toString: () => "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ" }]) {
      assert.throws(() => mod.redact(bad), (e) => e instanceof Error && e.code === "invalid_argument" && !e.message.includes("FAKE"));
    }
  }
});

test("the redact wrapper (trigger shortcut, encodeInto, decode only when changed) gives the core's output", () => {
  for (const [label, mod] of [["full", pk], ["lite", lite]]) {
    const r = runRedactShortcut(mod);
    assert.deepEqual(r.mismatches, [], label);
    assert.equal(r.checked, r.texts * 4, label);
    assert.ok(r.without > 500 && r.without < r.texts - 100, `${label}: ${r.without} of ${r.texts} texts without a trigger`);
    assert.deepEqual(r.refused.map((x) => x.code), ["invalid_argument", "invalid_argument", "invalid_argument"], label);
  }
});

test("loadKeys reads the env object in priority order with provenance", () => {
  const env = { PICTIFY_API_KEY_OLD: "pk_live_FAKEUoVgjESeIezwhSZXuOnYPNd3Rce5", PICTIFY_API_KEY_NEW: "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ", KV: {} };
  const loaded = pk.loadKeys(env);
  // The Node package's shape: { keys: [{ key, origin }], source, shadowed }.
  assert.deepEqual(loaded.keys.map((k) => k.origin), ["env:PICTIFY_API_KEY_NEW", "env:PICTIFY_API_KEY_OLD"]);
  assert.equal(loaded.keys[0].key.fingerprint, "pk_live_****uhnJ");
  assert.equal(loaded.source, "env");
  assert.deepEqual(loaded.shadowed, []);
  assert.equal(new pk.KeyRing(loaded.keys).stats()[1].origin, "env:PICTIFY_API_KEY_OLD");
  assert.throws(() => pk.loadKeys({}), { code: "no_key" });
  assert.throws(() => pk.loadKeys({ PICTIFY_API_KEY: "pk_live_your_api_key" }), (e) => e.code === "placeholder" && e.origin === "env:PICTIFY_API_KEY" && e.details.origin === e.origin);
});

test("checkKeys gives the CLI's verdicts", () => {
  const r = pk.checkKeys({ NODE_ENV: "development", PICTIFY_API_KEY: "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ" });
  assert.equal(r.detection.environment, "development");
  assert.equal(r.keys[0].verdict, "refused");
  assert.equal(r.keys[0].code, "live_key_in_development");
  assert.equal(r.error.code, "live_key_in_development");
  assert.equal(r.exitStatus, 1);
  assert.equal(pk.checkKeys({}).error.code, "no_key");
});

test("redaction: text, JSON values and streams agree", () => {
  const key = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
  const line = `GET /v1?api_key=${key} Authorization: Bearer ${key}`;
  const out = pk.redact(line);
  assert.ok(!out.includes("FAKEt7KU"), out);
  assert.ok(out.includes("pk_live_****uhnJ"), out);
  assert.equal(pk.redact(line, "redacted").includes("uhnJ"), false);
  const obj = pk.redactJson({ apiKey: key, nested: { message: `using ${key}` }, n: 1 });
  assert.deepEqual(obj, { apiKey: "pk_live_****uhnJ", nested: { message: "using pk_live_****uhnJ" }, n: 1 });
  const bytes = new TextEncoder().encode(`${line}\n`.repeat(50));
  for (const size of [1, 7, 64, 1000]) {
    const s = new pk.StreamRedactor();
    const parts = [];
    for (let i = 0; i < bytes.length; i += size) parts.push(s.push(bytes.subarray(i, i + size)));
    parts.push(s.finish());
    const text = new TextDecoder().decode(Buffer.concat(parts.map((p) => Buffer.from(p))));
    assert.equal(text, pk.redact(`${line}\n`.repeat(50)), `chunk ${size}`);
  }
  assert.throws(() => pk.redact("x", "bogus"), { code: "invalid_argument" });
});

test("AuditEvent carries the fingerprint or a key ID, never a secret", () => {
  const key = pk.ApiKey.parse("pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ");
  const e = pk.AuditEvent.forKey(key, { action: "image.create", endpoint: "/image", method: "POST", status: 200, timestamp: 0 });
  const j = JSON.parse(JSON.stringify(e));
  assert.equal(j.keyId, "pk_live_****uhnJ");
  assert.ok(!JSON.stringify(j).includes("FAKEt7"));
  assert.throws(() => new pk.AuditEvent({ keyId: key.reveal(), action: "a", endpoint: "/", method: "GET", status: 200 }), { code: "secret_in_key_id" });
});

test("the lite entry has no HTTP client or ring; the full entry has both", () => {
  assert.equal(lite.Client, undefined);
  assert.equal(lite.KeyRing, undefined);
  assert.equal(typeof pk.Client, "function");
  assert.equal(typeof pk.KeyRing, "function");
});

test("ApiKey.parse of undefined, null or a non-string throws no_key / invalid_argument, never a trap", () => {
  // New-user trial: parse(undefined) was `TypeError: Cannot read properties of undefined`,
  // parse(123) `RuntimeError: memory access out of bounds`.
  for (const api of [pk, lite]) {
    for (const unset of [undefined, null]) {
      assert.throws(() => api.ApiKey.parse(unset), (e) => e instanceof Error && e.code === "no_key" && e.family === "source");
    }
    for (const bad of [123, true, {}, ["pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ"]]) {
      assert.throws(() => api.ApiKey.parse(bad), (e) => e.code === "invalid_argument" && e.family === "input" && !e.message.includes("FAKE"));
    }
    assert.equal(api.ApiKey.parse("pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ").fingerprint, "pk_live_****uhnJ");
  }
});

test("under Node, calls without env read process.env, as the Node package does", async () => {
  // New-user trial: with NODE_ENV=development, checkEnvironment(key) allowed a live key and
  // loadKeys() said no_key although PICTIFY_API_KEY was set.
  const { spawnSync } = await import("node:child_process");
  const script = `
    const out = {};
    const run = (name, f) => { try { out[name] = f(); } catch (e) { out[name] = { code: e.code, message: e.message }; } };
    for (const entry of ["@pictify/keys-wasm", "@pictify/keys-wasm/lite"]) {
      const pk = await import(entry);
      const key = pk.ApiKey.parse(process.env.PICTIFY_API_KEY);
      run(entry + " detect", () => pk.detectEnvironment().environment);
      run(entry + " checkEnvironment", () => pk.checkEnvironment(key));
      run(entry + " checkMode", () => pk.checkMode("live"));
      run(entry + " loadKeys", () => pk.loadKeys().keys.map((k) => k.origin));
      run(entry + " checkKeys", () => pk.checkKeys().error.code);
      if (pk.Client) {
        run(entry + " Client", () => new pk.Client({ baseUrl: "http://127.0.0.1:9" }));
        run(entry + " Client relaxed", () => typeof new pk.Client({ baseUrl: "http://127.0.0.1:9", policy: { allowLiveOutsideProduction: true } }));
      }
    }
    process.stdout.write(JSON.stringify(out));`;
  const env = { PATH: process.env.PATH, NODE_ENV: "development", PICTIFY_API_KEY: "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ" };
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: project, env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const entry of ["@pictify/keys-wasm", "@pictify/keys-wasm/lite"]) {
    assert.equal(out[`${entry} detect`], "development");
    assert.equal(out[`${entry} checkEnvironment`].code, "live_key_in_development");
    assert.match(out[`${entry} checkEnvironment`].message, /NODE_ENV=development/);
    assert.equal(out[`${entry} checkMode`].code, "live_key_in_development");
    assert.deepEqual(out[`${entry} loadKeys`], ["env:PICTIFY_API_KEY"]);
    assert.equal(out[`${entry} checkKeys`], "live_key_in_development");
  }
  assert.equal(out["@pictify/keys-wasm Client"].code, "live_key_in_development");
  assert.equal(out["@pictify/keys-wasm Client relaxed"], "object");
  assert.ok(!r.stdout.includes("FAKEt7KU"));
});

test("every errors.json case: code, family, exact details, [code] message, no secret", (t) => {
  const doc = vectors("errors.json");
  const r = runErrorCases(pk, doc);
  assert.deepEqual(r.problems, []);
  assert.ok(r.checked >= 25);
  t.diagnostic(`skipped (no such call in the package): ${r.skipped.join("; ")}`);
});

test("every shapes.json case: the exact object each call returns (full and lite)", (t) => {
  const doc = vectors("shapes.json");
  const full = runShapeCases(pk, doc);
  assert.deepEqual(full.problems, []);
  assert.deepEqual(full.skipped, []);
  assert.ok(full.checked >= 20, String(full.checked));
  const small = runShapeCases(lite, doc);
  assert.deepEqual(small.problems, []);
  t.diagnostic(`lite skipped: ${small.skipped.join("; ")}`);
});
