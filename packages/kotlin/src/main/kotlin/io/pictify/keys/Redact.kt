package io.pictify.keys

import io.pictify.keys.core.RedactionStyle

/*
 * `redact` and `containsSecret`, the per-line calls, over JNI (JniHotCalls); the UniFFI functions
 * remain as `redactUniffi` and `containsSecretUniffi`, and the tests hold both to the same output.
 */

/**
 * Redacts keys and credential tokens in [text]: a key becomes its fingerprint
 * (`pk_live_****a1b2`), other tokens (`Bearer …`, `api_key=…`) `[REDACTED]`, in [style].
 * Returns [text] itself (the same object) when there is nothing to redact; text without any of
 * the core's triggers (`pk_`, `key`, `bearer` in any case) is answered without calling in.
 */
fun redact(text: String, style: RedactionStyle? = null): String {
    if (!JniHotCalls.available) return redactUniffi(text, style)
    if (!JniHotCalls.mayHoldSecret(text)) return text
    val out = JniHotCalls.redact(text.toByteArray(Charsets.UTF_8), JniHotCalls.styleCode(style)) ?: return text
    return String(out, Charsets.UTF_8)
}

/** Whether [text] holds anything [redact] would change. */
fun containsSecret(text: String): Boolean = when {
    !JniHotCalls.available -> containsSecretUniffi(text)
    !JniHotCalls.mayHoldSecret(text) -> false
    else -> JniHotCalls.containsSecret(text.toByteArray(Charsets.UTF_8))
}
