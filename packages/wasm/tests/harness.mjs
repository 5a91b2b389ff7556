// Test and demo helpers: install the packed package into a temporary project (the artefact a
// user installs, not this source tree), and run Workers on workerd on loopback ports.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync, copyFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const PKG_DIR = fileURLToPath(new URL("..", import.meta.url));
export const ROOT = join(PKG_DIR, "..", "..");
export const WORKERD = join(PKG_DIR, "node_modules", ".bin", "workerd");

export const vectors = (name) => {
  const path = join(ROOT, "tests", "vectors", name);
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : null;
};

/** npm pack the package and install the tarball into a fresh project; returns its path. */
export function installPacked() {
  if (process.env.PICTIFY_WASM_PROJECT) return process.env.PICTIFY_WASM_PROJECT;
  const project = mkdtempSync(join(tmpdir(), "pictify-keys-wasm-"));
  const packed = execFileSync("npm", ["pack", "--silent", "--pack-destination", project], { cwd: PKG_DIR, encoding: "utf8" })
    .trim().split("\n").pop();
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--silent", "--no-audit", "--no-fund", join(project, packed)], { cwd: project, stdio: "inherit" });
  return project;
}

/** Imports the installed package the way Node resolves `@pictify/keys-wasm[/sub]` from the project. */
export async function importInstalled(project, specifier = "@pictify/keys-wasm") {
  const require = createRequire(join(project, "package.json"));
  return import(pathToFileURL(require.resolve(specifier)).href);
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const capnpString = (s) => JSON.stringify(s); // capnp text strings use C-style escapes like JSON

/**
 * Writes a workerd config: one Worker service per scenario (same modules, its own text
 * bindings), each on its own loopback port. The Worker imports "@pictify/keys-wasm"; the
 * package's workerd entry and the files it imports are listed as modules, named so that
 * workerd's relative resolution finds them (as wrangler's bundler would).
 */
export function writeWorkerdConfig(dir, project, workerFile, scenarios, variant = "full") {
  const installed = join(project, "node_modules", "@pictify", "keys-wasm");
  const sub = variant === "full" ? "" : "lite/";
  const entry = join(installed, `${sub}workerd.js`);
  const glue = join(installed, "pkg", variant, "pictify_keys_wasm.js");
  const wasm = join(installed, "pkg", variant, "pictify_keys_wasm_bg.wasm");
  const spec = variant === "full" ? "@pictify/keys-wasm" : "@pictify/keys-wasm/lite";
  // "./pkg/full/x" relative to module "@pictify/keys-wasm" is "@pictify/pkg/full/x";
  // "../pkg/lite/x" relative to "@pictify/keys-wasm/lite" is "@pictify/pkg/lite/x".
  // capnp `embed` takes paths relative to the config file: copy the installed files next to it.
  copyFileSync(workerFile, join(dir, "worker.js"));
  // The shared runners (errors.json, the driver and rotation cases) next to the Worker
  // (tests/worker/*.mjs), importable by their file names.
  const shared = readdirSync(dirname(workerFile)).filter((f) => f.endsWith(".mjs"));
  for (const f of shared) copyFileSync(join(dirname(workerFile), f), join(dir, f));
  copyFileSync(entry, join(dir, "entry.js"));
  copyFileSync(glue, join(dir, "glue.js"));
  copyFileSync(wasm, join(dir, "module.wasm"));
  copyFileSync(join(installed, "redact.js"), join(dir, "redact.js"));
  const modules = [
    `(name = "worker.js", esModule = embed "worker.js")`,
    `(name = ${capnpString(spec)}, esModule = embed "entry.js")`,
    `(name = "@pictify/pkg/${variant}/pictify_keys_wasm.js", esModule = embed "glue.js")`,
    `(name = "@pictify/pkg/${variant}/pictify_keys_wasm_bg.wasm", wasm = embed "module.wasm")`,
    ...shared.map((f) => `(name = ${capnpString(f)}, esModule = embed ${capnpString(f)})`),
    // The entry's `redact` wrapper: "./redact.js" from "@pictify/keys-wasm", "../redact.js"
    // from "@pictify/keys-wasm/lite".
    `(name = "@pictify/redact.js", esModule = embed "redact.js")`,
  ].join(",\n      ");
  const services = [];
  const sockets = [];
  const workers = [];
  for (const s of scenarios) {
    const bindings = Object.entries(s.env)
      .map(([k, v]) => `(name = ${capnpString(k)}, text = ${capnpString(v)})`)
      .join(", ");
    services.push(`(name = ${capnpString(s.name)}, worker = .worker${s.id})`);
    sockets.push(`(name = ${capnpString(`http-${s.name}`)}, address = "127.0.0.1:${s.port}", http = (), service = ${capnpString(s.name)})`);
    workers.push(`const worker${s.id} :Workerd.Worker = (
  modules = [
      ${modules}
  ],
  bindings = [ ${bindings} ],
  globalOutbound = "loopback",
  compatibilityDate = "2025-09-01",
);`);
  }
  services.push(`(name = "loopback", network = (allow = ["local", "private"]))`);
  const text = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ ${services.join(", ")} ],
  sockets = [ ${sockets.join(", ")} ],
);
${workers.join("\n")}
`;
  const file = join(dir, "config.capnp");
  writeFileSync(file, text);
  return file;
}

/** Starts `workerd serve config` and waits until every port answers. */
export async function startWorkerd(config, ports) {
  const child = spawn(WORKERD, ["serve", config], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => (log += d));
  child.stderr.on("data", (d) => (log += d));
  const deadline = Date.now() + 60_000;
  for (const port of ports) {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${log}`);
      try {
        await fetch(`http://127.0.0.1:${port}/ping`);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`workerd did not listen on ${port}:\n${log}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return { child, log: () => log, stop: () => child.kill("SIGTERM") };
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), prefix));
}
