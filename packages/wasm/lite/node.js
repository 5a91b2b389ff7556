// Entry for Node (and Deno through its Node compatibility): the .wasm next to this file is
// read and instantiated synchronously at import. Nothing else is read: the process
// environment is registered as the default for calls made without an `env` object
// (`checkEnvironment(key)`, `loadKeys()`, `new Client()`), and read only by such a call,
// as the Node package does. Workers have no process environment and require `env`.
import { readFileSync } from "node:fs";
import process from "node:process";
import { initSync, setHostEnvironment } from "../pkg/lite/pictify_keys_wasm.js";

initSync({ module: readFileSync(new URL("../pkg/lite/pictify_keys_wasm_bg.wasm", import.meta.url)) });
setHostEnvironment(() => process.env);

export * from "../pkg/lite/pictify_keys_wasm.js";
import * as glue from "../pkg/lite/pictify_keys_wasm.js";
import { makeRedact } from "../redact.js";

// Shadows the generated `redact` (see redact.js): same result, less copying.
export const redact = makeRedact(glue);
