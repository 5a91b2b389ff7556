// Types of the Workers / Node entries: the module is ready at import.
export * from "./pkg/full/pictify_keys_wasm.js";
