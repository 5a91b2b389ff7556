// tests/vectors/errors.json (and shapes.json, at the end) for the WASM package, shared by the
// Node suite, the Deno runner
// and the Worker inside workerd: each failing call must throw an Error with the core's code
// and family, exactly the listed `.details` (each also set on the error), the message
// `[code] message`, and no secret. Takes the imported package, imports nothing itself.

/** Calls this package does not have (reported as skipped, never as passed). */
export const MISSING = { allowlist: "the allow-list parser is in the CLI and the Rust core only" };

/** The failing call of a case, as a thunk. */
export function errorCall(pk, c) {
  switch (c.call) {
    case "parse": return () => pk.ApiKey.parse(c.input);
    case "check": return () => pk.checkEnvironment(pk.ApiKey.parse(c.key), pk.detectEnvironment(c.env));
    case "dotenv": return () => pk.parseDotEnv(c.input);
    case "load": return () => pk.loadKeys(c.env);
    case "audit_key_id": return () => new pk.AuditEvent({ keyId: c.input, action: "image.create", endpoint: "/image", method: "POST", status: 200 });
    case "redact_style": return () => pk.redact("text", c.input);
    default: throw new Error(`unknown call ${c.call}`);
  }
}

const same = (a, b) => JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());

/** What is wrong with the error a case's call threw: a list of problems, empty when it holds. */
export function errorProblems(pk, c, detailNames) {
  let err;
  try {
    errorCall(pk, c)();
    return [`${c.name}: succeeded`];
  } catch (e) {
    err = e;
  }
  const problems = [];
  const say = (what) => problems.push(`${c.name}: ${what}`);
  if (!(err instanceof Error)) say(`threw ${String(err)}, not an Error`);
  if (err.name !== "PictifyKeyError") say(`name ${err.name}`);
  if (err.code !== c.code) say(`code ${err.code}, expected ${c.code}`);
  if (err.family !== c.family) say(`family ${err.family}, expected ${c.family}`);
  if (!same(err.details, c.details)) say(`details ${JSON.stringify(err.details)}, expected ${JSON.stringify(c.details)}`);
  for (const name of detailNames) if (err[name] !== c.details[name]) say(`.${name} is ${err[name]}`);
  if (typeof err.message !== "string" || !err.message.startsWith(`[${c.code}] `)) say(`message ${err.message}`);
  if (c.secret && String(err.message).includes(c.secret)) say("the message holds the secret");
  return problems;
}

/** Runs every case: `{ checked, skipped: [names], problems: [...] }`. */
export function runErrorCases(pk, doc) {
  const out = { checked: 0, skipped: [], problems: [] };
  for (const c of doc.cases) {
    if (MISSING[c.call]) {
      out.skipped.push(c.name);
      continue;
    }
    out.checked++;
    out.problems.push(...errorProblems(pk, c, doc.detailNames));
  }
  return out;
}

// tests/vectors/shapes.json: the exact object each call returns (the core's serde shape,
// declared once in packages/shapes.d.ts). Same three runtimes as errors.json.

/** JSON with object keys sorted, so two shapes compare whatever their key order. */
const canonical = (v) => JSON.stringify(v, (_, x) =>
  x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x);

/** Every shapes.json case through `pk`; `problems` lists each difference, empty when all hold. */
export function runShapeCases(pk, doc) {
  const problems = [];
  const skipped = [];
  let checked = 0;
  const same = (got, want, what) => {
    checked++;
    if (canonical(got) !== canonical(want)) problems.push(`${what}: got ${canonical(got)}, expected ${canonical(want)}`);
  };
  for (const c of doc.detectEnvironment) same(pk.detectEnvironment(c.env), c.expected, c.name);
  for (const c of doc.checkMode) same(pk.checkMode(c.mode, c.environment, c.policy), c.expected, c.name);
  for (const c of doc.checkKeys) same(pk.checkKeys(c.env), c.expected, c.name);
  if (pk.KeyRing) {
    for (const c of doc.ring.cases) {
      // Key strings straight into the ring: the ring itself must drop the repeated key.
      const ring = pk.KeyRing.withClock(c.keys, doc.ring.config, new pk.ManualClock(doc.ring.clock_start_ms));
      let req = ring.beginRequest();
      c.steps.forEach((s, i) => {
        if (s.request) req = ring.beginRequest();
        const attempt = ring.attempt(req);
        same(attempt.key.fingerprint, s.fingerprint, `${c.name}, step ${i + 1} key`);
        const o = s.outcome;
        same(ring.onOutcome(req, attempt, o.error ?? { status: o.status, retryAfter: o.retry_after }), s.expected, `${c.name}, step ${i + 1}`);
      });
      same(ring.stats(), c.stats, `${c.name}: stats`);
    }
  } else {
    skipped.push("ring (the lite module has no key ring)");
  }
  for (const c of doc.auditEvents) {
    const event = c.key ? pk.AuditEvent.forKey(pk.ApiKey.parse(c.key), c.fields) : new pk.AuditEvent({ keyId: c.keyId, ...c.fields });
    same(event.toJSON(), c.expected, c.name);
  }
  for (const c of doc.loadKeys) {
    // Each key is a handle, compared by fingerprint.
    const loaded = pk.loadKeys(c.env);
    same({ ...loaded, keys: loaded.keys.map((k) => ({ origin: k.origin, fingerprint: k.key.fingerprint })) }, c.expected, c.name);
  }
  return { checked, problems, skipped };
}
