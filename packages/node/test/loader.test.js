'use strict';
// The native loader: which build it picks, and the error when none fits (stable code
// `binary_unavailable`, naming the platform and the package to install).
const test = require('node:test');
const assert = require('node:assert/strict');
const { loadNative, candidates, PUBLISHED } = require('@pictify/keys/lib/native-loader.js');

const notFound = (name) => Object.assign(new Error(`Cannot find module '${name}'`), { code: 'MODULE_NOT_FOUND' });

test('candidates follow the napi-rs platform names', () => {
  assert.deepEqual(candidates('linux', 'x64'), ['linux-x64-gnu', 'linux-x64-musl']);
  assert.deepEqual(candidates('linux', 'arm64'), ['linux-arm64-gnu', 'linux-arm64-musl']);
  assert.deepEqual(candidates('darwin', 'arm64'), ['darwin-arm64']);
  assert.deepEqual(candidates('win32', 'x64'), ['win32-x64-msvc']);
  for (const p of PUBLISHED) {
    const [platform, arch] = p.split('-');
    assert.ok(candidates(platform, arch).includes(p), p);
  }
});

test('the addon of this machine loads through the loader', () => {
  const native = loadNative();
  assert.equal(typeof native.parseApiKey, 'function');
});

test('a platform package is used when there is no local build', () => {
  const loaded = [];
  const addon = loadNative({
    platform: 'linux', arch: 'arm64', dir: '/nonexistent', exists: () => false,
    load: (name) => {
      loaded.push(name);
      if (name === '@pictify/keys-linux-arm64-musl') return { musl: true };
      throw notFound(name);
    },
  });
  assert.deepEqual(addon, { musl: true });
  assert.deepEqual(loaded, ['@pictify/keys-linux-arm64-gnu', '@pictify/keys-linux-arm64-musl']);
});

test('a build that does not load (glibc build on musl) falls through to the next', () => {
  const addon = loadNative({
    platform: 'linux', arch: 'x64', dir: '/pkg', exists: (f) => f.endsWith('linux-x64-gnu.node'),
    load: (name) => {
      if (name.endsWith('linux-x64-gnu.node')) throw new Error('Error relocating: __memcpy_chk: symbol not found\nmore');
      if (name === '@pictify/keys-linux-x64-musl') return { ok: 1 };
      throw notFound(name);
    },
  });
  assert.deepEqual(addon, { ok: 1 });
});

test('no installed build: binary_unavailable naming the platform and its package', () => {
  assert.throws(
    () => loadNative({ platform: 'linux', arch: 'arm64', dir: '/nonexistent', exists: () => false, load: (n) => { throw notFound(n); } }),
    (err) => {
      assert.equal(err.code, 'binary_unavailable');
      assert.equal(err.platform, 'linux-arm64');
      assert.match(err.message, /^\[binary_unavailable\] .*\(linux-arm64\)/);
      assert.match(err.message, /@pictify\/keys-linux-arm64-gnu or @pictify\/keys-linux-arm64-musl is not installed/);
      return true;
    },
  );
});

test('an unpublished platform: binary_unavailable listing the published ones', () => {
  assert.throws(
    () => loadNative({ platform: 'freebsd', arch: 'riscv64', dir: '/nonexistent', exists: () => false, load: (n) => { throw notFound(n); } }),
    (err) => {
      assert.equal(err.code, 'binary_unavailable');
      assert.match(err.message, /\(freebsd-riscv64\): no package is published for it \(published: linux-x64-gnu, /);
      return true;
    },
  );
});

test('a build found but not loadable is named with its first error line', () => {
  assert.throws(
    () => loadNative({
      platform: 'darwin', arch: 'x64', dir: '/pkg', exists: () => true,
      load: (n) => { if (n.endsWith('.node')) throw new Error('dlopen: wrong architecture\nstack'); throw notFound(n); },
    }),
    (err) => {
      assert.equal(err.code, 'binary_unavailable');
      assert.match(err.message, /found but could not load \/pkg\/pictify-keys\.darwin-x64\.node: dlopen: wrong architecture\./);
      assert.doesNotMatch(err.message, /stack/);
      return true;
    },
  );
});
