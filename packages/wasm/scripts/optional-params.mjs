// wasm-bindgen declares a parameter that may be omitted as a required `T | undefined`
// (`redact(text: string, style: RedactStyle | undefined)`), so `redact(line)` fails
// `tsc --strict` with "Expected 2 arguments". This marks the trailing `| undefined`
// parameters of every declaration optional (`style?: RedactStyle`); nothing else changes.
import { readFileSync, writeFileSync } from "node:fs";

/** The parameter list of one declaration split at top-level commas. */
function splitParams(list) {
  const out = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if ("([{<".includes(c)) depth++;
    else if (")]}>".includes(c) && !(c === ">" && list[i - 1] === "=")) depth--;
    else if (c === "," && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (list.trim()) out.push(list.slice(start).trim());
  return out;
}

export function optionalParams(dts) {
  return dts.replace(/^(\s*(?:export function |static )?[\w$]+\()(.*)(\)(?:: .*)?;)$/gm, (line, head, params, tail) => {
    const parts = splitParams(params);
    for (let i = parts.length - 1; i >= 0; i--) {
      const m = /^([\w$]+): (.+) \| undefined$/.exec(parts[i]);
      if (!m) break;
      parts[i] = `${m[1]}?: ${m[2]}`;
    }
    return head + parts.join(", ") + tail;
  });
}

for (const file of process.argv.slice(2)) writeFileSync(file, optionalParams(readFileSync(file, "utf8")));
