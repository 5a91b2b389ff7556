// Types of ./workerd.js for TypeScript's node10 resolution ("moduleResolution": "node"), which
// reads no "exports" map: the same API as index.d.ts.
export * from "./index.js";
