// `redact` for every entry of the package, around the module's internal exports
// (bindings/wasm/src/redact.rs). Same result as the generated `redact`, for less work:
//
// - a text holding none of the core's triggers (`pk_`, `key`, `bearer`, ASCII case ignored,
//   the list the core exports) is never changed by the core, so it is returned as it is
//   without calling in;
// - otherwise the text is written with `TextEncoder.encodeInto` straight into a buffer in WASM
//   memory (the generated glue walks the string in JavaScript first), redacted there, and
//   decoded back only when something changed: clean text comes back as the caller's string.
//
// Nothing runs at import: the module is read on the first call (after `init()` in browsers).

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** @param {Record<string, Function>} glue the wasm-bindgen module of one variant */
export function makeRedact(glue) {
  let triggers = null;
  let memory = null;
  let bytes = null; // Uint8Array over memory.buffer, renewed when the memory grows
  // Styles the core has accepted: only with one of these (or none) may a call skip the core,
  // so an unknown style still gets the core's error whatever the text.
  const acceptedStyles = new Set();

  function view() {
    if (bytes === null || bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
    return bytes;
  }

  return function redact(text, style) {
    if (typeof text !== "string") return glue.redact(text, style); // the core's error
    if (triggers === null) {
      const escape = (t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      triggers = new RegExp(glue.__redactTriggers().map(escape).join("|"), "i");
      memory = glue.__memory();
    }
    if ((style === undefined || acceptedStyles.has(style)) && !triggers.test(text)) return text;

    // UTF-16 to UTF-8: at most 3 bytes per code unit. Ask for one byte per code unit first
    // (all an ASCII text needs) and grow only for the part not yet written.
    let ptr = glue.__redactInput(text.length);
    let { read, written } = encoder.encodeInto(text, view().subarray(ptr, ptr + text.length));
    if (read < text.length) {
      const rest = text.length - read;
      ptr = glue.__redactInput(written + rest * 3);
      written += encoder.encodeInto(text.slice(read), view().subarray(ptr + written, ptr + written + rest * 3)).written;
    }
    const len = glue.__redactBuffered(written, style);
    if (typeof style === "string") acceptedStyles.add(style);
    if (len < 0) return text;
    const out = glue.__redactOutput();
    return decoder.decode(view().subarray(out, out + len));
  };
}
