package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonParser
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/** Every case of tests/vectors/redaction.json: whole text, the stream in several chunkings, idempotence. */
class RedactTest {
    private fun styleOf(name: String?): RedactionStyle = when (name) {
        null, "fingerprint" -> RedactionStyle.FINGERPRINT
        "redacted" -> RedactionStyle.REDACTED
        "mask" -> RedactionStyle.MASK
        else -> error("unknown style $name")
    }

    @TestFactory
    fun `redaction json`(): List<DynamicTest> {
        val cases = Vectors.cases("redaction.json")
        assertTrue(cases.size >= 90)
        return cases.map { case ->
            dynamicTest(case.str("name")!!) {
                val style = styleOf(case.str("style"))
                val input = case.str("input")!!
                val expected = case.str("expected")!!
                assertEquals(expected, redact(input, style))
                assertEquals(expected, redact(expected, style), "redacting twice changes nothing")
                val bytes = input.toByteArray()
                for (size in listOf(1, 3, 7, 64, bytes.size.coerceAtLeast(1))) {
                    val stream = StreamRedactor(style)
                    val out = java.io.ByteArrayOutputStream()
                    bytes.toList().chunked(size).forEach { out.write(stream.push(it.toByteArray())) }
                    out.write(stream.finish())
                    assertArrayEquals(expected.toByteArray(), out.toByteArray(), "chunk size $size")
                }
                if (style == RedactionStyle.FINGERPRINT) assertEquals(expected != input, containsSecret(input))
            }
        }
    }

    @Test
    fun `redactJson redacts sensitive fields and free text, typed error on bad JSON`() {
        val out = redactJson(
            """{"apiKey":"pk_live_FAKE3Wwd25rq4f5zra1b2","password":"hunter22","message":"with pk_test_FAKE3Wwd25rq4f5zra1b2","count":3}""",
        )
        assertEquals(
            JsonParser.parseString("""{"apiKey":"pk_live_****a1b2","password":"[REDACTED]","message":"with pk_test_****a1b2","count":3}"""),
            JsonParser.parseString(out),
        )
        val e = assertThrows<PictifyException.Input> { redactJson("{not json pk_live_FAKE3Wwd25rq4f5zra1b2") }
        assertEquals("invalid_json", e.code)
        assertFalse(e.toString().contains("FAKE3Wwd"))
    }

    @Test
    fun `audit events carry the fingerprint or an ID, never the key`() {
        val key = ApiKey.parse("pk_live_FAKE3Wwd25rq4f5zra1b2")
        val fields = AuditFields(
            action = "image.render", endpoint = "/v1/render?api_key=pk_live_FAKE3Wwd25rq4f5zra1b2",
            method = "POST", status = 200u, timestampMs = 1_764_254_954_000, ip = "203.0.113.7",
        )
        val event = AuditEvent.forKey(key, fields)
        assertEquals(
            """{"timestamp":"2025-11-27T14:49:14.000Z","action":"image.render","keyId":"pk_live_****a1b2","endpoint":"/v1/render?api_key=pk_live_****a1b2","method":"POST","status":200,"ip":"203.0.113.7","userAgent":null}""",
            event.toJson(),
        )
        assertEquals(event.toJson(), event.toString())
        assertEquals("key_01hv3k", AuditEvent.forKeyId("key_01hv3k", fields).keyId())
        assertEquals("secret_in_key_id", assertThrows<PictifyException.Input> { AuditEvent.forKeyId(key.reveal(), fields) }.code) // EXPOSE: proves a key is refused as an ID.
        assertEquals("invalid_key_id", assertThrows<PictifyException.Input> { AuditEvent.forKeyId("", fields) }.code)
    }
}
