// Entry for Cloudflare Workers / workerd (and wrangler, which picks the "workerd" condition).
// Workers cannot compile WebAssembly from bytes at run time: the .wasm is imported as a
// compiled WebAssembly.Module and instantiated synchronously, once per isolate.
import wasmModule from "./pkg/full/pictify_keys_wasm_bg.wasm";
import { initSync } from "./pkg/full/pictify_keys_wasm.js";

initSync({ module: wasmModule });

export * from "./pkg/full/pictify_keys_wasm.js";
import * as glue from "./pkg/full/pictify_keys_wasm.js";
import { makeRedact } from "./redact.js";

// Shadows the generated `redact` (see redact.js): same result, less copying. Log lines under
// 200 characters are copied into WASM memory by a loop: here that beats encodeInto.
export const redact = makeRedact(glue, { copyBelow: 200 });
