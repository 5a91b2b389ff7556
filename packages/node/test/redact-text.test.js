'use strict';
// `redact` reads a JavaScript string as Latin-1 bytes (when no code unit is above 0xFF) or as
// UTF-16 code units, never as UTF-8. These tests hold both paths to the core's UTF-8 result
// (the StreamRedactor, which takes UTF-8 bytes) on non-ASCII text around and against keys, and
// check that nothing else in the text is lost or changed (lone surrogates included).
const test = require('node:test');
const assert = require('node:assert/strict');
const keys = require('@pictify/keys');
const { vectors, secretRuns } = require('./helpers.js');

const red = vectors('redaction.json');
const KEYS = vectors('keys.json').cases.filter((c) => c.valid).map((c) => c.input);

/** The core's result through the UTF-8 stream path, for comparison. */
function viaStream(text, style) {
  const s = new keys.StreamRedactor(style);
  return s.pushText(text) + s.finishText();
}

// Wrappers that put each shape of non-ASCII text next to the vectors: Latin-1 only (the
// one-byte path), CJK and emoji (UTF-16, surrogate pairs), and mixed.
const WRAPPERS = {
  latin1: ['é\u00ff\u0080 ', ' ñ\u00a0ü'],
  cjk: ['日本語 ', ' 鍵'],
  emoji: ['😀 ', ' 🔑👍'],
  mixed: ['é😀日\u00ff ', ' \u0080🔑語'],
};

for (const [kind, [before, after]] of Object.entries(WRAPPERS)) {
  test(`redaction.json with ${kind} text around each case, on separate lines`, () => {
    for (const c of red.cases) {
      const input = `${before}\n${c.input}\n${after}`;
      const out = keys.redact(input, c.style);
      assert.equal(out, `${before}\n${c.expected}\n${after}`, c.name);
      assert.equal(out, viaStream(input, c.style), `${c.name}: equals the UTF-8 path`);
    }
  });

  test(`redaction.json with ${kind} text directly against each case`, () => {
    // No separator: the result must still be the core's result on the UTF-8 text.
    for (const c of red.cases) {
      const input = `${before.trim()}${c.input}${after.trim()}`;
      assert.equal(keys.redact(input, c.style), viaStream(input, c.style), c.name);
    }
  });
}

test('keys next to non-ASCII characters are redacted, everything else kept', () => {
  for (const key of KEYS) {
    const fp = keys.ApiKey.parse(key).fingerprint;
    for (const [a, b] of [['日本', '語'], ['😀', '😀'], ['é', 'ÿ'], ['\u0080', '\u00ff'], ['€', '€']]) {
      for (const text of [`${a}${key}${b}`, `${a} ${key} ${b}`, `${a}key=${key}&${b}`, `${a}Authorization: Bearer ${key}\n${b}`]) {
        const out = keys.redact(text);
        assert.equal(out, text.replace(key, fp), JSON.stringify(text));
        assert.equal(out, viaStream(text), JSON.stringify(text));
        for (const run of secretRuns(key)) assert.ok(!out.includes(run), `${JSON.stringify(text)} leaks ${run}`);
      }
    }
  }
});

test('lone surrogates pass through untouched (the UTF-8 path would replace them)', () => {
  const key = KEYS[0];
  const fp = keys.ApiKey.parse(key).fingerprint;
  for (const text of [`\ud800${key}\udfff`, `\udfff ${key} \ud83d`, `x\ud83d`, `\udc00key=${key}`]) {
    assert.equal(keys.redact(text), text.replace(key, fp), JSON.stringify(text));
  }
  const untouched = 'no key \ud800 here \udfff';
  assert.equal(keys.redact(untouched), untouched);
});

test('mask keeps the length in UTF-16 code units next to non-ASCII text', () => {
  for (const key of KEYS) {
    const text = `日本 ${key} 😀 Authorization: Bearer s3cr3t.token é`;
    const out = keys.redact(text, 'mask');
    assert.equal(out.length, text.length);
    assert.equal(out, viaStream(text, 'mask'));
  }
});

test('a long mixed text equals the UTF-8 path and keeps every unredacted character', () => {
  const fragments = ['日本語', '😀', 'é', '\u00ff', ' ', '\n', 'key=', 'Bearer ', 'pk_', 'pk_live_', '"', '%22'];
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const pieces = [];
  for (let i = 0; i < 4000; i++) {
    pieces.push(rand(4) === 0 ? KEYS[rand(KEYS.length)] : fragments[rand(fragments.length)]);
  }
  const text = pieces.join('');
  for (const style of [undefined, 'redacted', 'mask']) {
    const out = keys.redact(text, style);
    assert.equal(out, viaStream(text, style), `style ${style}`);
  }
  // Latin-1 only (the one-byte path), also when V8 holds it as a two-byte string (a slice of
  // a string that had a wider character).
  const latin = pieces.filter((p) => !/[^\0-\xff]/.test(p)).join('');
  const wide = `€${latin}`.slice(1);
  assert.equal(keys.redact(latin), viaStream(latin));
  assert.equal(keys.redact(wide), viaStream(latin));
});

