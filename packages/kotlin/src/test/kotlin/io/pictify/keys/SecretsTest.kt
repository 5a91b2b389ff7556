package io.pictify.keys

import io.pictify.keys.core.*
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.CsvSource
import java.io.File
import java.net.HttpURLConnection
import java.net.ServerSocket
import java.net.URI
import java.util.concurrent.TimeUnit

/**
 * Secret references in PICTIFY_API_KEY* resolved by the core against a real OpenBao dev server
 * on loopback (Vault KV v2 API): checkKeys, loadKeys and Client, the provider settings read from
 * the same map, the core's stable codes, and no key or token in any toString.
 *
 * OpenBao comes from tests/secrets/setup.sh (`just kotlin test` runs it). Without it these tests
 * are skipped with a warning on a dev machine and fail under CI=true or PICTIFY_SECRETS_REQUIRED.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsTest {
    private val key = "pk_test_FAKE9xQ2mN7vB4kL0pRtb9Lm"
    private val fingerprint = "pk_test_****b9Lm"
    private val token = "rootFAKEktToken"
    private val wrongToken = "wrongFAKEktToken"
    private val ref = "vault://secret/pictify#api_key"
    private var bao: OpenBao? = null

    @BeforeAll
    fun start() {
        val binary = baoBinary()
        if (binary == null) {
            val msg = "bao is not installed (run `bash tests/secrets/setup.sh`); the OpenBao tests cannot run"
            if (!System.getenv("CI").isNullOrEmpty() || !System.getenv("PICTIFY_SECRETS_REQUIRED").isNullOrEmpty()) fail<Unit>(msg)
            System.err.println("WARNING: SKIPPED: $msg")
            return
        }
        bao = OpenBao(binary, token).also {
            it.write("pictify", mapOf("api_key" to key))
            it.write("newline", mapOf("api_key" to key + "\n"))
        }
    }

    @AfterAll
    fun stop() {
        bao?.close()
    }

    private fun server(): OpenBao {
        assumeTrue(bao != null, "SKIPPED: bao is not installed (run `bash tests/secrets/setup.sh`)")
        return bao!!
    }

    private fun env(reference: String, vaultToken: String? = token): Map<String, String> {
        val env = mutableMapOf("PICTIFY_API_KEY" to reference, "VAULT_ADDR" to server().addr, "NODE_ENV" to "development")
        if (vaultToken != null) env["VAULT_TOKEN"] = vaultToken
        return env
    }

    private fun assertNoSecret(vararg things: Any?) {
        for (thing in things) {
            val text = thing.toString()
            for (secret in listOf(key, key.substring(12), token, wrongToken)) {
                assertFalse(text.contains(secret), "a secret in: $text")
            }
        }
    }

    @Test
    fun `checkKeys resolves the reference`() {
        val report = checkKeys(env("vault://secret/pictify"))
        assertNull(report.error)
        assertEquals(0, report.exitStatus.toInt())
        val k = report.keys.single()
        assertEquals(listOf(ref, "PICTIFY_API_KEY", fingerprint), listOf(k.origin, k.variable, k.fingerprint))
        assertEquals(Mode.TEST, k.mode)
        assertEquals(Verdict.ALLOWED, k.verdict)
        assertEquals(Environment.DEVELOPMENT, report.detection.environment)
        assertNoSecret(report, k)
    }

    @Test
    fun `loadKeys and a Client request resolve the reference`() = runBlocking {
        val loaded = loadKeys(LoadOptions(env = env("vault://secret/pictify")))
        assertEquals(listOf(ref to fingerprint), loaded.keys.map { it.origin to it.key.fingerprint() })
        assertEquals("env", loaded.source)
        assertNoSecret(loaded, *loaded.keys.toTypedArray())

        MockApi(mapOf(key to "active")).use { api ->
            val client = Client(ClientOptions(keys = LoadOptions(env = env("vault://secret/pictify")), baseUrl = api.url))
            val resp = client.request("GET", "/me", null)
            assertEquals(200.toUShort(), resp.status)
            assertEquals(ref, resp.keyOrigin)
            assertEquals(fingerprint, resp.keyFingerprint)
            assertEquals(listOf(fingerprint), client.fingerprints())
            client.reloadKeys()
            assertNoSecret(client, resp)
        }
    }

    @Test
    fun `a trailing newline stored in Vault is whitespace with the reference as origin`() {
        val env = env("vault://secret/newline")
        val report = checkKeys(env)
        val k = report.keys.single()
        assertEquals(listOf("vault://secret/newline#api_key", "whitespace"), listOf(k.origin, k.code))
        assertEquals(Verdict.MALFORMED, k.verdict)
        assertEquals(2, report.exitStatus.toInt())
        val err = assertInstanceOf(PictifyException.Format::class.java, report.error)
        assertEquals("whitespace", err.code)
        val raised = assertThrows<PictifyException.Format> { loadKeys(LoadOptions(env = env)) }
        assertEquals("whitespace", raised.code)
        assertEquals("vault://secret/newline#api_key", raised.details.origin)
        assertTrue(
            raised.toString().startsWith("[whitespace] vault://secret/newline#api_key: trailing whitespace"),
            raised.toString(),
        )
        assertNoSecret(report, k, err, raised, raised.message)
    }

    @ParameterizedTest(name = "{2}")
    @CsvSource(
        "vault://secret/missing, rootFAKEktToken, secret_not_found",
        "vault://secret/pictify, wrongFAKEktToken, secret_access_denied",
        "vault://secret/pictify, , secret_credentials_missing",
    )
    fun `failures carry the core code and name the reference`(reference: String, vaultToken: String?, code: String) {
        val env = env(reference, vaultToken)
        val report = checkKeys(env)
        assertEquals(emptyList<KeyCheck>(), report.keys)
        assertEquals(2, report.exitStatus.toInt())
        val err = assertInstanceOf(PictifyException.Source::class.java, report.error)
        assertEquals(code, err.code)
        assertTrue(err.message!!.contains(reference), err.message)
        val raised = assertThrows<PictifyException.Source> { loadKeys(LoadOptions(env = env)) }
        assertEquals(code, raised.code)
        assertTrue(raised.message!!.contains(reference), raised.message)
        val fromClient = assertThrows<PictifyException.Source> {
            Client(ClientOptions(keys = LoadOptions(env = env), baseUrl = "http://127.0.0.1:9"))
        }
        assertEquals(code, fromClient.code)
        assertNoSecret(report, err, err.message, raised, raised.message, fromClient, fromClient.message)
    }

    private fun baoBinary(): File? {
        val root = Vectors.vectorsDir.absoluteFile.parentFile.parentFile
        val venv = System.getenv("PICTIFY_SECRETS_VENV")?.let(::File) ?: File(root, "target/secrets-venv")
        return File(venv, "bin/bao").takeIf { it.canExecute() }
    }
}

/** `bao server -dev` on a free loopback port (it also listens on port + 1), with a root token. */
class OpenBao(binary: File, private val token: String) : AutoCloseable {
    private val process: Process
    val addr: String

