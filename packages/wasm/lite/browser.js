// Entry for browsers and bundlers (Vite, webpack 5, esbuild with a wasm loader): call the
// default export once before anything else, `await init()`; it fetches the .wasm next to
// the generated glue (pass `{ module_or_path }` to load it from elsewhere).
export * from "../pkg/lite/pictify_keys_wasm.js";
import * as glue from "../pkg/lite/pictify_keys_wasm.js";
import { makeRedact } from "../redact.js";

// Shadows the generated `redact` (see redact.js): same result, less copying.
export const redact = makeRedact(glue);
export { default } from "../pkg/lite/pictify_keys_wasm.js";
