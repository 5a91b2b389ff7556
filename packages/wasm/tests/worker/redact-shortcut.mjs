// The package's `redact` wrapper (redact.js: trigger shortcut, encodeInto into WASM memory,
// decode only when changed) against the core's byte-stream path (`StreamRedactor`, which takes
// neither), on random texts built from pieces of the triggers and their contexts, so that many
// hold a near miss (`pk`, `ke`, `bea`, a split `Bearer`) and many a real trigger, with
// non-ASCII characters that make the wrapper grow its buffer mid-text. Runs under Node, Deno
// and inside workerd (tests/worker/worker.js); returns what differed instead of asserting, so
// each runtime reports it its own way.

const KEY = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
const STYLES = [undefined, "fingerprint", "redacted", "mask"];

function viaStream(pk, text, style) {
  const bytes = new TextEncoder().encode(text);
  const stream = new pk.StreamRedactor(style);
  const parts = [];
  for (let i = 0; i < bytes.length; i += 7) parts.push(stream.push(bytes.subarray(i, i + 7)));
  parts.push(stream.finish());
  stream.free();
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return new TextDecoder().decode(out);
}

export function runRedactShortcut(pk, rounds = 3000) {
  const pieces = ["p", "P", "k", "K", "_", "e", "E", "y", "Y", "b", "B", "a", "r", "R", " ", "=", "?", "&",
    ":", "\"", "api", "live_", "test_", "FAKE", "x9Z", "é", "日", "😀", KEY.slice(0, 12), KEY];
  let seed = 17;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  const texts = [];
  for (let i = 0; i < rounds; i++) {
    let text = "";
    const n = next() % 12;
    for (let j = 0; j < n; j++) text += pieces[next() % pieces.length];
    texts.push(text);
  }
  // Longer ones: a non-ASCII run before, after and around a key (the buffer grows after the
  // ASCII part), and a large text after which a short one must still see the right memory.
  texts.push(`${"日".repeat(5000)} auth=Bearer ${KEY} ${"é".repeat(3000)}`);
  texts.push(`${"a".repeat(4000)}😀 key=${KEY}`);
  texts.push(`${`line api_key=${KEY} ok\n`.repeat(20000)}`);
  texts.push(`token=${KEY}`);

  let without = 0;
  let checked = 0;
  const mismatches = [];
  for (const text of texts) {
    if (!/pk_|key|bearer/i.test(text)) without++;
    for (const style of STYLES) {
      const got = pk.redact(text, style);
      const want = viaStream(pk, text, style);
      checked++;
      if (got !== want) mismatches.push({ text: text.slice(0, 80), style: style ?? null, got: got.slice(0, 80), want: want.slice(0, 80) });
    }
  }
  // A style the core refuses is refused whatever the text, before and after valid calls.
  const refused = [];
  for (const text of ["plain", "key=abc", "pk_live_"]) {
    pk.redact(text, "mask");
    try {
      pk.redact(text, "bold");
      refused.push({ text, code: null });
    } catch (e) {
      refused.push({ text, code: e.code });
    }
  }
  return { checked, texts: texts.length, without, mismatches, refused };
}
