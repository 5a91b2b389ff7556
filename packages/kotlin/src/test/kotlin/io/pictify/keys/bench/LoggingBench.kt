package io.pictify.keys.bench

import ch.qos.logback.classic.LoggerContext
import ch.qos.logback.classic.joran.JoranConfigurator
import java.io.File
import java.lang.management.ManagementFactory

/*
 * `just kotlin bench-logging`: one million log records through SLF4J + Logback into a file
 * appender writing to /dev/null, the same appender and pattern with and without the one-line
 * integration (`<conversionRule conversionWord="msg" class="…RedactingMessageConverter"/>`).
 * Records: 80 % without a key, 20 % with one (half in the message text, half as an argument).
 * Each configuration runs three times, alternating; the best run of each is reported, with
 * thread CPU time. Prints a Markdown table for docs/benchmarks.md. No figure is asserted.
 */

private const val RECORDS = 1_000_000

private fun context(redacting: Boolean): LoggerContext {
    val rule = if (redacting) {
        """<conversionRule conversionWord="msg" class="io.pictify.keys.logback.RedactingMessageConverter"/>"""
    } else {
        ""
    }
    val xml = """
        <configuration>
          $rule
          <appender name="FILE" class="ch.qos.logback.core.FileAppender">
            <file>/dev/null</file>
            <immediateFlush>false</immediateFlush>
            <encoder><pattern>%d{HH:mm:ss.SSS} [%thread] %-5level %logger - %msg%n</pattern></encoder>
          </appender>
          <root level="INFO"><appender-ref ref="FILE"/></root>
        </configuration>
    """.trimIndent()
    val context = LoggerContext()
    // A context of its own (not the SLF4J binding's) needs its MDC adapter set.
    context.setMDCAdapter(ch.qos.logback.classic.util.LogbackMDCAdapter())
    JoranConfigurator().apply { this.context = context }.doConfigure(xml.byteInputStream())
    return context
}

fun main(args: Array<String>) {
    val root = File(args.firstOrNull() ?: "../..")
    val keys = Regex("\"(pk_(?:live|test)_FAKE[0-9A-Za-z]+)\"")
        .findAll(File(root, "tests/vectors/rotation.json").readText())
        .map { it.groupValues[1] }.distinct().toList()
    check(keys.isNotEmpty()) { "no fixture keys found under $root/tests/vectors" }
    val threads = ManagementFactory.getThreadMXBean()
    val load = File("/proc/loadavg").readText().split(" ").take(3).joinToString(" ")
    val cpu = File("/proc/cpuinfo").readLines().firstOrNull { it.startsWith("model name") }?.substringAfter(":")?.trim()
    println("CPU: $cpu, ${Runtime.getRuntime().availableProcessors()} processors; JVM ${System.getProperty("java.version")}; load before: $load")

    fun run(redacting: Boolean): Pair<Long, Long> {
        val context = context(redacting)
        val log = context.getLogger("io.pictify.app.Render")
        val c0 = threads.currentThreadCpuTime
        val t0 = System.nanoTime()
        for (i in 0 until RECORDS) {
            when (i % 10) {
                3 -> log.info("calling the API with key={} path={}", keys[i % keys.size], "/v1/render")
                7 -> log.warn("retrying: Authorization: Bearer ${keys[i % keys.size]} attempt={}", i % 3)
                else -> log.info("GET /v1/render id={} status={} ms={}", i, 200, 3 + i % 900)
            }
        }
        val t1 = System.nanoTime()
        val c1 = threads.currentThreadCpuTime
        context.stop()
        return (t1 - t0) to (c1 - c0)
    }

    // Warm-up of both paths, then three alternating rounds.
    run(false); run(true)
    var plain = Long.MAX_VALUE to Long.MAX_VALUE
    var redacted = Long.MAX_VALUE to Long.MAX_VALUE
    repeat(3) {
        val p = run(false)
        val r = run(true)
        plain = minOf(plain.first, p.first) to minOf(plain.second, p.second)
        redacted = minOf(redacted.first, r.first) to minOf(redacted.second, r.second)
    }
    println("load after: ${File("/proc/loadavg").readText().split(" ").take(3).joinToString(" ")}")
    println()
    println("| 1,000,000 records (80 % without a key) | wall | CPU | per record (CPU) |")
    println("| --- | --- | --- | --- |")
    for ((label, t) in listOf("Logback, `%msg`" to plain, "Logback + `RedactingMessageConverter` as `%msg`" to redacted)) {
        println("| $label | " + "%.0f ms | %.0f ms | %.0f ns |".format(t.first / 1e6, t.second / 1e6, t.second.toDouble() / RECORDS))
    }
    println(
        "| overhead | %+.0f ns/record | %+.0f ns/record (CPU) | %.0f %% (CPU) |".format(
            (redacted.first - plain.first).toDouble() / RECORDS,
            (redacted.second - plain.second).toDouble() / RECORDS,
            100.0 * (redacted.second - plain.second) / plain.second,
        ),
    )
}
