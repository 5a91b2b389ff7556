// A Worker whose key lives in a secrets manager: `PICTIFY_API_KEY` is a reference
// (`vault://secret/pictify`, `aws-sm://pictify/api-key`) and the manager's settings are
// bindings of `env` (VAULT_ADDR + VAULT_TOKEN, or the AWS keys), as a Cloudflare Worker gets
// them. Everything is read through the runtime's own fetch.
import { Client, checkKeysAsync, loadKeysAsync } from "@pictify/keys-wasm";

const json = (value) => new Response(JSON.stringify(value), { headers: { "content-type": "application/json" } });
const failure = (err) => ({ ok: false, code: err.code, message: err.message });

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    try {
      switch (pathname) {
        case "/ping":
          return new Response("pong");
        case "/check":
          return json(await checkKeysAsync(env));
        case "/load": {
          const loaded = await loadKeysAsync(env);
          return json({ ok: true, keys: loaded.keys.map((k) => ({ origin: k.origin, fingerprint: k.key.fingerprint })) });
        }
        case "/client": {
          const client = await Client.create({ env, baseUrl: env.PICTIFY_BASE_URL });
          const resp = await client.request("GET", "/me");
          return json({ ok: true, status: resp.status, keyOrigin: resp.keyOrigin, keyFingerprint: resp.keyFingerprint });
        }
        default:
          return new Response("not found", { status: 404 });
      }
    } catch (err) {
      return json(failure(err));
    }
  },
};
