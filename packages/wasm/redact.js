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

// One wrapper per module instance: the wrapper keeps the input buffer's address, which moves
// when any wrapper of that instance grows it (several entries may share one instance).
const made = new WeakMap();

/**
 * @param {Record<string, Function>} glue the wasm-bindgen module of one variant
 * @param {{ copyBelow?: number }} [options] texts shorter than `copyBelow` code units are
 *   written by a JavaScript loop while they are ASCII (workerd's `encodeInto` costs more than
 *   that loop on a log line; V8's in Node costs less, so the Node entry leaves this at 0)
 */
export function makeRedact(glue, options = {}) {
  if (!made.has(glue)) made.set(glue, build(glue, options.copyBelow ?? 0));
  return made.get(glue);
}

function build(glue, copyBelow) {
  let triggers = null;
  let memory = null;
  let bytes = null; // Uint8Array over memory.buffer, renewed when the memory grows
  // Styles the core has accepted: only with one of these (or none) may a call skip the core,
  // so an unknown style still gets the core's error whatever the text.
  const acceptedStyles = new Set();

  let input = 0; // address of the input buffer in WASM memory
  let capacity = 0; // its length
  function grow(len) {
    input = glue.__redactInput(len);
    capacity = len;
  }

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

    // UTF-16 to UTF-8: at most 3 bytes per code unit. Room for one byte per code unit first
    // (all an ASCII text needs), grown only for the part not yet written. The input buffer
    // moves only when __redactInput grows it, so its address is kept between calls.
    if (capacity < text.length) grow(text.length);
    let read = 0;
    let written = 0;
    if (text.length < copyBelow) {
      const u8 = view();
      for (; read < text.length; read++) {
        const c = text.charCodeAt(read);
        if (c > 0x7f) break;
        u8[input + read] = c;
      }
      written = read;
    }
    if (read === 0) ({ read, written } = encoder.encodeInto(text, view().subarray(input, input + text.length)));
    if (read < text.length) {
      const need = written + (text.length - read) * 3;
      if (capacity < need) grow(need);
      written += encoder.encodeInto(text.slice(read), view().subarray(input + written, input + need)).written;
    }
    const len = glue.__redactBuffered(written, style);
    if (typeof style === "string") acceptedStyles.add(style);
    if (len < 0) return text;
    const out = glue.__redactOutput();
    return decoder.decode(view().subarray(out, out + len));
  };
}
