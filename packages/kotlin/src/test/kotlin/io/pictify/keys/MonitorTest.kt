package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonArray
import com.google.gson.JsonObject
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.time.Instant

/**
 * The in-process usage monitor: every case of tests/vectors/monitor.json replayed through
 * `Monitor.feedLine`, events fed as `AuditEvent`s, and a client with a monitor raising a
 * 401-burst alert from its own traffic against the real tests/mock-api server.
 */
class MonitorTest {
    /** The vector's stream as lines: literal lines as they are, `repeat` blocks expanded. */
    private fun expand(stream: JsonArray): List<String> = stream.flatMap { item ->
        if (item.isJsonPrimitive) return@flatMap listOf(item.asString)
        val r = item.asJsonObject.getAsJsonObject("repeat")
        val start = Instant.parse(r.get("start").asString).epochSecond
        val every = r.get("every_secs").asLong
        (0 until r.get("count").asLong).map { i ->
            val event = JsonObject()
            event.addProperty("timestamp", Instant.ofEpochSecond(start + i * every).toString())
            r.getAsJsonObject("event").entrySet().forEach { (k, v) -> event.add(k, v) }
            event.toString()
        }
    }

    @TestFactory
    fun `monitor vectors`(): List<DynamicTest> {
        val cases = Vectors.cases("monitor.json")
        assertTrue(cases.size >= 20, "monitor.json has ${cases.size} cases")
        return cases.map { case ->
            dynamicTest(case.str("name")) {
                val monitor = Monitor(case.str("config")?.ifEmpty { null })
                expand(case.getAsJsonArray("stream")).forEach(monitor::feedLine)
                val report = monitor.finish()
                val expect = case.getAsJsonObject("expect")
                val expected = expect.getAsJsonArray("alerts").map { it.asJsonObject }.map {
                    listOf(it.str("kind"), it.str("keyId"), it.str("start"), it.str("severity"), it.bool("open"), it.int("windows"))
                }
                val actual = report.alerts.map {
                    listOf(it.kind.code(), it.keyId, it.start, it.severity.name.lowercase(), it.open, it.windows.toInt())
                }
                assertEquals(expected, actual)
                val issues = expect.getAsJsonObject("issues").entrySet().associate { (code, lines) -> code to lines.asJsonArray.map { it.asLong } }
                assertEquals(issues, report.issues.associate { i -> i.code to i.lines.map { it.line.toLong() } })
                expect.int("events")?.let { assertEquals(it.toLong(), report.events.toLong()) }
                // Started and ended alerts reached poll() in order, under the report's ids.
                val updates = monitor.poll()
                assertEquals(report.alerts.map { it.id }.toSet(), updates.filter { it.phase == Phase.START }.map { it.alert.id }.toSet())
                assertEquals(report.alerts.filter { !it.open }.map { it.id }.toSet(), updates.filter { it.phase == Phase.END }.map { it.alert.id }.toSet())
            }
        }
    }

    @Test
    fun `events fed in memory raise a disallowed-network alert once its window closes`() {
        val monitor = Monitor("[keys.key_abc]\nallowed_networks = [\"203.0.113.0/24\"]\n")
        val t0 = Instant.parse("2026-03-02T00:00:00Z").epochSecond
        val fields = { ip: String, minute: Long ->
            AuditFields(action = "api.request", endpoint = "/image", method = "POST", status = 200u, timestampMs = (t0 + minute * 60) * 1000, ip = ip)
        }
        monitor.feed(AuditEvent.forKeyId("key_abc", fields("203.0.113.9", 0)))
        monitor.feed(AuditEvent.forKeyId("key_abc", fields("198.51.100.7", 1)))
        assertEquals(emptyList<AlertUpdate>(), monitor.poll())
        monitor.advance(t0 + 3600 + 300)
        val update = monitor.poll().single()
        assertEquals(Phase.START, update.phase)
        assertEquals("disallowed_network", update.alert.kind.code())
        assertEquals(Severity.HIGH, update.alert.severity)
        assertEquals(listOf(Count("198.51.100.7", 1uL)), update.alert.topIps)
        assertTrue(update.alert.action.isNotEmpty())
        val report = monitor.report()
        assertEquals(2uL, report.events)
        val usage = report.keys.single()
        assertEquals("key_abc" to 2uL, usage.keyId to usage.requests)
        assertEquals(2uL, usage.distinctIps)
        assertEquals(listOf(Count("POST /image", 2uL)), usage.endpoints)
        assertEquals(listOf(update.alert.id), report.alerts.map { it.id })
    }

    @Test
    fun `a refused configuration is an Input error with its code and never echoes a key`() {
        val secret = "pk_live_FAKE3Wwd25rq4f5zr3a1b2"
        val leaked = assertThrows<PictifyException.Input> { Monitor("[keys.key_a]\nname = \"$secret\"\n") }
        assertEquals("config_contains_secret", leaked.code)
        assertNoSecret(secret, leaked.toString())
        assertEquals("config_invalid", assertThrows<PictifyException.Input> { Monitor("[keys\n") }.code)
        assertEquals("config_bad_value", assertThrows<PictifyException.Input> {
            Monitor("[keys.key_a]\nallowed_networks = [\"not-a-cidr\"]\n")
        }.code)
    }

    @Test
    fun `a client with a monitor raises a 401 burst from its own traffic`() = runBlocking {
        val revoked = Vectors.cases("rotation.json").first().getAsJsonArray("keys")[0].asString
        MockApi(mapOf(revoked to "revoked")).use { api ->
            val monitor = Monitor()
            val fast = RingConfig(baseDelayMs = 1u, maxDelayMs = 5u, retryAfterCapMs = 20u, jitter = false)
            val client = Client(ClientOptions(keys = LoadOptions(keys = listOf(revoked)), baseUrl = api.url, ring = fast, monitor = monitor))
            repeat(25) {
                val e = assertThrows<PictifyException.Http> { runBlocking { client.request("GET", "/me", null) } }
                assertEquals("unauthorized", e.code)
            }
            val served = api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests")
            assertTrue(served.size() >= 20, "the API saw ${served.size()} requests")
            val fingerprint = ApiKey.parse(revoked).fingerprint()
            val usage = monitor.report().keys.single()
            assertEquals(fingerprint, usage.keyId)
            assertEquals(served.size().toULong(), usage.requests)
            assertEquals(served.size().toULong(), usage.authFailures)
            // Nothing alerts while the window is open; a timer's advance past it judges it.
            assertEquals(emptyList<AlertUpdate>(), monitor.poll())
            monitor.advance(Instant.now().epochSecond + 2 * 3600)
            val alert = monitor.poll().single { it.phase == Phase.START }.alert
            assertEquals("auth_failure_burst" to fingerprint, alert.kind.code() to alert.keyId)
            assertEquals(served.size().toULong(), alert.events)
            assertTrue(alert.topUserAgents.single().value.startsWith("pictify-keys-kotlin/"), alert.topUserAgents.toString())
            assertFalse(alert.toString().contains(revoked.substring(12)))
        }
    }
}
