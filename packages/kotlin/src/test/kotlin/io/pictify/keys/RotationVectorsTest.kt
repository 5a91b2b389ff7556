package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/**
 * Every script of tests/vectors/rotation.json replayed through the jar's sans-IO [KeyRing] on a
 * [ManualClock]: the key of each attempt, the exact decision (with its delay or error code) of
 * each outcome, and the usage counters per key at the end.
 */
class RotationVectorsTest {
    private val doc = Vectors.load("rotation.json")
    private val cases = doc.getAsJsonArray("cases").map { it.asJsonObject }

    @Test
    fun `the vector file is the one we expect`() {
        assertEquals(1, doc.get("version").asInt)
        assertEquals(27, cases.size, "rotation.json has ${cases.size} cases")
        // Every decision kind and every outcome kind is exercised somewhere.
        val steps = cases.flatMap { c -> c.getAsJsonArray("steps").map { it.asJsonObject } }
        assertEquals(setOf("done", "try_next_key", "retry", "fail"), steps.mapNotNull { it.str("decision") }.toSet())
        assertEquals(
            setOf("timeout", "connection"),
            steps.mapNotNull { it.getAsJsonObject("outcome")?.str("error") }.toSet(),
        )
    }

    @TestFactory
    fun `rotation json`(): List<DynamicTest> = cases.map { case ->
        dynamicTest(case.str("name")!!) { replay(case) }
    }

    /** The case's config: `default_config` with the case's overrides. */
    private fun config(case: JsonObject): RingConfig {
        val merged = JsonObject()
        for ((k, v) in doc.getAsJsonObject("default_config").entrySet()) merged.add(k, v)
        case.getAsJsonObject("config")?.entrySet()?.forEach { (k, v) -> merged.add(k, v) }
        val known = setOf("max_retries", "cooldown_ms", "base_delay_ms", "max_delay_ms", "retry_after_cap_ms", "jitter")
        assertEquals(known, merged.keySet(), "config fields")
        return RingConfig(
            maxRetries = merged.get("max_retries").asInt.toUInt(),
            cooldownMs = merged.get("cooldown_ms").asLong.toULong(),
            baseDelayMs = merged.get("base_delay_ms").asLong.toULong(),
            maxDelayMs = merged.get("max_delay_ms").asLong.toULong(),
            retryAfterCapMs = merged.get("retry_after_cap_ms").asLong.toULong(),
            jitter = merged.get("jitter").asBoolean,
        )
    }

    private fun outcome(json: JsonObject): Outcome = when {
        json.has("status") -> Outcome.Response(json.get("status").asInt.toUShort(), json.str("retry_after"))
        json.str("error") == "timeout" -> Outcome.Timeout
        json.str("error") == "connection" -> Outcome.ConnectionError
        else -> error("unknown outcome in a vector: $json")
    }

    /** The decision a step expects, as the binding spells it (codes compared separately). */
    private fun describe(decision: Decision): String = when (decision) {
        Decision.Done -> "done"
        Decision.TryNextKey -> "try_next_key"
        is Decision.Retry -> "retry ${decision.delayMs}"
        is Decision.Fail -> "fail ${decision.error.code}"
    }

    private fun expected(step: JsonObject): String = when (val d = step.str("decision")) {
        "done", "try_next_key" -> d
        "retry" -> "retry ${step.get("delay_ms").asLong}"
        "fail" -> "fail ${step.str("code")}"
        else -> error("unknown decision in a vector: $d")
    }

    private fun replay(case: JsonObject) {
        val keys = case.getAsJsonArray("keys").map { ApiKey.parse(it.asString) }
        val origins = keys.indices.map { "vector:$it" }
        val clock = ManualClock(doc.get("clock_start_ms").asLong.toULong())
        val ring = KeyRing(keys.mapIndexed { i, k -> SourcedKey(k, origins[i]) }, config(case), clock)
        assertEquals(keys.map { it.fingerprint() }, ring.fingerprints())

        val stepFields = setOf("request", "advance_ms", "key", "outcome", "decision", "delay_ms", "code")
        val requests = mutableMapOf<String, RequestState>()
        val lastAttempt = mutableMapOf<String, Attempt>()
        val attemptsPerRequest = mutableMapOf<String, Int>()
        case.getAsJsonArray("steps").map { it.asJsonObject }.forEachIndexed { i, step ->
            val at = "step ${i + 1}"
            assertTrue(stepFields.containsAll(step.keySet()), "$at: unknown field in ${step.keySet()}")
            step.get("advance_ms")?.let { clock.advanceMs(it.asLong.toULong()) }
            val name = step.str("request")!!
            val request = requests.getOrPut(name) { ring.beginRequest() }
            step.int("key")?.let { index ->
                val attempt = ring.attempt(request)
                assertEquals(keys[index], attempt.key(), "$at: key")
                assertEquals(origins[index], attempt.source(), "$at: source")
                val number = attemptsPerRequest.merge(name, 1, Int::plus)!!
                assertEquals(number.toUInt(), attempt.number(), "$at: attempt number")
                assertEquals(number.toUInt(), request.attempts(), "$at: attempts")
                lastAttempt[name] = attempt
            }
            val json = step.getAsJsonObject("outcome")
            if (json == null) {
                assertTrue(step.str("decision") == null, "$at: a decision without an outcome")
                return@forEachIndexed
            }
            val attempt = lastAttempt[name] ?: error("$at: an outcome before any attempt")
            val decision = ring.onOutcome(request, attempt, outcome(json))
            assertEquals(expected(step), describe(decision), at)
            if (decision is Decision.Fail) {
                // The failure arrives as the typed HTTP error, with the status when there was one.
                val error = assertInstanceOf(PictifyException.Http::class.java, decision.error)
                assertEquals(json.int("status")?.toUShort(), error.details.status, "$at: status")
                if (error.code == "unauthorized") {
                    // Every key was refused: no further attempt is possible for this request.
                    val again = assertThrows<PictifyException.Http> { ring.attempt(request) }
                    assertEquals("unauthorized", again.code)
                }
            }
        }

        val stats = ring.stats()
        assertEquals(keys.map { it.fingerprint() }, stats.map { it.fingerprint })
        assertEquals(origins, stats.map { it.origin })
        for (s in stats) assertEquals(s.requests, s.successes + s.unauthorized + s.errors, "requests = sum")
        val want = case.getAsJsonArray("stats")?.map { it.asJsonObject } ?: return
        assertEquals(want.size, stats.size, "stats per key")
        for ((index, pair) in want.zip(stats).withIndex()) {
            val (w, got) = pair
            assertEquals(
                listOf("requests", "successes", "unauthorized", "errors").map { w.get(it).asLong.toULong() },
                listOf(got.requests, got.successes, got.unauthorized, got.errors),
                "stats of key $index (requests, successes, unauthorized, errors)",
            )
        }
    }
}
