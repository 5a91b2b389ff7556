package io.pictify.keys

/*
 * `ApiKey.parse` over JNI (JniHotCalls): the key comes back as the same UniFFI handle the
 * generated `parseUniffi` returns, so every method of the `ApiKey` (and `close()`) is UniFFI's.
 */

/**
 * Parses and validates a key exactly as given (no trimming). Throws
 * [PictifyException.Format] with the stable code and position of the first problem.
 *
 * An extension of the companion (`ApiKey.parse(value)`, as before); code outside the package
 * that imports names one by one imports `io.pictify.keys.parse` too.
 */
@Throws(PictifyException::class)
fun ApiKey.Companion.parse(value: String): ApiKey {
    if (!JniHotCalls.available) return parseUniffi(value)
    val bytes = value.toByteArray(Charsets.UTF_8)
    try {
        val handle = JniHotCalls.parseKey(bytes)
        if (handle != 0L) return FfiConverterTypeApiKey.lift(handle)
        throw keyError(JniHotCalls.keyError(bytes)) ?: return parseUniffi(value)
    } finally {
        bytes.fill(0) // our copy of the secret
    }
}

/** The exception jni.rs described (see `JniHotCalls.keyError`), or null for a family it does not build. */
private fun keyError(encoded: String?): PictifyException? {
    val f = encoded?.split('\u001f') ?: return null
    if (f.size != 6) return null
    val details = ErrorDetails(
        position = f[3].toUIntOrNull(), vendor = f[4].ifEmpty { null }, origin = f[5].ifEmpty { null },
        environment = null, variable = null, value = null, line = null, column = null, status = null,
        tried = null, attempts = null, apiCode = null, requestId = null,
    )
    return when (f[0]) {
        "format" -> PictifyException.Format(f[1], details, f[2])
        "input" -> PictifyException.Input(f[1], details, f[2])
        else -> null
    }
}
