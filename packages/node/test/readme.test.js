'use strict';
// The README's code is tested against the installed package, using the README that ships in
// it: every ```js block runs in a fresh node process with a fake environment and must give
// the exit status and output listed here; every ```ts block compiles with tsc --strict
// (module nodenext). A js block without an entry here fails the suite, so a new example
// cannot go untested.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync, execFileSync } = require('node:child_process');
const { mkdirSync, readFileSync, writeFileSync, mkdtempSync } = require('node:fs');
const { dirname, join } = require('node:path');

const PKG = dirname(require.resolve('@pictify/keys/package.json'));
const README = readFileSync(join(PKG, 'README.md'), 'utf8');
const PROJECT = process.cwd(); // the temporary project where the tarball is installed
const LIVE = 'pk_live_FAKE3Wwd25rq4f5zr3a1b2';
const TEST = 'pk_test_FAKE3Wwd25rq4f5zr3a1b2';
const SECRET = 'FAKE3Wwd25rq4f5zr3a1b2';

/** The fenced blocks of `text`: `{ lang, code, line }`. */
function blocks(text) {
  const out = [];
  const re = /^```(\w*)\n([\s\S]*?)^```$/gm;
  let m;
  while ((m = re.exec(text)) !== null) out.push({ lang: m[1], code: m[2], line: text.slice(0, m.index).split('\n').length });
  return out;
}

// Each js block, found by a line it holds: the runs to make (environment, expected exit
// status, what stdout/stderr must and must not hold). A clean environment: no inherited
// NODE_ENV or key variable.
const RUNS = [
  {
    marker: "require('@pictify/keys')",
    runs: [{ env: {}, status: 0, stdout: /^pk_test_\*\*\*\*a1b2 function\n$/ }],
  },
  {
    marker: 'ApiKey.parse(process.env.PICTIFY_API_KEY',
    runs: [
      { env: { NODE_ENV: 'test', PICTIFY_API_KEY: TEST }, status: 0, stdout: /^using pk_test_\*\*\*\*a1b2\n$/ },
      {
        env: { NODE_ENV: 'development', PICTIFY_API_KEY: LIVE },
        status: 1,
        stderr: /^startup refused: EnvironmentError \[live_key_in_development\] a live key is configured in development \(decided by NODE_ENV=development\)/,
      },
      { env: { NODE_ENV: 'production' }, status: 1, stderr: /^startup refused: SourceError \[no_key\] / },
      { env: { NODE_ENV: 'test', PICTIFY_API_KEY: `"${TEST}"` }, status: 1, stderr: /^startup refused: KeyFormatError \[quoted\] / },
    ],
  },
  {
    marker: "ApiKey.parse('pk_test_FAKE3Wwd25rq4f5zr3a1b2\\n')",
    runs: [{
      env: {},
      status: 0,
      stdout: /^whitespace format \{ position: 31 \}\n\[whitespace\] trailing whitespace at position 31: a newline \(\\n\) surrounds the key; /,
    }],
  },
  {
    marker: 'const report = checkKeys();',
    runs: [
      {
        env: { NODE_ENV: 'production', PICTIFY_API_KEY_NEW: LIVE, PICTIFY_API_KEY_OLD: 'pk_live_FAKE9081726354a1B2c3' },
        status: 0,
        stdout: /^PICTIFY_API_KEY_NEW allowed pk_live_\*\*\*\*a1b2 \nPICTIFY_API_KEY_OLD allowed pk_live_\*\*\*\*B2c3 \nenv env:PICTIFY_API_KEY_NEW pk_live_\*\*\*\*a1b2, env:PICTIFY_API_KEY_OLD pk_live_\*\*\*\*B2c3\n$/,
      },
      { env: { NODE_ENV: 'production', PICTIFY_API_KEY: TEST }, status: 1, stderr: /^\[test_key_in_production\] / },
      { env: {}, status: 2, stderr: /^\[no_key\] / },
    ],
  },
  {
    // The success path needs a Vault server: test/secrets.test.js runs it against OpenBao.
    marker: 'const { keys } = await loadKeysAsync();',
    runs: [
      {
        env: { PICTIFY_API_KEY: 'vault://secret/pictify', VAULT_ADDR: 'http://127.0.0.1:9', VAULT_TOKEN: 'rootFAKEreadmeToken' },
        status: 0,
        stderr: /^\[secret_unreachable\] vault:\/\/secret\/pictify#api_key: (?![\s\S]*rootFAKEreadmeToken)/,
      },
      {
        env: { PICTIFY_API_KEY: 'vault://secret/pictify', VAULT_ADDR: 'http://127.0.0.1:9' },
        status: 0,
        stderr: /^\[secret_credentials_missing\] vault:\/\/secret\/pictify#api_key: .*VAULT_TOKEN/,
      },
    ],
  },
  {
    marker: "new Client({ env });",
    runs: [{ env: {}, status: 0, stdout: /^true live_key_in_development NODE_ENV\nbuilt\n$/ }],
  },
  {
    marker: 'monitor.feed({ timestamp',
    runs: [{ env: {}, status: 0, stdout: /^start disallowed_network key_abc123 \[ \[ '198\.51\.100\.7', 1 \] \]\n1\n$/ }],
  },
  {
    marker: 'console.log(redact(line));',
    runs: [{
      env: {},
      status: 0,
      stdout: /^GET \/v1\/render\?api_key=pk_live_\*\*\*\*a1b2 200\n\{ apiKey: 'pk_live_\*\*\*\*a1b2', password: '\[REDACTED\]' \}\ntrue false\n$/,
    }],
  },
  {
    marker: 'pinoOptions({ level',
    // Three lines in any order (pino's own destination and the wrapped stdout write apart).
    runs: [{
      env: {},
      status: 0,
      stdout: [
        /^\{"level":30,.*"apiKey":"pk_live_\*\*\*\*a1b2","msg":"calling with pk_live_\*\*\*\*a1b2"\}$/m,
        /^\{"level":50,.*"message":"refused: pk_live_\*\*\*\*a1b2","stack":"Error: refused: pk_live_\*\*\*\*a1b2\\n/m,
        /^\{"headers":\{"authorization":"Bearer pk_live_\*\*\*\*a1b2"\},"level":"info","message":"calling with pk_live_\*\*\*\*a1b2"\}$/m,
      ],
      lines: 3,
    }],
  },
];

const jsBlocks = blocks(README).filter((b) => b.lang === 'js');
const tsBlocks = blocks(README).filter((b) => b.lang === 'ts');
const dir = mkdtempSync(join(PROJECT, 'readme-'));

test('the README ships in the package and every key in it is fake', () => {
  assert.ok(jsBlocks.length >= 7, `expected the README's js examples, found ${jsBlocks.length}`);
  assert.ok(tsBlocks.length >= 1, 'expected a ts example');
  const keys = README.match(/pk_(?:live|test)_[0-9A-Za-z]+/g) || [];
  assert.ok(keys.length > 5);
  for (const k of keys) assert.match(k, /^pk_(?:live|test)_FAKE/, `a key not marked FAKE in the README: ${k}`);
  assert.match(README, /\]\(\.\.\/\.\.\/docs\/errors\.md\)/, 'links docs/errors.md');
});

