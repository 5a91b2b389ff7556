package io.pictify.keys

import io.pictify.keys.core.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.io.File

/** Key sources from a map, files and given keys, with provenance; typed errors naming the source. */
class SourceTest {
    private val keys = Vectors.cases("keys.json").filter { it.bool("valid") && it.str("mode") == "live" }.map { it.str("input")!! }

    @Test
    fun `environment map, NEW first, with provenance`() {
        val loaded = loadKeys(LoadOptions(env = mapOf("PICTIFY_API_KEY_OLD" to keys[1], "PICTIFY_API_KEY_NEW" to keys[0])))
        assertEquals(listOf("env:PICTIFY_API_KEY_NEW", "env:PICTIFY_API_KEY_OLD"), loaded.keys.map { it.origin })
        assertEquals(ApiKey.parse(keys[0]), loaded.keys[0].key)
        assertEquals("env", loaded.source)
    }

    @Test
    fun `secret file and dotenv file, shadowed keys reported`(@TempDir dir: File) {
        val secret = File(dir, "api-key").apply { writeText(keys[0]) }
        val dotenv = File(dir, ".env").apply { writeText("PICTIFY_API_KEY=${keys[1]}\n") }
        val loaded = loadKeys(LoadOptions(env = emptyMap(), secretFile = secret.path, dotenvFile = dotenv.path))
        assertEquals(listOf("file:${secret.path}"), loaded.keys.map { it.origin })
        assertEquals(listOf("shadowed_key"), loaded.shadowed.map { it.code })
        assertEquals(ApiKey.parse(keys[1]).fingerprint(), loaded.shadowed.single().fingerprint)
    }

    @Test
    fun `broken sources are typed errors naming the source`() {
        val e = assertThrows<PictifyException.Format> { loadKeys(LoadOptions(env = mapOf("PICTIFY_API_KEY" to "'${keys[0]}'"))) }
        assertEquals("quoted", e.code)
        assertEquals("env:PICTIFY_API_KEY", e.details.origin)
        assertEquals("no_key", assertThrows<PictifyException.Source> { loadKeys(LoadOptions(env = emptyMap())) }.code)
        assertEquals("too_short", assertThrows<PictifyException.Format> { loadKeys(LoadOptions(keys = listOf("pk_live_FAKE1"))) }.code)
    }

    @Test
    fun `key ring driven by hand falls back on 401 and demotes the key`() {
        val clock = ManualClock(1_764_201_600_000u)
        val ring = KeyRing(loadKeys(LoadOptions(keys = keys.take(2))).keys, defaultRingConfig().copy(jitter = false), clock)
        val req = ring.beginRequest()
        val first = ring.attempt(req)
        assertEquals(ApiKey.parse(keys[0]), first.key())
        assertEquals(Decision.TryNextKey, ring.onOutcome(req, first, Outcome.Response(401u, null)))
        val second = ring.attempt(req)
        assertEquals("explicit:1", second.source())
        assertEquals(Decision.Done, ring.onOutcome(req, second, Outcome.Response(200u, null)))
        assertEquals(1, req.fallbacks().size)
        // The next request starts with the healthy key; a 503 is retried on it.
        val next = ring.beginRequest()
        val a = ring.attempt(next)
        assertEquals(ApiKey.parse(keys[1]), a.key())
        assertEquals(Decision.Retry(250u), ring.onOutcome(next, a, Outcome.Response(503u, null)))
        assertEquals(1uL, ring.stats()[0].unauthorized)
        assertEquals(1uL, ring.stats()[1].successes)
        val none = ring.beginRequest()
        ring.onOutcome(none, ring.attempt(none), Outcome.Response(401u, null))
        val fail = ring.onOutcome(none, ring.attempt(none), Outcome.Response(401u, null))
        assertEquals("unauthorized", ((fail as Decision.Fail).error).code)
    }
}
