package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory

/**
 * tests/vectors/shapes.json against the native library: every result record, rebuilt field by
 * field as the vector's JSON (camelCase names, null for an absent value), must equal the exact
 * shape every language shows.
 */
class ShapeVectorsTest {
    private val doc = Vectors.load("shapes.json")
    private fun cases(name: String) = doc.getAsJsonArray(name).map { it.asJsonObject }

    private fun obj(vararg fields: Pair<String, Any?>): JsonObject = JsonObject().apply {
        for ((k, v) in fields) add(k, json(v))
    }

    private fun json(v: Any?): JsonElement = when (v) {
        null -> JsonNull.INSTANCE
        is JsonElement -> v
        is String -> com.google.gson.JsonPrimitive(v)
        is Boolean -> com.google.gson.JsonPrimitive(v)
        is Number -> com.google.gson.JsonPrimitive(v)
        is UInt -> com.google.gson.JsonPrimitive(v.toLong())
        is ULong -> com.google.gson.JsonPrimitive(v.toLong())
        is UShort -> com.google.gson.JsonPrimitive(v.toInt())
        is List<*> -> com.google.gson.JsonArray().apply { v.forEach { add(json(it)) } }
        else -> error("no JSON for $v")
    }

    private fun detection(d: Detection) = obj("environment" to d.environment.name.lowercase(), "variable" to d.variable, "value" to d.value)

    private fun report(e: PictifyException?): JsonElement {
        if (e == null) return JsonNull.INSTANCE
        val d = e.details
        val details = obj(
            "position" to d.position, "vendor" to d.vendor, "origin" to d.origin, "environment" to d.environment,
            "variable" to d.variable, "value" to d.value, "line" to d.line, "column" to d.column, "status" to d.status,
            "tried" to d.tried, "attempts" to d.attempts, "apiCode" to d.apiCode, "requestId" to d.requestId,
        )
        details.entrySet().filter { it.value.isJsonNull }.map { it.key }.forEach { details.remove(it) }
        return obj("code" to e.code, "family" to e.family, "message" to e.toString(), "details" to details)
    }

    private fun allowed(a: Allowed) = obj("warning" to a.warning?.let { obj("code" to it.code(), "message" to it.message()) })

    private fun check(r: CheckReport) = obj(
        "detection" to detection(r.detection),
        "keys" to r.keys.map {
            obj(
                "origin" to it.origin, "variable" to it.variable, "fingerprint" to it.fingerprint,
                "mode" to it.mode?.name?.lowercase(), "verdict" to it.verdict.name.lowercase(), "code" to it.code, "message" to it.message,
            )
        },
        "error" to report(r.error),
        "exitStatus" to r.exitStatus.toInt(),
    )

    private fun decision(d: Decision) = when (d) {
        Decision.Done -> obj("action" to "done", "delayMs" to null, "error" to null)
        Decision.TryNextKey -> obj("action" to "try_next_key", "delayMs" to null, "error" to null)
        is Decision.Retry -> obj("action" to "retry", "delayMs" to d.delayMs, "error" to null)
        is Decision.Fail -> obj("action" to "fail", "delayMs" to null, "error" to report(d.error))
    }

    private fun stats(s: KeyStats) = obj(
        "fingerprint" to s.fingerprint, "origin" to s.origin, "requests" to s.requests, "successes" to s.successes,
        "unauthorized" to s.unauthorized, "errors" to s.errors, "lastUsedMs" to s.lastUsedMs, "demotedUntilMs" to s.demotedUntilMs,
    )

    private fun policy(case: JsonObject): Policy {
        val p = case.getAsJsonObject("policy") ?: JsonObject()
        return Policy(allowLiveOutsideProduction = p.bool("allowLiveOutsideProduction"), allowTestInProduction = p.bool("allowTestInProduction"))
    }

    @TestFactory
    fun `shapes json`(): List<DynamicTest> {
        val tests = mutableListOf<DynamicTest>()
        cases("detectEnvironment").forEach { c ->
            tests += dynamicTest(c.str("name")!!) { assertEquals(c["expected"], detection(detectEnvironment(c.stringMap("env")))) }
        }
        cases("checkMode").forEach { c ->
            tests += dynamicTest(c.str("name")!!) {
                val env = Environment.valueOf(c.str("environment")!!.uppercase())
                assertEquals(c["expected"], allowed(checkMode(modeOf(c.str("mode")!!), Detection(env), policy(c))))
            }
        }
        cases("checkKeys").forEach { c ->
            tests += dynamicTest(c.str("name")!!) { assertEquals(c["expected"], check(checkKeys(c.stringMap("env")))) }
        }
        val ring = doc.getAsJsonObject("ring")
        val cfg = ring.getAsJsonObject("config")
        val config = RingConfig(
            maxRetries = cfg.get("maxRetries").asInt.toUInt(), cooldownMs = cfg.get("cooldownMs").asLong.toULong(),
            baseDelayMs = cfg.get("baseDelayMs").asLong.toULong(), maxDelayMs = cfg.get("maxDelayMs").asLong.toULong(),
            retryAfterCapMs = cfg.get("retryAfterCapMs").asLong.toULong(), jitter = cfg.get("jitter").asBoolean,
        )
        ring.getAsJsonArray("cases").map { it.asJsonObject }.forEach { c ->
            tests += dynamicTest(c.str("name")!!) {
                // SourcedKeys straight into the ring: the ring itself must drop the repeated key.
                val keys = c.getAsJsonArray("keys").mapIndexed { i, k -> SourcedKey(ApiKey.parse(k.asString), "explicit:$i") }
                val r = KeyRing(keys, config, ManualClock(ring.get("clock_start_ms").asLong.toULong()))
                var request = r.beginRequest()
                c.getAsJsonArray("steps").map { it.asJsonObject }.forEachIndexed { i, s ->
                    if (s.has("request")) request = r.beginRequest()
                    val attempt = r.attempt(request)
                    assertEquals(s.str("fingerprint"), attempt.key().fingerprint(), "step ${i + 1} key")
                    val o = s.getAsJsonObject("outcome")
                    val outcome = when (o.str("error")) {
                        null -> Outcome.Response(o.get("status").asInt.toUShort(), o.str("retry_after"))
                        "timeout" -> Outcome.Timeout
                        else -> Outcome.ConnectionError
                    }
                    assertEquals(s["expected"], decision(r.onOutcome(request, attempt, outcome)), "step ${i + 1}")
                }
                assertEquals(c["stats"], json(r.stats().map { stats(it) }))
            }
        }
        cases("auditEvents").forEach { c ->
            tests += dynamicTest(c.str("name")!!) {
                val f = c.getAsJsonObject("fields")
                val fields = AuditFields(
                    action = f.str("action")!!, endpoint = f.str("endpoint")!!, method = f.str("method")!!,
                    status = f.get("status").asInt.toUShort(), timestampMs = f.get("timestamp").asLong,
                    ip = f.str("ip"), userAgent = f.str("userAgent"),
                )
                val event = c.str("key")?.let { AuditEvent.forKey(ApiKey.parse(it), fields) } ?: AuditEvent.forKeyId(c.str("keyId")!!, fields)
                assertEquals(c["expected"], JsonParser.parseString(event.toJson()))
            }
        }
        return tests
    }
}