test('every js block of the README has its expected runs', () => {
  for (const b of jsBlocks) {
    const owners = RUNS.filter((r) => b.code.includes(r.marker));
    assert.equal(owners.length, 1, `README.md:${b.line}: no (or more than one) entry in RUNS for this block`);
  }
  for (const r of RUNS) assert.ok(jsBlocks.some((b) => b.code.includes(r.marker)), `no README block holds ${r.marker}`);
});

for (const b of jsBlocks) {
  const entry = RUNS.find((r) => b.code.includes(r.marker));
  if (!entry) continue;
  const file = join(dir, `block-${b.line}.${b.code.includes('require(') ? 'cjs' : 'mjs'}`);
  entry.runs.forEach((run, i) => {
    test(`README.md:${b.line} (${entry.marker}) run ${i + 1}: ${JSON.stringify(run.env)} exits ${run.status}`, () => {
      writeFileSync(file, b.code);
      const env = { PATH: process.env.PATH, ...run.env };
      const r = spawnSync(process.execPath, [file], { cwd: PROJECT, env, encoding: 'utf8', timeout: 30_000 });
      const shown = `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
      assert.equal(r.status, run.status, shown);
      for (const re of [run.stdout || []].flat()) assert.match(r.stdout, re, shown);
      if (run.lines !== undefined) assert.equal(r.stdout.split('\n').filter(Boolean).length, run.lines, shown);
      if (run.stderr) assert.match(r.stderr, run.stderr, shown);
      else assert.equal(r.stderr, '', shown);
      assert.ok(!`${r.stdout}${r.stderr}`.includes(SECRET), `the secret was printed:\n${shown}`);
    });
  });
}

test('the README ts blocks compile with tsc --strict (module nodenext)', () => {
  const ts = join(dir, 'ts');
  mkdirSync(ts);
  const files = tsBlocks.map((b) => {
    const name = `block-${b.line}.ts`;
    writeFileSync(join(ts, name), b.code);
    return name;
  });
  writeFileSync(join(ts, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  writeFileSync(join(ts, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', types: ['node'] },
    files,
  }));
  const tsc = join(PROJECT, 'node_modules', 'typescript', 'bin', 'tsc');
  try {
    execFileSync(process.execPath, [tsc, '-p', ts], { encoding: 'utf8' });
  } catch (e) {
    assert.fail(`tsc --strict failed:\n${e.stdout}${e.stderr}`);
  }
});
