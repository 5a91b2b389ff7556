package io.pictify.keys.logback

import ch.qos.logback.classic.LoggerContext
import ch.qos.logback.classic.joran.JoranConfigurator
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File

/**
 * The converters as a user configures them: a real logback.xml read by Joran, a file appender,
 * records logged through SLF4J.
 */
class LogbackTest {
    private val key = "pk_live_FAKE3Wwd25rq4f5zra1b2"

    /** Logs through a context configured by [xml] (`FILE` is the log file); returns what was written. */
    private fun logged(xml: String, block: (org.slf4j.Logger) -> Unit): String {
        val file = File.createTempFile("pictify-logback", ".log")
        try {
            val context = LoggerContext()
            // A context of its own (not the SLF4J binding's) needs its MDC adapter set.
            context.setMDCAdapter(ch.qos.logback.classic.util.LogbackMDCAdapter())
            JoranConfigurator().apply { this.context = context }
                .doConfigure(xml.replace("FILE_PATH", file.absolutePath).byteInputStream())
            block(context.getLogger("app"))
            context.stop()
            val problems = context.statusManager.copyOfStatusList.filter { it.level >= ch.qos.logback.core.status.Status.WARN }
            check(problems.isEmpty()) { "logback configuration problems: $problems" }
            return file.readText(Charsets.UTF_8)
        } finally {
            file.delete()
        }
    }

    private fun config(rules: String, pattern: String) = """
        <configuration>
          $rules
          <appender name="OUT" class="ch.qos.logback.core.FileAppender">
            <file>FILE_PATH</file>
            <encoder><pattern>$pattern</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="OUT"/></root>
        </configuration>
    """.trimIndent()

    @Test
    fun `one conversion rule redacts every msg of the pattern, message and arguments`() {
        val xml = config(
            """<conversionRule conversionWord="msg" class="io.pictify.keys.logback.RedactingMessageConverter"/>""",
            "%level %msg%n",
        )
        val text = logged(xml) { log ->
            log.info("calling with key=$key")
            log.info("auth header {} for {}", "Bearer $key", "render")
            log.info("GET /v1/render status={} ms={}", 200, 41)
        }
        assertEquals(
            listOf(
                "INFO calling with key=pk_live_****a1b2",
                "INFO auth header Bearer pk_live_****a1b2 for render",
                "INFO GET /v1/render status=200 ms=41",
            ),
            text.lines().filter { it.isNotEmpty() },
        )
        assertFalse(text.contains("FAKE3Wwd"))
    }

    @Test
    fun `a word of its own with a style option, and the throwable converter`() {
        val xml = config(
            """
            <conversionRule conversionWord="redactedMsg" class="io.pictify.keys.logback.RedactingMessageConverter"/>
            <conversionRule conversionWord="ex" class="io.pictify.keys.logback.RedactingThrowableConverter"/>
            """,
            "%redactedMsg{redacted} | %msg%n%ex",
        )
        val text = logged(xml) { log ->
            log.info("token {}", key)
            log.error("call failed", IllegalStateException("401 for https://api.example/v1?api_key=$key"))
        }
        val lines = text.lines()
        assertEquals("token [REDACTED] | token $key", lines[0])
        assertEquals("call failed | call failed", lines[1])
        assertEquals("java.lang.IllegalStateException: 401 for https://api.example/v1?api_key=pk_live_****a1b2", lines[2])
        assertTrue(lines.drop(2).none { it.contains("FAKE3Wwd") }, text)
    }

    @Test
    fun `an unknown style is refused with a code`() {
        val e = runCatching { styleOption("loud") }.exceptionOrNull()
        assertEquals("[invalid_argument] style must be \"fingerprint\", \"redacted\" or \"mask\"", e?.message)
    }
}
