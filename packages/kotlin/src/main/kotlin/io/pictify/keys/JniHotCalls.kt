package io.pictify.keys

import com.sun.jna.Library
import com.sun.jna.Native
import com.sun.jna.NativeLibrary
import io.pictify.keys.core.RedactionStyle

/*
 * The JNI methods of the native library (bindings/uniffi/src/jni.rs) behind `redact`,
 * `containsSecret` and `ApiKey.parse`: one direct JNI call each, where UniFFI's JNA path costs
 * several microseconds. Loading reads nothing and prints nothing; if the methods cannot be bound
 * (a platform that forbids System.load), `available` is false and those three functions use the
 * UniFFI path, with the same results.
 */
internal object JniHotCalls {
    /** Whether the JNI methods are bound. */
    @JvmField
    val available: Boolean = load()

    /** Longest text [mayHoldSecret] scans itself (a log line is far shorter). */
    private const val SHORTCUT_MAX = 4096

    /** The core's literal triggers (`redact::TRIGGERS`, lower case); empty when unbound. */
    @JvmField
    val triggers: Array<String> = if (available) coreTriggers().split('\u001f').toTypedArray() else emptyArray()

    /**
     * Whether [text] holds one of the core's [triggers] in any ASCII case (always true past
     * SHORTCUT_MAX characters, where the core's own search is faster). When it does not,
     * the core would change nothing (JniPathTest checks this on random text), so `redact` and
     * `containsSecret` answer without the UTF-8 copy and the call. A false positive (a
     * non-ASCII character that Kotlin folds to a trigger letter) only costs the call.
     */
    fun mayHoldSecret(text: String): Boolean {
        // Past a few KB the core's SIMD search is far faster than this loop: let it decide.
        if (text.length > SHORTCUT_MAX) return true
        val triggers = triggers
        for (i in text.indices) {
            // Bit 0x20 folded on both sides: a cheap first-character filter that never refuses an
            // ASCII case variant; regionMatches then decides.
            val folded = text[i].code or 0x20
            for (t in triggers) {
                if (folded == (t[0].code or 0x20) && text.regionMatches(i, t, 0, t.length, ignoreCase = true)) return true
            }
        }
        return false
    }

    /** Binds the JNI methods to the library UniFFI uses, found as JNA finds it. */
    private fun load(): Boolean {
        val name = System.getProperty("uniffi.component.pictify_keys.libraryOverride") ?: "pictify_keys_uniffi"
        val loader = JniHotCalls::class.java.classLoader
        return try {
            // The same options as the generated code's Native.register, so this is JNA's cached
            // instance: the very file UniFFI runs on, when it is still on disk.
            val file = NativeLibrary.getInstance(name, mapOf(Library.OPTION_CLASSLOADER to loader)).file
            when {
                file != null && file.isFile -> System.load(file.absolutePath)
                // JNA unpacked the library from the jar and deleted the temporary file after
                // loading it: unpack a copy for the JVM. The JNI methods then run in a second
                // mapping of the same library; they share the process heap, so a key handle made
                // by one is freed by the other's identical code.
                else -> {
                    val copy = Native.extractFromResourcePath(name, loader)
                    try {
                        System.load(copy.absolutePath)
                    } finally {
                        copy.delete()
                    }
                }
            }
            keyError(ByteArray(0)) // binds the methods now rather than at the first hot call
            true
        } catch (e: UnsatisfiedLinkError) {
            fallbackLoad(name)
        } catch (e: java.io.IOException) {
            fallbackLoad(name)
        } catch (e: SecurityException) {
            false
        }
    }

    /** Android and java.library.path: the platform's own lookup by name. */
    private fun fallbackLoad(name: String): Boolean = try {
        System.loadLibrary(name)
        keyError(ByteArray(0))
        true
    } catch (e: UnsatisfiedLinkError) {
        false
    } catch (e: SecurityException) {
        false
    }

    /** The style code jni.rs reads: 0 fingerprint (and null), 1 redacted, 2 mask. */
    fun styleCode(style: RedactionStyle?): Int = when (style) {
        null, RedactionStyle.FINGERPRINT -> 0
        RedactionStyle.REDACTED -> 1
        RedactionStyle.MASK -> 2
    }

    /** The redacted UTF-8 bytes of [text], or null when nothing changes. */
    @JvmStatic
    external fun redact(text: ByteArray?, style: Int): ByteArray?

    /** Whether redaction would change [text] (UTF-8 bytes). */
    @JvmStatic
    external fun containsSecret(text: ByteArray?): Boolean

    /** The UniFFI handle of the parsed key, or 0 when it is refused (then see [keyError]). */
    @JvmStatic
    external fun parseKey(value: ByteArray?): Long

    /** The core's triggers joined by U+001F. */
    @JvmStatic
    external fun coreTriggers(): String

    /** Why [value] is refused: family, code, message, position, vendor, origin, separated by U+001F. */
    @JvmStatic
    external fun keyError(value: ByteArray?): String?
}
