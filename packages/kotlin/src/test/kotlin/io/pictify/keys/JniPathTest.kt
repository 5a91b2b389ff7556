package io.pictify.keys

import io.pictify.keys.core.RedactionStyle
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotSame
import org.junit.jupiter.api.Assertions.assertSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import kotlin.random.Random

/**
 * The JNI path (`redact`, `containsSecret`, `ApiKey.parse`) against the UniFFI path
 * (`redactUniffi`, `containsSecretUniffi`, `ApiKey.parseUniffi`) on the shared vectors, text
 * outside the BMP, and random near-miss text: same output, same errors.
 */
class JniPathTest {
    private val styles = listOf(null, RedactionStyle.FINGERPRINT, RedactionStyle.REDACTED, RedactionStyle.MASK)

    @Test
    fun `the JNI methods are bound in this JVM`() {
        assertTrue(JniHotCalls.available, "JniHotCalls did not load: the tests would only see the UniFFI path")
    }

    @TestFactory
    fun `redaction json through both paths in every style`(): List<DynamicTest> =
        Vectors.cases("redaction.json").map { case ->
            dynamicTest(case.str("name")!!) {
                val input = case.str("input")!!
                for (style in styles) {
                    assertEquals(redactUniffi(input, style), redact(input, style), "style $style")
                }
                assertEquals(containsSecretUniffi(input), containsSecret(input))
            }
        }

    @TestFactory
    fun `keys json through both paths`(): List<DynamicTest> =
        Vectors.cases("keys.json").map { case ->
            dynamicTest(case.str("name")!!) {
                val input = case.str("input")!!
                if (case.bool("valid")) {
                    ApiKey.parse(input).use { jni ->
                        ApiKey.parseUniffi(input).use { uniffi ->
                            assertEquals(uniffi, jni)
                            assertEquals(uniffi.fingerprint(), jni.fingerprint())
                            assertEquals(uniffi.mode(), jni.mode())
                            assertEquals(input, jni.reveal()) // EXPOSE: the handle holds exactly the parsed value.
                        }
                    }
                } else {
                    val jni = assertThrows<PictifyException> { ApiKey.parse(input) }
                    val uniffi = assertThrows<PictifyException> { ApiKey.parseUniffi(input) }
                    assertEquals(uniffi.javaClass, jni.javaClass)
                    assertEquals(uniffi.code, jni.code)
                    assertEquals(uniffi.details, jni.details)
                    assertEquals(uniffi.detail, jni.detail)
                    assertEquals(uniffi.toString(), jni.toString())
                    assertEquals(case.str("code"), jni.code)
                    assertNoSecret(input, jni.toString())
                }
            }
        }

    @Test
    fun `characters outside the BMP survive, and their neighbours are redacted`() {
        val text = "😀 user=𝔘𝔫𝔦 key=pk_live_FAKE3Wwd25rq4f5zra1b2 🎉 done 中文"
        val expected = "😀 user=𝔘𝔫𝔦 key=pk_live_****a1b2 🎉 done 中文"
        assertEquals(expected, redact(text))
        assertEquals(expected, redactUniffi(text))
        assertTrue(containsSecret(text))
        val clean = "😀 nothing to see 𝔘𝔫𝔦 中文"
        assertSame(clean, redact(clean))
        assertEquals(false, containsSecret(clean))
    }

    @Test
    fun `text with nothing to redact comes back as the same object`() {
        val line = "2026-11-27T14:00:00Z INFO GET /v1/render status=200 key_count=3 pk_ bearer"
        assertSame(line, redact(line))
        assertNotSame(line, redactUniffi(line))
        assertEquals(line, redactUniffi(line))
        // A lone surrogate has no UTF-8 form; clean text holding one is still returned untouched.
        val lone = "half \uD83D of an emoji"
        assertSame(lone, redact(lone))
        // With something to redact, the lone surrogate comes back as '?' (its UTF-8 encoding by
        // String.toByteArray); UniFFI's strict encoder throws CharacterCodingException instead.
        assertEquals("half ? key=pk_live_****a1b2", redact("half \uD83D key=pk_live_FAKE3Wwd25rq4f5zra1b2"))
    }

    @Test
    fun `random near-miss text gives the same output on both paths`() {
        val parts = listOf(
            "pk_", "pk_live_", "PK_TEST_", "pk_test_FAKE3Wwd25rq4f5zra1b2", "FAKE3Wwd25rq", "key", "key=", "?key=", "&key=",
            "api_key", "api-key:", "X-Api-Key: ", "Bearer ", "bearer%20", "Authorization: ", "\"", "'", "%22", "\\\"",
            " ", "\n", "\t", "=", ":", "/", "@", "é", "😀", "中", "abc", "0123456789", "[REDACTED]", "****",
        )
        val random = Random(17)
        repeat(3_000) {
            val text = buildString { repeat(random.nextInt(1, 12)) { append(parts[random.nextInt(parts.size)]) } }
            val style = styles[random.nextInt(styles.size)]
            assertEquals(redactUniffi(text, style), redact(text, style), "style $style, text $text")
            assertEquals(containsSecretUniffi(text), containsSecret(text), text)
        }
    }

    @Test
    fun `text without the core's triggers is never changed by the core, and comes back untouched`() {
        assertTrue(JniHotCalls.triggers.isNotEmpty())
        val parts = listOf("pk", "k_", "ke", "ey", "bea", "rer", "PK", "KE", "Bearer"[0].toString(), "=", "_", "live", "test",
            "FAKE3Wwd25rq4f5zra1b2", "api", "x-", "authorization: ", "%22", "😀", "é", " ", "\n", "token=", "?", "&")
        val random = Random(2026)
        var checked = 0
        repeat(5_000) {
            val text = buildString { repeat(random.nextInt(1, 14)) { append(parts[random.nextInt(parts.size)]) } }
            if (!JniHotCalls.mayHoldSecret(text)) {
                checked++
                assertEquals(text, redactUniffi(text, styles[random.nextInt(styles.size)]), "the core changed trigger-free text $text")
                assertSame(text, redact(text))
                assertEquals(false, containsSecretUniffi(text))
            }
            if (JniHotCalls.triggers.any { text.lowercase().contains(it) }) assertTrue(JniHotCalls.mayHoldSecret(text), text)
        }
        assertTrue(checked > 1_000, "only $checked trigger-free texts")
    }

    @Test
    fun `a failure inside a JNI method becomes InternalException, not a crash`() {
        val e = assertThrows<InternalException> { JniHotCalls.redact(null, 0) }
        assertTrue(e.message.orEmpty().startsWith("JNI call failed"), e.message)
        assertThrows<InternalException> { JniHotCalls.parseKey(null) }
    }
}
