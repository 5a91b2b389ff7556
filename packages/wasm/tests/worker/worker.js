// The Worker of the end-to-end test and the demo: everything it knows comes from `env`,
// the binding object workerd hands to the handler (there is no process environment).
import {
  ApiKey, AuditEvent, Client, checkEnvironment, checkKeys, detectEnvironment, loadKeys, redact,
} from "@pictify/keys-wasm";
import * as pk from "@pictify/keys-wasm";
import { runErrorCases, runShapeCases } from "./error-cases.mjs";
import { runDriverCases, runRotationVectors } from "./driver-cases.mjs";
import { runRedactShortcut } from "./redact-shortcut.mjs";

const json = (value, status = 200) =>
  new Response(JSON.stringify(value, null, 2), { status, headers: { "content-type": "application/json" } });

const failure = (err) => ({ ok: false, code: err.code, family: err.family, name: err.name, message: err.message });

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    try {
      switch (url.pathname) {
        // The whole check, as `pictify-keys check` prints it.
        case "/check":
          return json(checkKeys(env));
        // Validate the key from the binding and apply the environment policy.
        case "/validate": {
          const { keys: [{ key, origin }] } = loadKeys(env);
          const environment = detectEnvironment(env);
          const allowed = checkEnvironment(key, environment);
          return json({ ok: true, fingerprint: key.fingerprint, mode: key.mode, origin, environment, warning: allowed.warning });
        }
        // The Node-package habit of omitting `env`: Workers have no process environment, so
        // each call says env is required instead of acting on an empty environment.
        case "/no-env": {
          const attempt = (f) => { try { return { ok: true, value: f() }; } catch (err) { return failure(err); } };
          const key = ApiKey.parse(env.PICTIFY_API_KEY);
          return json({
            loadKeys: attempt(() => loadKeys()),
            checkKeys: attempt(() => checkKeys()),
            detectEnvironment: attempt(() => detectEnvironment()),
            checkEnvironment: attempt(() => checkEnvironment(key)),
            client: attempt(() => new Client({ keys: [key], baseUrl: "http://127.0.0.1:9" })),
            parseUnset: attempt(() => ApiKey.parse(env.PICTIFY_NOT_SET)),
          });
        }
        // Parse an arbitrary value (the exact error code comes back).
        case "/parse": {
          const key = ApiKey.parse(await request.text());
          return json({ ok: true, fingerprint: key.fingerprint, mode: key.mode, asJson: JSON.stringify({ key }) });
        }
        // tests/vectors/errors.json (posted by the test) inside the Worker.
        case "/error-cases":
          return json(runErrorCases(pk, await request.json()));
        // tests/vectors/shapes.json (posted by the test) inside the Worker.
        case "/shape-cases":
          return json(runShapeCases(pk, await request.json()));
        // The package's redact wrapper against the core's stream path, inside the Worker.
        case "/redact-shortcut":
          return json(runRedactShortcut(pk));
        // Redact a log line before it leaves the Worker.
        case "/redact":
          return json({ ok: true, line: redact(await request.text()) });
        // Call the Pictify API (tests/mock-api here) with the rotation fallback.
        case "/render": {
          const client = new Client({ env, baseUrl: env.PICTIFY_BASE_URL, timeoutMs: 5000, baseDelayMs: 10 });
          const first = await client.images.create({ html: "<h1>Hello from workerd</h1>", width: 1200, height: 630 });
          const second = await client.images.create({ html: "<h1>Second</h1>", width: 1200, height: 630 });
          const audit = AuditEvent.forKey(ApiKey.parse(env.PICTIFY_API_KEY_OLD ?? env.PICTIFY_API_KEY), {
            action: "image.create", endpoint: "/image", method: "POST", status: first.status,
          });
          return json({ ok: true, first, second, stats: client.stats(), audit });
        }
        // tests/vectors/rotation.json (posted by the test) over fetch to the mock API.
        case "/rotation": {
          const { doc, baseUrl } = await request.json();
          return json(await runRotationVectors(pk, doc, baseUrl, { runtimeRetriesDrops: true }));
        }
        // The driver's rules (attempt cap, 401 re-read, refusals, API messages) over fetch.
        case "/driver-cases": {
          const { keys, baseUrl } = await request.json();
          return json(await runDriverCases(pk, keys, baseUrl));
        }
        default:
          return json({ ok: false, code: "not_found" }, 404);
      }
    } catch (err) {
      return json(failure(err), 200);
    }
  },
};
