// The real secrets managers the JavaScript suites (packages/node, packages/wasm) read from, on
// loopback: OpenBao's dev server (Vault KV v2 API) and moto's server for AWS Secrets Manager,
// from the venv tests/secrets/setup.sh fills (target/secrets-venv, or PICTIFY_SECRETS_VENV).
//
// moto checks signatures only after a POST of `0` to /moto-api/reset-auth: the fixtures are
// written before that (unsigned requests are accepted then), and `enableAuth()` turns the checks
// on, so every read the package makes afterwards is verified against an IAM user's key.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VENV = process.env.PICTIFY_SECRETS_VENV || join(ROOT, 'target', 'secrets-venv');

/** The path of a server binary, or null when tests/secrets/setup.sh has not been run. */
export function binary(name) {
  const path = join(VENV, 'bin', name);
  return existsSync(path) ? path : null;
}

/** Whether a missing server must fail the suite (CI, or `just … test`), not skip it. */
export function required() {
  return Boolean(process.env.CI || process.env.PICTIFY_SECRETS_REQUIRED);
}

/**
 * A node:test `skip` value for a suite needing `names`: false when they are installed; else
 * the reason (printed loudly), or a thrown error when they are required.
 */
export function skipUnless(...names) {
  const missing = names.filter((n) => binary(n) === null);
  if (missing.length === 0) return false;
  const msg = `${missing.join(', ')} not installed (run \`bash tests/secrets/setup.sh\`): the secrets-manager tests cannot run`;
  if (required()) throw new Error(msg);
  process.emitWarning(`SKIPPED: ${msg}`);
  return `SKIPPED: ${msg}`;
}

function listen(port) {
  return new Promise((ok) => {
    const s = createServer();
    s.once('error', () => ok(null));
    s.listen(port, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });
}

/** A free loopback port whose successor is free too (OpenBao also listens on port + 1). */
async function freePortPair() {
  for (;;) {
    const port = await listen(0);
    if (port && port < 65535 && (await listen(port + 1))) return port;
  }
}

async function waitReady(url, child) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.status < 500) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill();
      throw new Error(`server did not become ready at ${url}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function start(bin, args) {
  const child = spawn(bin, args, { stdio: 'ignore' });
  return child;
}

function stop(child) {
  return new Promise((ok) => {
    if (child.exitCode !== null) return ok();
    child.once('exit', () => ok());
    child.kill();
  });
}

/** `bao server -dev` with root token `token`; `write(path, data)` puts a KV v2 version. */
export async function startBao(token) {
  const port = await freePortPair();
  const addr = `http://127.0.0.1:${port}`;
  const child = start(binary('bao'), ['server', '-dev', `-dev-root-token-id=${token}`, `-dev-listen-address=127.0.0.1:${port}`]);
  await waitReady(`${addr}/v1/sys/health`, child);
  return {
    addr,
    async write(path, data) {
      const r = await fetch(`${addr}/v1/secret/data/${path}`, {
        method: 'POST',
        headers: { 'X-Vault-Token': token },
        body: JSON.stringify({ data }),
      });
      if (r.status !== 200) throw new Error(`OpenBao write ${path}: ${r.status}`);
    },
    close: () => stop(child),
  };
}

// Before auth is on, moto takes any signature; the credential scope names the service.
function unsigned(service) {
  return `AWS4-HMAC-SHA256 Credential=AKIDSETUPFAKE/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;
}

function xmlText(xml, tag) {
  const m = xml.match(new RegExp(`<${tag}>([^<]*)</${tag}>`));
  if (!m) throw new Error(`no ${tag} in moto's answer`);
  return m[1];
}

/**
 * moto's server. `secret(name, value)` creates a secret (`value` a string, or
 * `{ binary: base64 }`), `rotate(name, value)` puts a new AWSCURRENT (the old one becomes
 * AWSPREVIOUS), `readerKey()` creates an IAM user allowed GetSecretValue and returns its
 * access key, `enableAuth()` turns signature and IAM checks on.
 */
export async function startMoto() {
  const port = await freePortPair();
  const url = `http://127.0.0.1:${port}`;
  const child = start(binary('moto_server'), ['-H', '127.0.0.1', '-p', String(port)]);
  await waitReady(`${url}/moto-api/`, child);
  const sm = async (op, body) => {
    const r = await fetch(`${url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `secretsmanager.${op}`,
        authorization: unsigned('secretsmanager'),
      },
      body: JSON.stringify(body),
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`moto ${op}: ${r.status} ${text}`);
    return JSON.parse(text);
  };
  const iam = async (form) => {
    const r = await fetch(`${url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: unsigned('iam') },
      body: `${form}&Version=2010-05-08`,
    });
    const text = await r.text();
    if (r.status !== 200) throw new Error(`moto IAM: ${r.status} ${text}`);
    return text;
  };
  return {
    url,
    secret: (name, value) => sm('CreateSecret', typeof value === 'string'
      ? { Name: name, SecretString: value }
      : { Name: name, SecretBinary: value.binary }),
    rotate: (name, value) => sm('PutSecretValue', { SecretId: name, SecretString: value }),
    async readerKey(user = 'pictify') {
      await iam(`Action=CreateUser&UserName=${user}`);
      const policy = JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: '*' }],
      });
      await iam(`Action=PutUserPolicy&UserName=${user}&PolicyName=read&PolicyDocument=${encodeURIComponent(policy)}`);
      const xml = await iam(`Action=CreateAccessKey&UserName=${user}`);
      return { accessKeyId: xmlText(xml, 'AccessKeyId'), secretAccessKey: xmlText(xml, 'SecretAccessKey') };
    },
    async enableAuth() {
      const r = await fetch(`${url}/moto-api/reset-auth`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '0' });
      if (r.status !== 200) throw new Error(`moto reset-auth: ${r.status}`);
    },
    close: () => stop(child),
  };
}
