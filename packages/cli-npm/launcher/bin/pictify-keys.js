#!/usr/bin/env node
// Runs the `pictify-keys` binary from the platform package npm installed next to this one
// (@pictify/keys-cli-<platform>-<arch>, an optionalDependency whose `os`/`cpu` fields make
// npm install only the one that fits), with the same arguments, streams and exit status.
'use strict';

const { spawnSync } = require('child_process');

const platform = `${process.platform}-${process.arch}`;
const pkg = `@pictify/keys-cli-${platform}`;
const exe = process.platform === 'win32' ? 'pictify-keys.exe' : 'pictify-keys';

let binary;
try {
  binary = require.resolve(`${pkg}/bin/${exe}`);
} catch {
  process.stderr.write(
    `error[binary_unavailable]: no pictify-keys binary for this platform (${platform}): ` +
      `the package ${pkg} is not installed. Published platforms: linux-x64. ` +
      'Reinstall without --omit=optional / --no-optional, or install the command another way ' +
      '(pip install pictify-keys-cli, or cargo install pictify-keys-cli).\n',
  );
  process.exit(2);
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: 'inherit' });
if (result.error) {
  process.stderr.write(`error[binary_unavailable]: cannot run ${binary}: ${result.error.code || result.error.message}\n`);
  process.exit(2);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status === null ? 2 : result.status);
