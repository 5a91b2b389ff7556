package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/**
 * tests/vectors/errors.json against the native library: every failing call throws the
 * PictifyException subclass of its family with the core's code, exactly the listed details,
 * `[code] message`, and no secret.
 */
class ErrorVectorsTest {
    private val doc = Vectors.load("errors.json")

    /** Calls Kotlin does not have (reported as skipped through an assumption, never as passed). */
    private val missing = mapOf(
        "allowlist" to "the allow-list parser is in the CLI and the Rust core only",
        "redact_style" to "redaction styles are the RedactionStyle enum in Kotlin: an unknown name cannot be passed",
    )

    private val fields = AuditFields(action = "image.create", endpoint = "/image", method = "POST", status = 200u)

    private fun call(case: JsonObject): () -> Any = when (case.str("call")) {
        "parse" -> { -> ApiKey.parse(case.str("input")!!) }
        "check" -> { -> checkEnvironment(ApiKey.parse(case.str("key")!!), detectEnvironment(case.stringMap("env")), Policy()) }
        "dotenv" -> { -> parseDotenv(case.str("input")!!) }
        "load" -> { -> loadKeys(LoadOptions(env = case.stringMap("env"))) }
        "audit_key_id" -> { -> AuditEvent.forKeyId(case.str("input")!!, fields) }
        else -> error("unknown call ${case.str("call")}")
    }

    /** The vector's details as the typed record. */
    private fun expected(case: JsonObject): ErrorDetails {
        val d = case.getAsJsonObject("details")
        return ErrorDetails(
            position = d.int("position")?.toUInt(), vendor = d.str("vendor"), origin = d.str("origin"),
            environment = d.str("environment"), variable = d.str("variable"), value = d.str("value"),
            line = d.int("line")?.toUInt(), column = d.int("column")?.toUInt(), status = d.int("status")?.toUShort(),
            tried = d.int("tried")?.toUInt(), attempts = d.int("attempts")?.toUInt(),
            apiCode = d.str("apiCode"), requestId = d.str("requestId"),
        )
    }

    @TestFactory
    fun `errors json`(): List<DynamicTest> = doc.getAsJsonArray("cases").map { it.asJsonObject }.map { case ->
        dynamicTest(case.str("name")!!) {
            assumeTrue(case.str("call") !in missing, missing[case.str("call")])
            val e = assertThrows<PictifyException> { call(case)() }
            assertEquals(case.str("code"), e.code)
            assertEquals(case.str("family"), e.family)
            assertEquals(expected(case), e.details)
            assertTrue(e.toString().startsWith("[${e.code}] "), e.toString())
            case.str("secret")?.let { secret -> assertFalse(e.toString().contains(secret), "the message holds the secret") }
        }
    }
}
