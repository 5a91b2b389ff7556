package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonParser
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeEach
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * The suspend Client against the real tests/mock-api server: rotation fallback from a
 * revoked NEW key to the OLD key, demotion, retries with one idempotency key, typed errors.
 */
class ClientTest {
    private val rotationKeys = Vectors.cases("rotation.json").first().getAsJsonArray("keys").map { it.asString }
    private val new = rotationKeys[0]
    private val old = rotationKeys[1]
    private val fast = RingConfig(baseDelayMs = 1u, maxDelayMs = 5u, retryAfterCapMs = 20u, jitter = false)
    private lateinit var api: MockApi

    @BeforeEach
    fun start() {
        api = MockApi(mapOf(new to "revoked", old to "active"))
    }

    @AfterEach
    fun stop() = api.close()

    private fun client(keys: List<String>, baseUrl: String = api.url) =
        Client(ClientOptions(keys = LoadOptions(keys = keys), baseUrl = baseUrl, ring = fast))

    private fun fp(key: String) = ApiKey.parse(key).fingerprint()

    @Test
    fun `suspend request falls back once from the revoked key, then skips it`() = runBlocking {
        val client = client(listOf(new, old))
        val first = client.request("GET", "/me", null)
        assertEquals(200.toUShort(), first.status)
        assertEquals(fp(old), first.keyFingerprint)
        assertEquals(fp(old), JsonParser.parseString(first.bodyJson).asJsonObject.get("key").asString)
        assertEquals(2u, first.attempts)
        assertEquals(listOf(fp(new) to fp(old)), first.fallbacks.map { it.fromFingerprint to it.toFingerprint })
        assertEquals(listOf("explicit:0" to "explicit:1"), first.fallbacks.map { it.fromSource to it.toSource })
        // Concurrent suspend calls: the demoted key is not tried again.
        val again = (1..3).map { async { client.request("GET", "/me", null) } }.awaitAll()
        again.forEach { assertEquals(1u, it.attempts); assertTrue(it.fallbacks.isEmpty()) }
        val summary = api.admin("GET", "/_admin/summary").asJsonObject
        assertEquals(1, summary.getAsJsonObject("by_key").getAsJsonObject(fp(new)).get("requests").asInt)
        val stats = client.stats().associateBy { it.fingerprint }
        assertEquals(1uL, stats.getValue(fp(new)).unauthorized)
        assertEquals(4uL, stats.getValue(fp(old)).successes)
        val agents = api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests")
            .map { it.asJsonObject.get("user_agent").asString }
        assertTrue(agents.all { it.startsWith("pictify-keys-kotlin/") }, agents.toString())
    }

    @Test
    fun `createImage retries a 503 on the same key with one idempotency key`() = runBlocking {
        api.admin("POST", "/_admin/failures", """{"kind":"status","status":503,"path":"/image","times":2}""")
        val image = client(listOf(old)).createImage(ImageOptions(html = "<h1>Hi</h1>", width = 100u))
        assertNotNull(image.id)
        assertNotNull(image.url)
        val records = api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests").map { it.asJsonObject }
        assertEquals(listOf(503, 503, 200), records.map { it.get("status").asInt })
        assertEquals(1, records.map { it.get("idempotency_key").asString }.toSet().size)
        assertEquals(1, records.map { it.get("key_fingerprint").asString }.toSet().size)
    }

    @Test
    fun `every key refused is a typed Http exception without the secret`() = runBlocking {
        val e = assertThrows<PictifyException.Http> { runBlocking { client(listOf(new)).request("GET", "/me", null) } }
        assertEquals("unauthorized", e.code)
        assertEquals(401.toUShort(), e.details.status)
        // The API's reason and the request id of the refusal are kept (issue 20).
        val last = "req_${api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests").size()}"
        assertEquals(
            ErrorDetails(
                position = null, vendor = null, origin = null, environment = null, variable = null, value = null,
                line = null, column = null, status = 401u, tried = 1u, attempts = null,
                apiCode = "revoked_api_key", requestId = last,
            ),
            e.details,
        )
        assertTrue(e.toString().startsWith("[unauthorized] ") && e.toString().contains("(revoked_api_key, request $last)"), e.toString())
        assertFalse(e.toString().contains(new.substring(8)))
        assertFalse(e.toString().contains(api.url))
    }

    @Test
    fun `status, rate limit and connection errors carry their codes`() = runBlocking {
        val c = client(listOf(old))
        val notFound = assertThrows<PictifyException.Http> { runBlocking { c.request("GET", "/nowhere", null) } }
        assertEquals("http_status", notFound.code)
        assertEquals(404.toUShort(), notFound.details.status)
        api.admin("POST", "/_admin/failures", """{"kind":"status","status":429,"retry_after":"1","times":5}""")
        val limited = assertThrows<PictifyException.Http> { runBlocking { c.request("GET", "/me", null) } }
        assertEquals("rate_limited", limited.code)
        val dead = client(listOf(old), baseUrl = "http://127.0.0.1:9")
        val conn = assertThrows<PictifyException.Http> { runBlocking { dead.request("GET", "/me", null) } }
        assertEquals("http_connection", conn.code)
        val bad = assertThrows<PictifyException.Http> { runBlocking { c.request("GET", "no-slash", null) } }
        assertEquals("invalid_request", bad.code)
    }

    @Test
    fun `the client applies the environment policy when it is built`() = runBlocking {
        // New-user trial: a live key on a developer machine reached the API.
        val dev = mapOf("NODE_ENV" to "development", "PICTIFY_API_KEY" to old)
        val refused = assertThrows<PictifyException.Environment> { Client(ClientOptions(keys = LoadOptions(env = dev), baseUrl = api.url)) }
        assertEquals("live_key_in_development", refused.code)
        assertEquals("development" to "NODE_ENV", refused.details.environment to refused.details.variable)
        val stated = assertThrows<PictifyException.Environment> {
            Client(ClientOptions(keys = LoadOptions(keys = listOf(old)), baseUrl = api.url, environment = Detection(Environment.STAGING)))
        }
        assertEquals("live_key_in_development", stated.code)
        assertEquals(0, api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests").size())
        val relaxed = Client(ClientOptions(keys = LoadOptions(env = dev), baseUrl = api.url, policy = Policy(allowLiveOutsideProduction = true)))
        assertEquals(200.toUShort(), relaxed.request("GET", "/me", null).status)
        assertEquals(1, api.admin("GET", "/_admin/requests").asJsonObject.getAsJsonArray("requests").size())
    }

    @Test
    fun `building a client with bad keys or none is a typed error`() {
        assertEquals("no_key", assertThrows<PictifyException.Source> { Client(ClientOptions(keys = LoadOptions(env = emptyMap()))) }.code)
        val bad = assertThrows<PictifyException.Format> {
            Client(ClientOptions(keys = LoadOptions(env = mapOf("PICTIFY_API_KEY" to "$old\n"))))
        }
        assertEquals("whitespace", bad.code)
        assertEquals("env:PICTIFY_API_KEY", bad.details.origin)
    }
}
