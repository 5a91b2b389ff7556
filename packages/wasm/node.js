// Entry for Node (and Deno through its Node compatibility): the .wasm next to this file is
// read and instantiated synchronously at import. Nothing else is read.
import { readFileSync } from "node:fs";
import { initSync } from "./pkg/full/pictify_keys_wasm.js";

initSync({ module: readFileSync(new URL("./pkg/full/pictify_keys_wasm_bg.wasm", import.meta.url)) });

export * from "./pkg/full/pictify_keys_wasm.js";
