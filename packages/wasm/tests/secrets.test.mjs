// Secret references read over fetch by the installed package: OpenBao's dev server (Vault KV
// v2) and moto's server for AWS Secrets Manager (signature checks on) on loopback, under Node
// (the package's node entry, Node's fetch) and inside workerd (a Worker's env bindings, the
// runtime's fetch). The resolved key and its origin, AWSPREVIOUS as the fallback, a stored
// newline diagnosed as `whitespace`, not found / access denied / credentials missing, and no
// key or credential in any message.
//
// The servers come from tests/secrets/setup.sh (`just wasm test` runs it and sets
// PICTIFY_SECRETS_REQUIRED). Without them these tests skip loudly, and fail under CI.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { inspect } from "node:util";
import { installPacked, importInstalled, writeWorkerdConfig, startWorkerd, freePort, tempDir, PKG_DIR } from "./harness.mjs";
import { startMockApi } from "./mock-api.mjs";
import { skipUnless, startBao, startMoto } from "../../../tests/secrets/servers.mjs";

const KEY = "pk_test_FAKE9xQ2mN7vB4kL0pRtb9Lm";
const FINGERPRINT = "pk_test_****b9Lm";
const PREVIOUS = "pk_test_FAKEjtAF2q6akaYVKAOHn9MtsuszMyNH";
const PREVIOUS_FINGERPRINT = "pk_test_****MyNH";
const TOKEN = "rootFAKEwasmToken";
const WRONG_TOKEN = "wrongFAKEwasmToken";
const VAULT_REF = "vault://secret/pictify#api_key";
const AWS_REF = "aws-sm://pictify/api-key";

const skip = skipUnless("bao", "moto_server");

function assertNoSecret(secrets, ...values) {
  for (const v of values) {
    for (const text of [String(v), inspect(v, { depth: 5 }), JSON.stringify(v) ?? "", v?.message, v?.stack]) {
      if (typeof text !== "string") continue;
      for (const s of secrets) assert.ok(!text.includes(s), `a secret leaked into: ${text}`);
    }
  }
}