test('nothing to redact returns the same string; non-strings are refused as before', () => {
  for (const text of ['', 'plain ascii', 'é only latin1 ÿ', '日本語 😀', 'pk_live_', 'pk_ é']) {
    assert.equal(keys.redact(text), text);
  }
  assert.throws(() => keys.redact(42));
  assert.throws(() => keys.redact('x', 'bold'), (e) => e instanceof keys.InvalidArgumentError && e.code === 'invalid_argument');
  assert.throws(() => keys.redact('é', 'bold'), (e) => e instanceof keys.InvalidArgumentError && e.code === 'invalid_argument');
  assert.throws(() => keys.redact('日', 'bold'), (e) => e instanceof keys.InvalidArgumentError && e.code === 'invalid_argument');
});

test('StreamRedactor.pushText keeps multi-byte characters whole across chunks', () => {
  const key = KEYS[0];
  const fp = keys.ApiKey.parse(key).fingerprint;
  const text = `日本語 ${key} 😀é\n🔑key=${key}ÿ語`;
  const expected = text.split(key).join(fp);
  const bytes = Buffer.from(text);
  for (const size of [1, 2, 3, 5, 8]) {
    const byBytes = new keys.StreamRedactor();
    let out = '';
    for (let i = 0; i < bytes.length; i += size) out += byBytes.pushText(bytes.subarray(i, i + size));
    assert.equal(out + byBytes.finishText(), expected, `bytes in chunks of ${size}`);
    const byText = new keys.StreamRedactor();
    out = '';
    const chars = [...text];
    for (let i = 0; i < chars.length; i += size) out += byText.pushText(chars.slice(i, i + size).join(''));
    assert.equal(out + byText.finishText(), expected, `characters in chunks of ${size}`);
  }
});

test('containsSecret agrees with redact on Latin-1, UTF-16 and lone-surrogate text', () => {
  const key = KEYS[0];
  for (const text of [`é ${key}`, `日本 ${key}`, `😀key=s3cr3t`, `\ud800${key}`, 'é plain', '日本 plain', '\udfff plain', 'pk_live_ é', '']) {
    assert.equal(keys.containsSecret(text), keys.redact(text) !== text, JSON.stringify(text));
  }
  assert.equal(keys.containsSecret(`日本 ${key}`), true);
  assert.equal(keys.containsSecret('é plain'), false);
  assert.throws(() => keys.containsSecret(42));
});

test('the trigger shortcut (no pk_, key or bearer: returned without calling the core) gives the core\'s output', () => {
  // Random texts built from pieces of the triggers and of the contexts, so that many hold a
  // near miss (`pk`, `ke`, `bea`, `Bearer` split) and many a real trigger; each is compared
  // with the core's UTF-8 stream path, which never takes the shortcut.
  const pieces = ['p', 'P', 'k', 'K', '_', 'e', 'E', 'y', 'Y', 'b', 'B', 'a', 'r', 'R', ' ', '=', '?', '&',
    ':', '"', 'api', 'live_', 'test_', 'FAKE', 'x9Z', 'é', '日', `${KEYS[0].slice(0, 12)}`, KEYS[0]];
  let seed = 17;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; };
  let without = 0;
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const n = next() % 12;
    for (let j = 0; j < n; j++) text += pieces[next() % pieces.length];
    if (!/pk_|key|bearer/i.test(text)) without++;
    for (const style of [undefined, 'fingerprint', 'redacted', 'mask']) {
      assert.equal(keys.redact(text, style), viaStream(text, style), `${JSON.stringify(text)} ${style}`);
    }
    assert.equal(keys.containsSecret(text), keys.redact(text) !== text, JSON.stringify(text));
  }
  assert.ok(without > 500 && without < 2900, `${without} of 3000 texts without a trigger`);
  // A style the core refuses is refused whatever the text, before and after valid calls.
  for (const text of ['plain', 'key=abc', 'pk_live_']) {
    keys.redact(text, 'mask');
    assert.throws(() => keys.redact(text, 'bold'), (e) => e.code === 'invalid_argument');
  }
});
