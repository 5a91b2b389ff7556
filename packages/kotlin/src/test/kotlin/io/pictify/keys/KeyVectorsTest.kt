package io.pictify.keys

import io.pictify.keys.core.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/** Every case of tests/vectors/keys.json against the native library, through the jar's API. */
class KeyVectorsTest {
    private val cases = Vectors.cases("keys.json")

    @Test
    fun `the vector file is the one we expect`() {
        assertEquals(1, Vectors.load("keys.json").get("version").asInt)
        assertTrue(cases.size >= 80, "keys.json has ${cases.size} cases")
        assertTrue(cases.any { it.bool("valid") } && cases.any { !it.bool("valid") })
    }

    @TestFactory
    fun `keys json`(): List<DynamicTest> = cases.map { case ->
        dynamicTest(case.str("name")!!) {
            val input = case.str("input")!!
            if (case.bool("valid")) checkValid(case, input) else checkInvalid(case, input)
        }
    }

    private fun checkValid(case: com.google.gson.JsonObject, input: String) {
        val key = ApiKey.parse(input)
        assertEquals(modeOf(case.str("mode")!!), key.mode())
        assertEquals(case.str("fingerprint"), key.fingerprint())
        // toString shows the fingerprint, never the secret.
        assertEquals(case.str("fingerprint"), key.toString())
        assertEquals(input.takeLast(4), key.last4())
        // EXPOSE: the test checks that reveal() gives back exactly the parsed value.
        assertEquals(input, key.reveal())
        assertEquals(ApiKey.parse(input), key)
        assertNotEquals(ApiKey.parse("pk_test_FAKE3Wwd25rq4f5zr3a1b2"), key)
        assertEquals(key.fingerprint(), ApiKey.parseOrNull(input)?.fingerprint())
        key.close()
    }

    private fun checkInvalid(case: com.google.gson.JsonObject, input: String) {
        val e = assertThrows<PictifyException.Format> { ApiKey.parse(input) }
        assertEquals(case.str("code"), e.code)
        assertEquals(case.int("position")?.toUInt(), e.details.position)
        assertEquals(case.str("vendor"), e.details.vendor)
        assertNull(e.details.origin)
        // The common accessors agree with the subclass fields.
        val base: PictifyException = e
        assertEquals(case.str("code"), base.code)
        assertEquals(e.detail, base.detail)
        assertTrue(e.toString().startsWith("[${e.code}] "), e.toString())
        for (text in listOf(e.detail, e.message ?: "", e.toString())) assertNoSecret(input, text)
        assertNull(ApiKey.parseOrNull(input))
        // The mode check refuses the same value with the same code through checkKeys, except
        // an empty variable, which counts as unset there (as the key sources read it).
        val report = checkKeys(mapOf("PICTIFY_API_KEY" to input, "NODE_ENV" to "production"))
        if (input.isEmpty()) {
            assertTrue(report.keys.isEmpty())
            assertEquals("no_key", report.error?.code)
            assertEquals(2, report.exitStatus.toInt())
            return
        }
        assertEquals(Verdict.MALFORMED, report.keys.single().verdict)
        assertEquals(case.str("code"), report.keys.single().code)
        assertEquals(2, report.exitStatus.toInt())
        assertFalse(report.keys.single().message.orEmpty().isEmpty())
    }
}
