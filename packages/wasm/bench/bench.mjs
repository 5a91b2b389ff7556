// Per-call cost under Node of the installed package's ApiKey.parse and redact, beside the
// JS regex baselines. Prints a Markdown table for docs/benchmarks.md. No thresholds.
import { performance } from "node:perf_hooks";
import { installPacked, importInstalled } from "../tests/harness.mjs";

const project = installPacked();
const full = await importInstalled(project);
const lite = await importInstalled(project, "@pictify/keys-wasm/lite");

const KEY = "pk_live_FAKEt7KUN60EponXzTI3eLm6FUvcuhnJ";
const KEY_RE = /^pk_(live|test)_[0-9A-Za-z]{16,128}$/;
const REDACT_RE = /pk_(live|test)_[0-9A-Za-z]{8,}/g;

function perCall(fn, iterations) {
  for (let i = 0; i < Math.min(iterations, 10_000); i++) fn(); // warm up
  const best = [];
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn();
    best.push(((performance.now() - t0) * 1e6) / iterations);
  }
  return Math.min(...best); // ns per call, best of 5
}

function once(fn, rounds = 5) {
  fn();
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return Math.min(...times); // ms, best of rounds
}

// A 10 MB log with one key per KB.
const line = (i) => `2026-11-27T12:00:00.${String(i % 1000).padStart(3, "0")}Z INFO request id=${i} path=/image status=200 user=alice@example.com`;
let log = "";
let i = 0;
while (log.length < 10 * 1024 * 1024) {
  log += line(i++) + (i % 8 === 0 ? ` auth=Bearer ${KEY}` : "") + "\n";
}
const MB = log.length / (1024 * 1024);
const noKeyLog = log.replaceAll(KEY, "x".repeat(KEY.length));

const rows = [];
const parseNs = perCall(() => full.ApiKey.parse(KEY).free(), 200_000);
const reNs = perCall(() => KEY_RE.test(KEY), 2_000_000);
rows.push(["ApiKey.parse (valid key), wasm", `${parseNs.toFixed(0)} ns/call`, `${(parseNs / reNs).toFixed(1)}x the regex`]);
rows.push(["JS regex validation (baseline)", `${reNs.toFixed(0)} ns/call`, "1.0x"]);
let badNs = perCall(() => { try { full.ApiKey.parse(`${KEY}\n`); } catch {} }, 50_000);
rows.push(["ApiKey.parse (trailing newline, throws), wasm", `${badNs.toFixed(0)} ns/call`, ""]);
const short = `${line(1)} auth=Bearer ${KEY}`;
const redactShortNs = perCall(() => full.redact(short), 100_000);
const replaceShortNs = perCall(() => short.replace(REDACT_RE, "pk_live_****"), 100_000);
rows.push([`redact, ${short.length}-byte line, wasm`, `${redactShortNs.toFixed(0)} ns/call`, `${(replaceShortNs / redactShortNs).toFixed(2)}x the regex speed`]);
rows.push([`String.replace, ${short.length}-byte line (baseline)`, `${replaceShortNs.toFixed(0)} ns/call`, "1.0x"]);
for (const [label, text] of [["one key per KB", log], ["no key", noKeyLog]]) {
  const w = once(() => full.redact(text));
  const l = once(() => lite.redact(text));
  const r = once(() => text.replace(REDACT_RE, (m) => `pk_${m.slice(3, 7)}_****${m.slice(-4)}`));
  rows.push([`redact, ${MB.toFixed(0)} MB log (${label}), wasm full / lite`, `${w.toFixed(1)} / ${l.toFixed(1)} ms (${(MB / (w / 1000)).toFixed(0)} MB/s)`, `${(r / w).toFixed(2)}x the regex speed`]);
  rows.push([`String.replace, ${MB.toFixed(0)} MB log (${label}) (baseline)`, `${r.toFixed(1)} ms (${(MB / (r / 1000)).toFixed(0)} MB/s)`, "1.0x"]);
}
console.log(`Node ${process.version}, @pictify/keys-wasm installed from the packed tarball`);
console.log("| measurement | result | vs baseline |");
console.log("| --- | ---: | --- |");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
