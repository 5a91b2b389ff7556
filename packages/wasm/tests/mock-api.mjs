// Starts tests/mock-api (the project's Pictify API stand-in) on a free loopback port.
// The binary is built by `just wasm test` (cargo build -p pictify-mock-api); set
// PICTIFY_MOCK_API_BIN to use another build.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./harness.mjs";

export async function startMockApi({ valid = [], revoked = [], pending = [] }) {
  const bin = process.env.PICTIFY_MOCK_API_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "pictify-mock-api");
  const args = ["--exit-on-stdin-close"];
  for (const k of valid) args.push("--key", `${k}=active`);
  for (const k of revoked) args.push("--key", `${k}=revoked`);
  for (const k of pending) args.push("--key", `${k}=pending`);
  const child = spawn(bin, args, { stdio: ["pipe", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`pictify-mock-api exited (${code})`)));
    child.stdout.on("data", (d) => {
      out += d;
      const nl = out.indexOf("\n");
      if (nl >= 0) resolve(out.slice(0, nl).trim());
    });
  });
  return {
    url,
    async requests() {
      const { requests } = await (await fetch(`${url}/_admin/requests`)).json();
      return requests.map((r) => ({ ...r, fingerprint: r.key_fingerprint, idempotencyKey: r.idempotency_key }));
    },
    stop() {
      child.stdin.end();
      child.kill("SIGTERM");
    },
  };
}
