// End to end inside a real Workers runtime: workerd (npm) serves a Worker that imports the
// installed @pictify/keys-wasm package on loopback ports; each scenario is a Worker with its
// own `env` bindings, as Cloudflare would hand them to the handler.
import { test, after, before } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { installPacked, writeWorkerdConfig, startWorkerd, freePort, tempDir, PKG_DIR, vectors } from "./harness.mjs";
import { startMockApi } from "./mock-api.mjs";
import { vectorKeys } from "./worker/driver-cases.mjs";

const LIVE = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
const OLD = "pk_live_FAKEUoVgjESeIezwhSZXuOnYPNd3Rce5";

let workerd;
let mock;
let vectorMock;
const url = {};

before(async () => {
  const project = installPacked();
  mock = await startMockApi({ valid: [OLD], revoked: [LIVE] });
  vectorMock = await startMockApi({ valid: vectorKeys(vectors("rotation.json")) });
  const scenarios = [
    { id: "Dev", name: "dev", env: { NODE_ENV: "development", PICTIFY_API_KEY: LIVE } },
    { id: "Prod", name: "prod", env: { NODE_ENV: "production", PICTIFY_API_KEY_NEW: LIVE, PICTIFY_API_KEY_OLD: OLD, PICTIFY_BASE_URL: mock.url } },
    { id: "Preview", name: "preview", env: { VERCEL_ENV: "preview", NODE_ENV: "production", PICTIFY_API_KEY: LIVE } },
  ];
  for (const s of scenarios) {
    s.port = await freePort();
    url[s.name] = `http://127.0.0.1:${s.port}`;
  }
  const dir = tempDir("pictify-workerd-");
  const config = writeWorkerdConfig(dir, project, join(PKG_DIR, "tests", "worker", "worker.js"), scenarios);
  workerd = await startWorkerd(config, scenarios.map((s) => s.port));
});

after(() => {
  workerd?.stop();
  mock?.stop();
  vectorMock?.stop();
});

const get = async (scenario, path, body) => {
  const res = await fetch(url[scenario] + path, body === undefined ? {} : { method: "POST", body });
  return res.json();
};

test("workerd: the key from the env binding is validated in production", async () => {
  const r = await get("prod", "/validate");
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.fingerprint, "pk_live_****uhnJ");
  assert.equal(r.origin, "env:PICTIFY_API_KEY_NEW");
  assert.deepEqual(r.environment, { environment: "production", variable: "NODE_ENV", value: "production" });
});

test("workerd: a live key is refused when the binding says development", async () => {
  const r = await get("dev", "/validate");
  assert.equal(r.ok, false);
  assert.equal(r.code, "live_key_in_development");
  assert.equal(r.family, "environment");
  assert.equal(r.name, "PictifyKeyError");
  assert.ok(!JSON.stringify(r).includes("FAKEt7KU"));
});

test("workerd: a Vercel preview is not production", async () => {
  const r = await get("preview", "/check");
  assert.equal(r.detection.environment, "staging");
  assert.equal(r.keys[0].code, "live_key_in_development");
  assert.equal(r.exitStatus, 1);
});

test("workerd: exact error codes for malformed keys", async () => {
  assert.equal((await get("dev", "/parse", `${LIVE}\n`)).code, "whitespace");
  assert.equal((await get("dev", "/parse", "pk_live_your_api_key")).code, "placeholder");
  assert.equal((await get("dev", "/parse", "sk_live_FAKEkY9pF34Qy6nBq7Vd2LmZ")).code, "foreign_key");
  const ok = await get("dev", "/parse", LIVE);
  assert.equal(ok.asJson, JSON.stringify({ key: "pk_live_****uhnJ" }));
});

test("workerd: every errors.json case inside the Worker", async () => {
  const doc = vectors("errors.json");
  const r = await get("dev", "/error-cases", JSON.stringify(doc));
  assert.deepEqual(r.problems, []);
  assert.equal(r.checked + r.skipped.length, doc.cases.length);
  assert.ok(r.checked >= 25, JSON.stringify(r));
  console.log(`workerd errors.json: ${r.checked} cases, skipped (no such call in the package): ${r.skipped.join("; ")}`);
});

test("workerd: every shapes.json case inside the Worker", async () => {
  const doc = vectors("shapes.json");
  const r = await get("dev", "/shape-cases", JSON.stringify(doc));
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.skipped, []);
  assert.ok(r.checked >= 20, JSON.stringify(r));
});