describe("secret references over fetch", { skip }, () => {
  let pk;
  let bao;
  let moto;
  let reader;
  let mock;
  let workerd;
  const url = {};
  const vaultEnv = (reference, token = TOKEN) => {
    const e = { PICTIFY_API_KEY: reference, VAULT_ADDR: bao.addr, NODE_ENV: "development" };
    if (token !== null) e.VAULT_TOKEN = token;
    return e;
  };
  const awsEnv = (reference, overrides = {}) => {
    const e = {
      PICTIFY_API_KEY: reference,
      NODE_ENV: "development",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: reader.accessKeyId,
      AWS_SECRET_ACCESS_KEY: reader.secretAccessKey,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.url,
      ...overrides,
    };
    for (const [k, v] of Object.entries(e)) if (v === undefined) delete e[k];
    return e;
  };
  const secrets = () => [KEY, KEY.slice(12), PREVIOUS.slice(12), TOKEN, WRONG_TOKEN, reader.secretAccessKey, "wrongFAKEsecretKey"];

  before(async () => {
    const project = installPacked();
    pk = await importInstalled(project);
    bao = await startBao(TOKEN);
    await bao.write("pictify", { api_key: KEY });
    await bao.write("newline", { api_key: `${KEY}\n` });
    moto = await startMoto();
    await moto.secret("pictify/api-key", PREVIOUS);
    await moto.rotate("pictify/api-key", KEY);
    await moto.secret("newline", `${KEY}\n`);
    reader = await moto.readerKey();
    await moto.enableAuth();
    mock = await startMockApi({ valid: [KEY] });
    const scenarios = [
      { id: "Vault", name: "vault", env: { ...vaultEnv("vault://secret/pictify"), PICTIFY_BASE_URL: mock.url } },
      { id: "Aws", name: "aws", env: { ...awsEnv(AWS_REF), PICTIFY_BASE_URL: mock.url } },
      { id: "Denied", name: "denied", env: vaultEnv("vault://secret/pictify", WRONG_TOKEN) },
    ];
    for (const s of scenarios) {
      s.port = await freePort();
      url[s.name] = `http://127.0.0.1:${s.port}`;
    }
    const config = writeWorkerdConfig(tempDir("pictify-workerd-secrets-"), project, join(PKG_DIR, "tests", "worker", "secrets-worker.js"), scenarios);
    workerd = await startWorkerd(config, scenarios.map((s) => s.port));
  });
  after(async () => {
    workerd?.stop();
    mock?.stop();
    await bao?.close();
    await moto?.close();
  });

  test("node: checkKeysAsync and loadKeysAsync resolve a Vault reference", async () => {
    const report = await pk.checkKeysAsync(vaultEnv("vault://secret/pictify"));
    assert.equal(report.error, null);
    assert.deepEqual(report.keys.map((k) => [k.origin, k.variable, k.fingerprint, k.verdict]), [[VAULT_REF, "PICTIFY_API_KEY", FINGERPRINT, "allowed"]]);
    const loaded = await pk.loadKeysAsync(vaultEnv("vault://secret/pictify"));
    assert.equal(loaded.source, "env");
    assert.deepEqual(loaded.keys.map((k) => [k.origin, k.key.fingerprint]), [[VAULT_REF, FINGERPRINT]]);
    // EXPOSE: the test compares the fetched value with what was stored.
    assert.equal(loaded.keys[0].key.reveal(), KEY);
    assertNoSecret(secrets(), report, loaded);
  });

  test("node: options.fetch is the transport, and the other options still apply", async () => {
    const urls = [];
    const fetchSpy = (url, init) => { urls.push(url); return fetch(url, init); };
    const report = await pk.checkKeysAsync(vaultEnv("vault://secret/pictify"), { fetch: fetchSpy, environment: "production" });
    assert.deepEqual(urls, [`${bao.addr}/v1/secret/data/pictify`]);
    assert.equal(report.detection.environment, "production");
    assert.equal(report.keys[0].verdict, "refused");
    assert.equal(report.keys[0].code, "test_key_in_production");
    const loaded = await pk.loadKeysAsync(vaultEnv("vault://secret/pictify"), { fetch: fetchSpy });
    assert.equal(loaded.keys[0].origin, VAULT_REF);
    assert.equal(urls.length, 2);
  });

  test("node: AWSCURRENT then AWSPREVIOUS, signed requests accepted by moto", async () => {
    const report = await pk.checkKeysAsync(awsEnv(AWS_REF));
    assert.equal(report.error, null);
    assert.deepEqual(report.keys.map((k) => [k.origin, k.fingerprint]), [[AWS_REF, FINGERPRINT], [`${AWS_REF}@previous`, PREVIOUS_FINGERPRINT]]);
    const loaded = await pk.loadKeysAsync(awsEnv(AWS_REF));
    assert.deepEqual(loaded.keys.map((k) => [k.origin, k.key.fingerprint]), [[AWS_REF, FINGERPRINT], [`${AWS_REF}@previous`, PREVIOUS_FINGERPRINT]]);
    assertNoSecret(secrets(), report, loaded);
  });

  test("node: a stored trailing newline is `whitespace`, naming the reference", async () => {
    for (const [env, origin] of [[vaultEnv("vault://secret/newline"), "vault://secret/newline#api_key"], [awsEnv("aws-sm://newline"), "aws-sm://newline"]]) {
      const report = await pk.checkKeysAsync(env);
      assert.deepEqual(report.keys.map((k) => [k.origin, k.verdict, k.code]), [[origin, "malformed", "whitespace"]]);
      const err = await pk.loadKeysAsync(env).then(() => assert.fail("resolved"), (e) => e);
      assert.equal(err.code, "whitespace");
      assert.equal(err.origin, origin);
      assertNoSecret(secrets(), report, err);
    }
  });

  test("node: not found, access denied and missing credentials carry the core's codes", async () => {
    const cases = [
      [vaultEnv("vault://secret/missing"), "secret_not_found", "vault://secret/missing#api_key"],
      [vaultEnv("vault://secret/pictify", WRONG_TOKEN), "secret_access_denied", VAULT_REF],
      [vaultEnv("vault://secret/pictify", null), "secret_credentials_missing", VAULT_REF],
      [awsEnv("aws-sm://pictify/api-kye"), "secret_not_found", "aws-sm://pictify/api-kye"],
      [awsEnv(AWS_REF, { AWS_SECRET_ACCESS_KEY: "wrongFAKEsecretKey" }), "secret_access_denied", AWS_REF],
      [awsEnv(AWS_REF, { AWS_SECRET_ACCESS_KEY: undefined }), "secret_credentials_missing", AWS_REF],
    ];
    for (const [env, code, reference] of cases) {
      const report = await pk.checkKeysAsync(env);
      assert.deepEqual(report.keys, [], code);
      assert.equal(report.error.code, code);
      assert.equal(report.exitStatus, 2);
      const errors = [
        await pk.loadKeysAsync(env).then(() => assert.fail("resolved"), (e) => e),
        await pk.Client.create({ env, baseUrl: "http://127.0.0.1:9" }).then(() => assert.fail("resolved"), (e) => e),
      ];
      for (const err of errors) {
        assert.ok(err instanceof Error);
        assert.equal(err.code, code);
        assert.ok(err.message.startsWith(`[${code}] `) && err.message.includes(reference), err.message);
      }
      assertNoSecret(secrets(), report, ...errors);
    }
  });

  test("node: the synchronous loadKeys says a reference needs the async call", () => {
    assert.throws(() => pk.loadKeys(vaultEnv("vault://secret/pictify")), (e) => e.code === "secret_unsupported" && e.message.includes(VAULT_REF));
  });

  test("node: Client.create sends the key read from Vault, the reference as its origin", async () => {
    const client = await pk.Client.create({ env: vaultEnv("vault://secret/pictify"), baseUrl: mock.url });
    const resp = await client.request("GET", "/me");
    assert.equal(resp.status, 200);
    assert.equal(resp.keyOrigin, VAULT_REF);
    assert.equal(resp.keyFingerprint, FINGERPRINT);
    assertNoSecret(secrets(), resp);
  });

  test("workerd: a Worker reads its key from Vault and AWS through its env bindings", async () => {
    const get = async (name, path) => (await fetch(url[name] + path)).json();
    assert.deepEqual(await get("vault", "/load"), { ok: true, keys: [{ origin: VAULT_REF, fingerprint: FINGERPRINT }] });
    assert.deepEqual(await get("aws", "/load"), {
      ok: true,
      keys: [{ origin: AWS_REF, fingerprint: FINGERPRINT }, { origin: `${AWS_REF}@previous`, fingerprint: PREVIOUS_FINGERPRINT }],
    });
    const check = await get("aws", "/check");
    assert.equal(check.error, null);
    assert.deepEqual(check.keys.map((k) => k.origin), [AWS_REF, `${AWS_REF}@previous`]);
    for (const name of ["vault", "aws"]) {
      assert.deepEqual(await get(name, "/client"), { ok: true, status: 200, keyOrigin: name === "vault" ? VAULT_REF : AWS_REF, keyFingerprint: FINGERPRINT });
    }
    const denied = await get("denied", "/load");
    assert.equal(denied.code, "secret_access_denied");
    assert.ok(denied.message.includes(VAULT_REF), denied.message);
    assertNoSecret(secrets(), denied, check);
  });
});
