// The demo scenario inside workerd: every example environment in examples/check/ becomes a
// Worker whose `env` bindings are that file's variables; each Worker runs checkKeys(env)
// from the installed @pictify/keys-wasm and answers with its verdicts.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { installPacked, importInstalled, writeWorkerdConfig, startWorkerd, freePort, tempDir, ROOT, PKG_DIR } from "../tests/harness.mjs";

const project = installPacked();
const { parseDotEnv } = await importInstalled(project);
const dir = join(ROOT, "examples", "check");
const files = readdirSync(dir).filter((f) => f.endsWith(".env")).sort();
const scenarios = [];
for (const [i, file] of files.entries()) {
  const text = readFileSync(join(dir, file), "utf8");
  scenarios.push({ id: `S${i}`, name: file.replace(/\W/g, "-"), file, title: text.split("\n")[0].replace(/^# /, ""), env: parseDotEnv(text), port: await freePort() });
}
const config = writeWorkerdConfig(tempDir("pictify-demo-"), project, join(PKG_DIR, "tests", "worker", "worker.js"), scenarios);
const workerd = await startWorkerd(config, scenarios.map((s) => s.port));
console.log("== @pictify/keys-wasm inside workerd: checkKeys(env) in a Worker ==");
try {
  for (const s of scenarios) {
    const report = await (await fetch(`http://127.0.0.1:${s.port}/check`)).json();
    const env = report.detection;
    console.log(`\n# ${s.file}: ${s.title}`);
    console.log(`environment: ${env.environment}${env.variable ? ` (${env.variable}=${env.value})` : ""}`);
    for (const k of report.keys) {
      const what = k.fingerprint ? `${k.fingerprint} (${k.mode})` : "malformed key";
      console.log(`  ${k.variable}: ${what}: ${k.verdict}${k.code ? ` [${k.code}] ${k.message}` : ""}`);
    }
    console.log(`(exit status ${report.exitStatus})`);
  }
} finally {
  workerd.stop();
}
