// The Worker of `just wasm bench`'s workerd rows: GET /?what=<op>&n=<count> runs one operation
// n times and answers with the total output length (so nothing is optimised away). Workers
// freeze their clocks during a request, so bench.mjs times the requests from outside and
// subtracts the n=0 request. The texts are the ones bench.mjs builds under Node.
import { redact } from "@pictify/keys-wasm";

const KEY = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
const REDACT_RE = /pk_(live|test)_[0-9A-Za-z]{8,}/g;
const line = (i) => `2026-11-27T12:00:00.${String(i % 1000).padStart(3, "0")}Z INFO request id=${i} path=/image status=200 user=alice@example.com`;
const fingerprint = (m) => `pk_${m.slice(3, 7)}_****${m.slice(-4)}`;

let texts = null;
function build() {
  let log = "";
  let i = 0;
  while (log.length < 10 * 1024 * 1024) log += line(i++) + (i % 8 === 0 ? ` auth=Bearer ${KEY}` : "") + "\n";
  return { short: `${line(1)} auth=Bearer ${KEY}`, clean: `${line(1)} session=3f9a1c7e0b2d4f68a1c3e5b7d9f0a2c4e6f8a0b2`, log };
}

const ops = {
  redactShort: (t) => redact(t.short),
  replaceShort: (t) => t.short.replace(REDACT_RE, fingerprint),
  redactClean: (t) => redact(t.clean),
  replaceClean: (t) => t.clean.replace(REDACT_RE, fingerprint),
  redactLog: (t) => redact(t.log),
  replaceLog: (t) => t.log.replace(REDACT_RE, fingerprint),
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    texts ??= build();
    const op = ops[url.searchParams.get("what")];
    if (!op) return new Response("ready");
    const n = Number(url.searchParams.get("n"));
    let total = 0;
    for (let i = 0; i < n; i++) total += op(texts).length;
    return new Response(String(total));
  },
};
