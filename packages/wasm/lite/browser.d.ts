// Types of the browser / bundler entry: `await init()` first.
export * from "../pkg/lite/pictify_keys_wasm.js";
export { default } from "../pkg/lite/pictify_keys_wasm.js";
