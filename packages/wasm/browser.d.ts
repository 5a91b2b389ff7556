// Types of the browser / bundler entry: `await init()` first.
export * from "./pkg/full/pictify_keys_wasm.js";
export { default } from "./pkg/full/pictify_keys_wasm.js";
