// Size report of the built package: raw and gzipped (level 9) bytes of each variant's .wasm
// and JS glue (plus the shared redact.js wrapper), against the budgets (lite <= 100 KB gzipped, full <= 250 KB gzipped).
// Writes pkg/size-report.json and prints a Markdown table. Exit status 1 over budget.
import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

const pkg = new URL("../pkg/", import.meta.url);
const budgets = { lite: 100 * 1024, full: 250 * 1024 };
const rows = [];
let over = false;
for (const variant of ["lite", "full"]) {
  let rawTotal = 0;
  let gzTotal = 0;
  // redact.js: the `redact` wrapper both variants' entries import.
  for (const file of ["pictify_keys_wasm_bg.wasm", "pictify_keys_wasm.js", "redact.js"]) {
    const bytes = readFileSync(file === "redact.js" ? new URL("../redact.js", pkg) : new URL(`${variant}/${file}`, pkg));
    const gz = gzipSync(bytes, { level: 9 }).length;
    rows.push({ variant, file, raw: bytes.length, gzip: gz });
    rawTotal += bytes.length;
    gzTotal += gz;
  }
  rows.push({ variant, file: "total", raw: rawTotal, gzip: gzTotal, budget: budgets[variant] });
  if (gzTotal > budgets[variant]) over = true;
}
writeFileSync(new URL("size-report.json", pkg), JSON.stringify(rows, null, 2) + "\n");
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log("| variant | file | raw | gzip -9 | budget (gzip) |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const r of rows) {
  console.log(`| ${r.variant} | ${r.file} | ${r.raw} B (${kb(r.raw)}) | ${r.gzip} B (${kb(r.gzip)}) | ${r.budget ? kb(r.budget) : ""} |`);
}
if (over) {
  console.error("size budget exceeded");
  process.exit(1);
}
