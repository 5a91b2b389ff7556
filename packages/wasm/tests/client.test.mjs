// The fetch Client under Node against tests/mock-api: retries on the same key (429 with
// Retry-After, 503), never switching keys on them; every key refused gives `unauthorized`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { installPacked, importInstalled, vectors } from "./harness.mjs";
import { startMockApi } from "./mock-api.mjs";
import { runDriverCases, runRotationVectors, vectorKeys } from "./worker/driver-cases.mjs";

const NEW = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
const OLD = "pk_live_FAKEUoVgjESeIezwhSZXuOnYPNd3Rce5";
let pk;
let mock;

before(async () => {
  pk = await importInstalled(installPacked());
  mock = await startMockApi({ valid: [NEW, OLD] });
});
after(() => mock?.stop());

const script = (failures) =>
  fetch(`${mock.url}/_admin/failures`, { method: "POST", body: JSON.stringify(failures), headers: { "content-type": "application/json" } });

test("429 with Retry-After and 503 are retried on the same key with one idempotency key", async () => {
  await fetch(`${mock.url}/_admin/reset`, { method: "POST" });
  await script([{ kind: "status", status: 429, retry_after: "0", path: "/image" }, { kind: "status", status: 503, path: "/image" }]);
  const client = new pk.Client({ environment: "production", keys: [NEW, OLD], baseUrl: mock.url, baseDelayMs: 5, jitter: false });
  const r = await client.images.create({ html: "<p>hi</p>" });
  assert.equal(r.status, 200);
  assert.equal(r.attempts, 3);
  assert.equal(r.keyOrigin, "explicit:0");
  assert.equal(r.keyFingerprint, "pk_live_****uhnJ");
  assert.deepEqual(r.fallbacks, []);
  const seen = (await mock.requests()).filter((q) => q.path === "/image");
  assert.deepEqual(seen.map((q) => q.status), [429, 503, 200]);
  assert.ok(seen.every((q) => q.fingerprint === "pk_live_****uhnJ"));
  assert.equal(new Set(seen.map((q) => q.idempotencyKey)).size, 1);
});

test("every key refused: unauthorized, each key tried once", async () => {
  await fetch(`${mock.url}/_admin/reset`, { method: "POST" });
  await script([{ kind: "status", status: 401, times: 2 }]);
  const client = new pk.Client({ environment: "production", keys: [NEW, OLD], baseUrl: mock.url });
  await assert.rejects(client.request("GET", "/me"), (e) => e instanceof Error && e.code === "unauthorized" && e.family === "http" && e.status === 401);
  const seen = await mock.requests();
  assert.deepEqual(seen.map((q) => q.fingerprint), ["pk_live_****uhnJ", "pk_live_****Rce5"]);
});

test("a refusal keeps the API reason and request id", async () => {
  // A fresh server, so the refusal is its first request: req_1.
  const own = await startMockApi({ revoked: [NEW] });
  try {
    const client = new pk.Client({ environment: "production", keys: [NEW], baseUrl: own.url });
    const err = await client.request("GET", "/me").then(() => assert.fail("resolved"), (e) => e);
    assert.equal(err.code, "unauthorized");
    assert.deepEqual(err.details, { status: 401, tried: 1, apiCode: "revoked_api_key", requestId: "req_1" });
    assert.equal(err.requestId, "req_1");
    assert.ok(err.message.includes("(revoked_api_key, request req_1)"), err.message);
  } finally {
    own.stop();
  }
});

test("a 404 ends the request with http_status and the API's message, redacted", async () => {
  const client = new pk.Client({ environment: "production", keys: [NEW], baseUrl: mock.url });
  await assert.rejects(client.request("GET", "/nope"), (e) => e.code === "http_status" && e.status === 404 && !e.message.includes("FAKE"));
});

test("the browser entry initialises with init() and gives the same answers", async () => {
  const { readFileSync } = await import("node:fs");
  const { createRequire } = await import("node:module");
  const { pathToFileURL } = await import("node:url");
  const project = installPacked();
  const require = createRequire(`${project}/package.json`);
  const browser = await import(pathToFileURL(require.resolve("@pictify/keys-wasm/browser")).href);
  const wasm = readFileSync(require.resolve("@pictify/keys-wasm/pictify_keys_wasm_bg.wasm"));
  await browser.default({ module_or_path: wasm });
  assert.equal(browser.ApiKey.parse(NEW).fingerprint, "pk_live_****uhnJ");
  assert.equal(browser.redact(`key=${NEW}`), "key=pk_live_****uhnJ");
});

test("the client applies the environment policy when it is built", async () => {
  await fetch(`${mock.url}/_admin/reset`, { method: "POST" });
  const env = { NODE_ENV: "development", PICTIFY_API_KEY: NEW };
  assert.throws(() => new pk.Client({ env, baseUrl: mock.url }), (e) => e.code === "live_key_in_development" && e.family === "environment");
  assert.throws(() => new pk.Client({ keys: [NEW], environment: "test", baseUrl: mock.url }), (e) => e.code === "live_key_in_development");
  assert.deepEqual(await mock.requests(), []);
  const relaxed = new pk.Client({ env, baseUrl: mock.url, policy: { allowLiveOutsideProduction: true } });
  assert.equal((await relaxed.request("GET", "/me")).status, 200);
  assert.equal((await mock.requests()).length, 1);
});

test("every rotation.json script over fetch to the mock API", async () => {
  const doc = vectors("rotation.json");
  const own = await startMockApi({ valid: vectorKeys(doc) });
  try {
    const r = await runRotationVectors(pk, doc, own.url);
    assert.deepEqual(r.problems, []);
    assert.equal(r.checked + r.skipped.length, doc.cases.length);
    assert.ok(r.checked >= 20, JSON.stringify(r));
  } finally {
    own.stop();
  }
});

test("attempt cap, 401 re-read of env, path/method refusal, API message rules", async () => {
  const doc = vectors("rotation.json");
  const own = await startMockApi({ valid: vectorKeys(doc) });
  try {
    const r = await runDriverCases(pk, doc.cases[0].keys, own.url);
    assert.deepEqual(r.problems, []);
    assert.equal(r.checked, 4);
  } finally {
    own.stop();
  }
});
