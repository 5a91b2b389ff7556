package io.pictify.keys

import com.google.gson.JsonElement
import com.google.gson.JsonParser
import java.io.File
import java.net.HttpURLConnection
import java.net.URI
import java.util.concurrent.TimeUnit

/** tests/mock-api on a free loopback port (the real server binary), with its admin API. */
class MockApi(keys: Map<String, String>) : AutoCloseable {
    private val process: Process
    val url: String

    init {
        val bin = System.getProperty("pictify.mock.api.bin")
            ?: error("system property pictify.mock.api.bin is not set (run the tests with `just kotlin test`)")
        check(File(bin).canExecute()) { "the mock API binary $bin is missing: cargo build --release -p pictify-mock-api" }
        val args = mutableListOf(bin, "--exit-on-stdin-close")
        keys.forEach { (key, status) -> args += listOf("--key", "$key=$status") }
        process = ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.INHERIT).start()
        url = process.inputStream.bufferedReader().readLine()?.trim().orEmpty()
        check(url.startsWith("http://127.0.0.1:")) { "mock API did not print its URL: '$url'" }
    }

    fun admin(method: String, path: String, body: String? = null): JsonElement {
        val conn = URI(url + path).toURL().openConnection() as HttpURLConnection
        conn.requestMethod = method
        conn.connectTimeout = 10_000
        conn.readTimeout = 10_000
        if (body != null) {
            conn.doOutput = true
            conn.setRequestProperty("Content-Type", "application/json")
            conn.outputStream.use { it.write(body.toByteArray()) }
        }
        return conn.inputStream.use { JsonParser.parseString(it.readBytes().decodeToString()) }
    }

    override fun close() {
        process.outputStream.close()
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly()
    }
}
