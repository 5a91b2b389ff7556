// The Client of this package (the core's request driver over fetch) against tests/mock-api,
// shared by the Node test (tests/client.test.mjs) and the Worker inside workerd
// (tests/worker/worker.js): real fetches to the mock API on loopback, whose record of what
// it received is the evidence.
//
// - runRotationVectors: every script of tests/vectors/rotation.json played over HTTP. Each
//   step's outcome becomes one scripted answer of the mock API, in order (a 2xx step is a
//   `slow` failure of 0 ms, i.e. a normal answer; a timeout is an answer slower than the
//   client's timeout; a connection error is a dropped connection). The Client must send
//   exactly the attempts of the script, with the keys it names, end each logical request as
//   the script says, and count the key stats it lists. Scripts that move the clock
//   (`advance_ms`) are skipped: the Client reads Date.now().
// - runDriverCases: the rules the WASM client lacked before it used the core driver.

const fp = (key) => `${key.slice(0, 8)}****${key.slice(-4)}`;

const TIMEOUT_MS = 250;

const admin = (baseUrl, path, body) =>
  fetch(`${baseUrl}/_admin/${path}`, {
    method: "POST",
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });

const records = async (baseUrl) => (await (await fetch(`${baseUrl}/_admin/requests`)).json()).requests;

const answerFor = (outcome) => {
  if (outcome.error === "timeout") return { kind: "slow", delay_ms: TIMEOUT_MS * 4 };
  if (outcome.error === "connection") return { kind: "drop" };
  if (outcome.status >= 200 && outcome.status < 300) return { kind: "slow", delay_ms: 0 };
  return { kind: "status", status: outcome.status, ...(outcome.retry_after ? { retry_after: outcome.retry_after } : {}) };
};

/** Every key of the runnable scripts (the mock API must know them as active keys). */
export const vectorKeys = (doc) => [...new Set(doc.cases.flatMap((c) => c.keys))];

const runnable = (c) => {
  if (c.steps.some((s) => s.advance_ms !== undefined || !s.outcome)) return false;
  // Each logical request's steps are consecutive (no request in flight beside another).
  const names = c.steps.map((s) => s.request);
  return names.every((n, i) => i === 0 || n === names[i - 1] || !names.slice(0, i).includes(n));
};

async function runCase(pk, doc, c, baseUrl) {
  const problems = [];
  const say = (what) => problems.push(`${c.name}: ${what}`);
  await admin(baseUrl, "reset");
  await admin(baseUrl, "failures", c.steps.map((s) => answerFor(s.outcome)));
  const cfg = { ...doc.default_config, ...(c.config ?? {}) };
  const client = new pk.Client({
    keys: c.keys, environment: "production", policy: { allowTestInProduction: true }, baseUrl, timeoutMs: TIMEOUT_MS,
    // The script's retry and cooldown rules; delays shortened (they are not asserted here).
    maxRetries: cfg.max_retries, cooldownMs: cfg.cooldown_ms, baseDelayMs: 1, maxDelayMs: 2, retryAfterCapMs: 5, jitter: false,
  });
  for (const name of [...new Set(c.steps.map((s) => s.request))]) {
    const steps = c.steps.filter((s) => s.request === name);
    const last = steps[steps.length - 1];
    const success = last.decision === "done" && last.outcome.status >= 200 && last.outcome.status < 300;
    const wantCode = last.decision === "fail" ? last.code : "http_status";
    try {
      const r = await client.request("GET", "/me");
      if (!success) { say(`${name} resolved (${r.status}), expected ${wantCode}`); continue; }
      if (r.keyFingerprint !== fp(c.keys[last.key])) say(`${name}: keyFingerprint ${r.keyFingerprint}`);
      if (r.attempts !== steps.length) say(`${name}: ${r.attempts} attempts, expected ${steps.length}`);
      const fallbacks = steps.filter((s) => s.decision === "try_next_key").length;
      if (r.fallbacks.length !== fallbacks) say(`${name}: ${r.fallbacks.length} fallbacks, expected ${fallbacks}`);
    } catch (e) {
      if (success || e.code !== wantCode) say(`${name}: ${e.code ?? e}, expected ${success ? "success" : wantCode}`);
    }
  }
  const sent = (await records(baseUrl)).map((r) => r.key_fingerprint);
  const expected = c.steps.map((s) => fp(c.keys[s.key]));
  if (JSON.stringify(sent) !== JSON.stringify(expected)) say(`keys sent ${sent.join(",")}; expected ${expected.join(",")}`);
  (c.stats ?? []).forEach((want, i) => {
    const got = client.stats()[i];
    for (const f of ["requests", "successes", "unauthorized", "errors"]) {
      if (got?.[f] !== want[f]) say(`stats[${i}].${f} = ${got?.[f]}, expected ${want[f]}`);
    }
  });
  return problems;
}

/**
 * `{ checked, skipped: [names], problems: [...] }` for tests/vectors/rotation.json over HTTP.
 * `runtimeRetriesDrops`: workerd's fetch itself re-sends a request whose pooled keep-alive
 * connection was closed without an answer, so how many attempts the mock API sees for a
 * dropped connection depends on the runtime's pool there; those scripts are skipped (with
 * the reason) and run under Node, whose fetch does not re-send.
 */
