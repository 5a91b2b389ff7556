package io.pictify.keys

import io.pictify.keys.core.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import kotlin.random.Random

/**
 * No input crashes the library: every bad value comes back as a typed PictifyException with
 * a known code (never an InternalException from a Rust panic, never a JVM crash).
 */
class RobustnessTest {
    private val keyCodes = setOf(
        "empty", "whitespace", "quoted", "control_character", "non_ascii", "missing_prefix", "wrong_case",
        "unknown_mode", "foreign_key", "placeholder", "too_short", "too_long", "invalid_character",
    )

    private val alphabet: List<String> = listOf(
        "pk_", "live_", "test_", "_", "-", "\u0000", "\n", "\r", "\t", " ", "\"", "'", "`", "\u200b", "\u00a0",
        "а", "ο", "😀", "\u202e", "...", "…", "<", ">", "\${", "{{", "****", "=", "#",
        "sk_live_", "ghp_", "AKIA", "FAKE", "a", "Z", "9", "xyz", "your_api_key",
    )

    private fun randomInput(random: Random): String {
        val sb = StringBuilder()
        repeat(random.nextInt(0, 24)) {
            if (random.nextInt(4) == 0) sb.append(random.nextInt(0, 0x110000).let { cp ->
                if (cp in 0xD800..0xDFFF) "?" else String(Character.toChars(cp))
            }) else sb.append(alphabet[random.nextInt(alphabet.size)])
        }
        return sb.toString()
    }

    @Test
    fun `random values are parsed or refused with a known code`() {
        val random = Random(20261127)
        var refused = 0
        repeat(5_000) {
            val input = randomInput(random)
            try {
                val key = ApiKey.parse(input)
                assertTrue(key.fingerprint().startsWith("pk_"))
            } catch (e: PictifyException.Format) {
                assertTrue(e.code in keyCodes, "unexpected code ${e.code} for ${input.toByteArray().toList()}")
                refused++
            }
        }
        assertTrue(refused > 4_000, "only $refused of 5000 random values refused")
    }

    @Test
    fun `extreme values do not crash`() {
        val huge = "pk_live_" + "FAKE" + "a1B2".repeat(250_000)
        assertEquals("too_long", runCatching { ApiKey.parse(huge) }.exceptionOrNull()?.let { (it as PictifyException).code })
        val nul = runCatching { ApiKey.parse("\u0000".repeat(1000)) }.exceptionOrNull()
        assertTrue(nul is PictifyException.Format, "got $nul")
        // An unpaired surrogate is not a Unicode string. The generated UniFFI bindings refuse to
        // encode it as UTF-8 before anything reaches the library (a CharacterCodingException, not
        // a crash); the JNI path encodes it as '?' (String.toByteArray), which the core refuses
        // as a character that cannot be in a key, at the surrogate's position.
        for (odd in listOf("pk_live_FAKE\uD800aaaaaaaaaaaaaaaa", "\uDFFF")) {
            val e = runCatching { ApiKey.parseUniffi(odd) }.exceptionOrNull()
            assertTrue(e is java.nio.charset.CharacterCodingException, "got $e for an unpaired surrogate")
            val jni = assertThrows<PictifyException.Format> { ApiKey.parse(odd) }
            assertTrue(jni.code in keyCodes, jni.toString())
        }
    }

    @Test
    fun `random env files are parsed or refused with env_file_syntax`() {
        val random = Random(7)
        val pieces = listOf("A", "=", "\"", "'", "\\", "\n", "#", " ", "export ", "PICTIFY_API_KEY", "\u0000", "é", "\r\n", "$")
        repeat(2_000) {
            val text = buildString { repeat(random.nextInt(0, 30)) { append(pieces[random.nextInt(pieces.size)]) } }
            try {
                val vars = parseDotenv(text)
                checkKeys(vars) // any map is fine for the check
            } catch (e: PictifyException.Source) {
                assertEquals("env_file_syntax", e.code)
            }
        }
    }

    @Test
    fun `random variable maps never crash detection or the check`() {
        val random = Random(11)
        val names = listOf("NODE_ENV", "VERCEL_ENV", "CONTEXT", "CI", "APP_ENV", "PICTIFY_API_KEY", "PICTIFY_API_KEY_NEW", "X")
        repeat(2_000) {
            val vars = (0 until random.nextInt(0, 5)).associate { names[random.nextInt(names.size)] to randomInput(random) }
            detectEnvironment(vars)
            val report = checkKeys(vars)
            assertTrue(report.exitStatus.toInt() in 0..2)
        }
    }
}