test("workerd: the redact wrapper gives the core's output inside the Worker", async () => {
  const r = await get("dev", "/redact-shortcut");
  assert.deepEqual(r.mismatches, []);
  assert.equal(r.checked, r.texts * 4);
  assert.ok(r.without > 500 && r.without < r.texts - 100, `${r.without} of ${r.texts} texts without a trigger`);
  assert.deepEqual(r.refused.map((x) => x.code), ["invalid_argument", "invalid_argument", "invalid_argument"]);
});

test("workerd: a log line is redacted inside the Worker", async () => {
  const r = await get("dev", "/redact", `POST /image Authorization: Bearer ${LIVE} api_key=${OLD}`);
  assert.equal(r.ok, true);
  assert.ok(!r.line.includes("FAKE"), r.line);
  assert.ok(r.line.includes("pk_live_****uhnJ") && r.line.includes("pk_live_****Rce5"), r.line);
});

test("workerd: Client over fetch falls back from the revoked NEW key to OLD, once", async () => {
  const r = await get("prod", "/render");
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.first.status, 200);
  assert.equal(r.first.keyOrigin, "env:PICTIFY_API_KEY_OLD");
  assert.equal(r.first.keyFingerprint, "pk_live_****Rce5");
  assert.equal(r.first.attempts, 2);
  assert.deepEqual(r.first.fallbacks.map((f) => [f.fromFingerprint, f.toFingerprint]), [["pk_live_****uhnJ", "pk_live_****Rce5"]]);
  // The demoted NEW key is skipped: no second 401 round trip.
  assert.equal(r.second.attempts, 1);
  assert.equal(r.second.keyOrigin, "env:PICTIFY_API_KEY_OLD");
  assert.equal(r.second.keyFingerprint, "pk_live_****Rce5");
  const [newStats, oldStats] = r.stats;
  assert.equal(newStats.unauthorized, 1);
  assert.equal(oldStats.successes, 2);
  assert.equal(r.audit.keyId, "pk_live_****Rce5");
  const seen = await mock.requests();
  const renders = seen.filter((q) => q.path === "/image");
  assert.deepEqual(renders.map((q) => q.fingerprint), ["pk_live_****uhnJ", "pk_live_****Rce5", "pk_live_****Rce5"]);
  // One idempotency key per logical POST, reused on the fallback.
  assert.equal(renders[0].idempotencyKey, renders[1].idempotencyKey);
  assert.notEqual(renders[1].idempotencyKey, renders[2].idempotencyKey);
});

test("workerd: calls without env say env is required, never allow on an empty environment", async () => {
  // New-user trial: checkEnvironment(key) without an environment allowed a live key.
  const r = await get("dev", "/no-env");
  for (const name of ["loadKeys", "checkKeys", "detectEnvironment"]) {
    assert.equal(r[name].ok, false, name);
    assert.equal(r[name].code, "invalid_argument", name);
    assert.match(r[name].message, /env is required in this runtime/, name);
  }
  assert.equal(r.checkEnvironment.code, "invalid_argument");
  assert.match(r.checkEnvironment.message, /environment is required in this runtime.*detectEnvironment\(env\)/);
  assert.equal(r.client.code, "invalid_argument");
  assert.equal(r.parseUnset.code, "no_key");
});

test("workerd: every rotation.json script over fetch to the mock API (the core driver in the Worker)", async () => {
  const doc = vectors("rotation.json");
  const r = await get("prod", "/rotation", JSON.stringify({ doc, baseUrl: vectorMock.url }));
  assert.deepEqual(r.problems, []);
  assert.equal(r.checked + r.skipped.length, doc.cases.length);
  assert.ok(r.checked >= 20, JSON.stringify(r));
  console.log(`workerd rotation.json over HTTP: ${r.checked} scripts; skipped: ${r.skipped.join("; ")}`);
});

test("workerd: attempt cap, 401 re-read of env, path/method refusal, API message rules", async () => {
  const keys = vectors("rotation.json").cases[0].keys;
  const r = await get("prod", "/driver-cases", JSON.stringify({ keys, baseUrl: vectorMock.url }));
  assert.deepEqual(r.problems, []);
  assert.equal(r.checked, 4);
});