export async function runRotationVectors(pk, doc, baseUrl, { runtimeRetriesDrops = false } = {}) {
  const out = { checked: 0, skipped: [], problems: [] };
  for (const c of doc.cases) {
    if (!runnable(c)) { out.skipped.push(`${c.name} (moves the clock)`); continue; }
    if (runtimeRetriesDrops && c.steps.some((s) => s.outcome.error === "connection")) {
      out.skipped.push(`${c.name} (the runtime re-sends on a dropped pooled connection)`);
      continue;
    }
    out.problems.push(...(await runCase(pk, doc, c, baseUrl)));
    out.checked += 1;
  }
  return out;
}

/**
 * The driver's rules on this path: the attempt cap, the key source re-read on 401, path and
 * method refusal, the API's message rules, keyFingerprint/keyOrigin. `keys` are two keys the
 * mock API knows as active. Returns `{ checked, problems }`.
 */
export async function runDriverCases(pk, keys, baseUrl) {
  const [first, second] = keys;
  const problems = [];
  let checked = 0;
  const check = async (name, f) => {
    checked += 1;
    try { await f((what) => problems.push(`${name}: ${what}`)); } catch (e) { problems.push(`${name}: threw ${e.code ?? ""} ${e.message ?? e}`); }
  };
  const rejection = (p) => p.then(() => null, (e) => e);

  await check("attempt cap: 64 attempts, then http_transport", async (say) => {
    await admin(baseUrl, "reset");
    await admin(baseUrl, "failures", { kind: "status", status: 503, times: 200 });
    const client = new pk.Client({ keys: [first], environment: "production", baseUrl, maxRetries: 1000, baseDelayMs: 0, maxDelayMs: 0 });
    const e = await rejection(client.request("GET", "/me"));
    if (e?.code !== "http_transport") say(`code ${e?.code}`);
    const n = (await records(baseUrl)).length;
    if (n !== 64) say(`${n} requests reached the API`);
  });

  await check("401 re-reads env: a key rotated in env is used at once", async (say) => {
    await admin(baseUrl, "reset");
    const env = { NODE_ENV: "production", PICTIFY_API_KEY: first };
    const client = new pk.Client({ env, baseUrl, baseDelayMs: 1 });
    env.PICTIFY_API_KEY = second; // rotated after the client was built
    await admin(baseUrl, "failures", { kind: "status", status: 401 });
    const r = await client.request("GET", "/me");
    if (r.keyFingerprint !== fp(second)) say(`keyFingerprint ${r.keyFingerprint}`);
    if (r.keyOrigin !== "env:PICTIFY_API_KEY") say(`keyOrigin ${r.keyOrigin}`);
    if (r.attempts !== 2) say(`attempts ${r.attempts}`);
    if (r.fallbacks.length !== 1 || r.fallbacks[0].fromFingerprint !== fp(first) || r.fallbacks[0].toFingerprint !== fp(second)) {
      say(`fallbacks ${JSON.stringify(r.fallbacks)}`);
    }
    if (typeof r.fallbacks[0]?.atMs !== "number") say("fallback without atMs");
    const sent = (await records(baseUrl)).map((q) => q.key_fingerprint);
    if (JSON.stringify(sent) !== JSON.stringify([fp(first), fp(second)])) say(`keys sent ${sent}`);
  });

  await check("paths with :// or spaces and bad methods are refused before any request", async (say) => {
    await admin(baseUrl, "reset");
    const client = new pk.Client({ keys: [first], environment: "production", baseUrl });
    for (const [method, path] of [["GET", "/redirect?to=https://evil.example/"], ["GET", "https://evil.example/me"], ["GET", "/a b"], ["GE T", "/me"]]) {
      const e = await rejection(client.request(method, path));
      if (e?.code !== "invalid_request" || e?.family !== "http") say(`${method} ${path}: ${e?.code}`);
    }
    const n = (await records(baseUrl)).length;
    if (n !== 0) say(`${n} requests reached the API`);
  });

  await check("the API's message: kept when plain, dropped when it holds pk_; apiCode kept", async (say) => {
    const answer = (message) => async () =>
      new Response(JSON.stringify({ error: { code: "bad_request", message } }), { status: 400, headers: { "x-request-id": "req_9" } });
    const plain = new pk.Client({ keys: [first], environment: "production", baseUrl: "https://api.invalid", fetch: answer("width must be positive") });
    const e1 = await rejection(plain.request("POST", "/image", { width: -1 }));
    if (e1?.code !== "http_status" || !e1.message.includes("width must be positive") || e1.apiCode !== "bad_request" || e1.requestId !== "req_9") {
      say(`plain: ${e1?.code} ${e1?.message} ${e1?.apiCode} ${e1?.requestId}`);
    }
    const leaky = new pk.Client({ keys: [first], environment: "production", baseUrl: "https://api.invalid", fetch: answer(`key ${first} is not allowed here`) });
    const e2 = await rejection(leaky.request("GET", "/me"));
    if (e2?.code !== "http_status" || e2.message.includes("pk_") || JSON.stringify(e2.details).includes("pk_")) say(`leaky: ${e2?.message}`);
  });

  return { checked, problems };
}