    init {
        val port = freePortPair()
        addr = "http://127.0.0.1:$port"
        process = ProcessBuilder(
            binary.path, "server", "-dev", "-dev-root-token-id=$token", "-dev-listen-address=127.0.0.1:$port",
        ).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
        while (!healthy()) {
            if (System.nanoTime() > deadline || !process.isAlive) {
                close()
                error("OpenBao did not become ready at $addr")
            }
            Thread.sleep(50)
        }
    }

    private fun healthy(): Boolean = try {
        val conn = URI("$addr/v1/sys/health").toURL().openConnection() as HttpURLConnection
        conn.connectTimeout = 2_000
        conn.readTimeout = 2_000
        conn.responseCode == 200
    } catch (e: java.io.IOException) {
        false
    }

    /** Writes [data] as the next version of KV v2 secret `secret/[path]`. */
    fun write(path: String, data: Map<String, String>) {
        val conn = URI("$addr/v1/secret/data/$path").toURL().openConnection() as HttpURLConnection
        conn.requestMethod = "POST"
        conn.doOutput = true
        conn.setRequestProperty("X-Vault-Token", token)
        conn.setRequestProperty("Content-Type", "application/json")
        val body = com.google.gson.JsonObject().apply {
            add("data", com.google.gson.JsonObject().apply { data.forEach { (k, v) -> addProperty(k, v) } })
        }
        conn.outputStream.use { it.write(body.toString().toByteArray()) }
        check(conn.responseCode == 200) { "OpenBao write of $path answered ${conn.responseCode}" }
    }

    override fun close() {
        process.destroyForcibly()
        process.waitFor(10, TimeUnit.SECONDS)
    }

    private companion object {
        fun freePortPair(): Int {
            while (true) {
                ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { a ->
                    val port = a.localPort
                    if (port >= 65535) return@use
                    try {
                        ServerSocket(port + 1, 1, java.net.InetAddress.getLoopbackAddress()).use { return port }
                    } catch (e: java.io.IOException) {
                        // taken: try another pair
                    }
                }
            }
        }
    }
}
