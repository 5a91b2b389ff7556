package io.pictify.keys.bench

import io.pictify.keys.ApiKey
import io.pictify.keys.JniHotCalls
import io.pictify.keys.core.ManualClock
import io.pictify.keys.PictifyException
import io.pictify.keys.parse
import io.pictify.keys.redact
import io.pictify.keys.redactUniffi
import java.io.File
import java.lang.management.ManagementFactory

/*
 * `just kotlin bench`: the Kotlin package (the packaged jar, native library inside) against the
 * JVM's own regex, in one run, both sides seconds apart in the same process:
 *   1. ApiKey.parse (valid key, then a key with a trailing newline) vs Regex.matches;
 *   2. redact on a 10 MB log (one key per KB, and no key) vs String.replace(Regex, transform);
 *   3. redact per 200-byte line (one call per line, with a key and without) vs the same replace
 *      per line.
 * `redact`, `containsSecret` and `ApiKey.parse` go over JNI (JniHotCalls); the UniFFI (JNA) path
 * of the same calls (`redactUniffi`, `parseUniffi`) is measured beside them, and the floor of a
 * JNI call (an empty byte array through `JniHotCalls.containsSecret`).
 * Prints a Markdown table for docs/benchmarks.md with wall and thread CPU time (the native
 * code runs on the calling thread, so CPU time covers it). No figure is asserted anywhere.
 */

private val threads = ManagementFactory.getThreadMXBean()

/** Best wall and best CPU time (ns) of [repeat] runs of [block]. */
private class Timing(val wallNs: Long, val cpuNs: Long)

private fun best(repeat: Int, block: () -> Unit): Timing {
    var wall = Long.MAX_VALUE
    var cpu = Long.MAX_VALUE
    repeat(repeat) {
        val c0 = threads.currentThreadCpuTime
        val t0 = System.nanoTime()
        block()
        val t1 = System.nanoTime()
        val c1 = threads.currentThreadCpuTime
        wall = minOf(wall, t1 - t0)
        cpu = minOf(cpu, c1 - c0)
    }
    return Timing(wall, cpu)
}

/** The baseline validation: the format rule alone (prefix, mode, base62 body of 16 to 128). */
private val formatRegex = Regex("pk_(live|test)_[0-9A-Za-z]{16,128}")

/** The baseline redaction: the naive pattern, replaced by the same fingerprint the core prints. */
private val naiveRegex = Regex("pk_(live|test)_[0-9A-Za-z]+")

private fun naiveRedact(text: String): String =
    naiveRegex.replace(text) { m -> "pk_${m.groupValues[1]}_****${m.value.takeLast(4)}" }

/** About [size] bytes of log lines of ~100 bytes; with [keys], one key on every tenth line. */
private fun makeLog(size: Int, keys: List<String>): String {
    val sb = StringBuilder(size + 256)
    var n = 0
    while (sb.length < size) {
        sb.append("2026-11-27T14:%02d:00Z INFO request id=%08d path=/v1/render status=200 ms=%d".format(n % 60, n, 3 + (n * 37) % 900))
        if (keys.isNotEmpty() && n % 10 == 0) sb.append(" auth=").append(keys[(n / 10) % keys.size])
        sb.append('\n')
        n++
    }
    return sb.toString()
}

/** 200-byte lines, each with one key. */
private fun makeLines(count: Int, keys: List<String>): List<String> = List(count) { n ->
    val head = "2026-11-27T14:%02d:00Z INFO POST /v1/render id=%08d auth=%s status=200 ".format(n % 60, n, keys[n % keys.size])
    head + "x".repeat(maxOf(0, 199 - head.length)) + "\n"
}

/** 200-byte lines without a key, each holding the trigger `key=` so the core has a candidate to look at. */
private fun makeCleanLines(count: Int): List<String> = List(count) { n ->
    val head = "2026-11-27T14:%02d:00Z INFO POST /v1/render id=%08d cache_key=r%06d status=200 ".format(n % 60, n, n)
    head + "x".repeat(maxOf(0, 199 - head.length)) + "\n"
}

private fun loadavg(): String = File("/proc/loadavg").takeIf { it.exists() }?.readText()?.split(" ")?.take(3)?.joinToString(" ") ?: "n/a"

private fun cpuModel(): String = File("/proc/cpuinfo").takeIf { it.exists() }?.readLines()
    ?.firstOrNull { it.startsWith("model name") }?.substringAfter(":")?.trim() ?: System.getProperty("os.arch")

fun main(args: Array<String>) {
    val root = File(args.firstOrNull() ?: "../..")
    // Fixture keys (fake, marked FAKE) from the shared vectors.
    val keys = Regex("\"(pk_(?:live|test)_FAKE[0-9A-Za-z]+)\"")
        .findAll(File(root, "tests/vectors/rotation.json").readText())
        .map { it.groupValues[1] }.distinct().toList()
    check(keys.size >= 2) { "no fixture keys found under $root/tests/vectors" }
    val loadBefore = loadavg()
    println("CPU: ${cpuModel()}, ${Runtime.getRuntime().availableProcessors()} processors; JVM ${System.getProperty("java.vm.name")} ${System.getProperty("java.version")}")
    println("load average before: $loadBefore")

    val rows = mutableListOf<List<String>>()
    fun row(measure: String, ours: String, baseline: String, ratio: String) {
        rows += listOf(measure, ours, baseline, ratio)
    }

    // 1. Parsing. Warm the JIT on both sides first.
    val valid = keys[0]
    val bad = keys[0] + "\n"
    var sink = 0
    repeat(50_000) { ApiKey.parse(valid).close(); if (formatRegex.matches(valid)) sink++ }
    val parseN = 50_000
    val parse = best(5) { repeat(parseN) { ApiKey.parse(valid).close() } }
    val regex = best(5) { repeat(parseN) { if (formatRegex.matches(valid)) sink++ } }
    row(
        "`ApiKey.parse` (valid key, then `close()`)",
        "%.0f ns/call (CPU %.0f)".format(parse.wallNs.toDouble() / parseN, parse.cpuNs.toDouble() / parseN),
        "%.0f ns/call (CPU %.0f), `Regex.matches`".format(regex.wallNs.toDouble() / parseN, regex.cpuNs.toDouble() / parseN),
        "%.1fx the regex time".format(parse.cpuNs.toDouble() / regex.cpuNs),
    )
    check(JniHotCalls.available) { "the JNI methods did not load" }
    repeat(20_000) { ApiKey.parseUniffi(valid).close() }
    val parseU = best(5) { repeat(parseN / 10) { ApiKey.parseUniffi(valid).close() } }
    row(
        "`ApiKey.parseUniffi` (the UniFFI/JNA path, valid key, then `close()`)",
        "%.0f ns/call (CPU %.0f)".format(parseU.wallNs.toDouble() / (parseN / 10), parseU.cpuNs.toDouble() / (parseN / 10)),
        "%.0f ns/call (CPU %.0f), `Regex.matches`".format(regex.wallNs.toDouble() / parseN, regex.cpuNs.toDouble() / parseN),
        "%.1fx the regex time".format((parseU.cpuNs.toDouble() / (parseN / 10)) / (regex.cpuNs.toDouble() / parseN)),
    )
    // Parsing without close(): the handle is released later by the Cleaner (one UniFFI call on its thread).
    val parseOpen = best(5) { repeat(parseN) { sink += ApiKey.parse(valid).hashCode() } }
    row(
        "`ApiKey.parse` (valid key, left to the Cleaner)",
        "%.0f ns/call (CPU %.0f)".format(parseOpen.wallNs.toDouble() / parseN, parseOpen.cpuNs.toDouble() / parseN),
        "%.0f ns/call (CPU %.0f), `Regex.matches`".format(regex.wallNs.toDouble() / parseN, regex.cpuNs.toDouble() / parseN),
        "%.1fx the regex time".format(parseOpen.cpuNs.toDouble() / regex.cpuNs),
    )
    System.gc()
    val empty = ByteArray(0)
    repeat(200_000) { if (JniHotCalls.containsSecret(empty)) sink++ }
    val jniFloor = best(5) { repeat(parseN * 4) { if (JniHotCalls.containsSecret(empty)) sink++ } }
    row(
        "JNI call floor (`JniHotCalls.containsSecret` of an empty array)",
        "%.0f ns/call (CPU %.0f)".format(jniFloor.wallNs.toDouble() / (parseN * 4), jniFloor.cpuNs.toDouble() / (parseN * 4)),
        "-",
        "-",
    )
    // The floor of any UniFFI call from Kotlin (JNA direct mapping, a call-status structure per
    // call): a method with no argument to lower and a u64 to lift.
    val clock = ManualClock(0u)
    repeat(50_000) { sink += clock.nowMs().toInt() }
    val floor = best(5) { repeat(parseN) { sink += clock.nowMs().toInt() } }
    row(
        "UniFFI call floor (`ManualClock.nowMs()`, no string)",
        "%.0f ns/call (CPU %.0f)".format(floor.wallNs.toDouble() / parseN, floor.cpuNs.toDouble() / parseN),
        "-",
        "-",
    )
    val badN = 20_000
    fun parseBad() = try { ApiKey.parse(bad).close() } catch (e: PictifyException) { sink++ }
    fun regexBad() = if (!formatRegex.matches(bad)) sink++ else sink--
    repeat(5_000) { parseBad(); regexBad() }
    val parseErr = best(5) { repeat(badN) { parseBad() } }
    val regexErr = best(5) { repeat(badN) { regexBad() } }
    row(
        "`ApiKey.parse` (trailing newline, throws `PictifyException.Format`)",
        "%.0f ns/call (CPU %.0f)".format(parseErr.wallNs.toDouble() / badN, parseErr.cpuNs.toDouble() / badN),
        "%.0f ns/call (CPU %.0f), `Regex.matches` false".format(regexErr.wallNs.toDouble() / badN, regexErr.cpuNs.toDouble() / badN),
        "%.1fx the regex time".format(parseErr.cpuNs.toDouble() / regexErr.cpuNs),
    )

    // 2. A 10 MB log, whole.
    for ((label, withKeys) in listOf("one key per KB" to true, "no key" to false)) {
        val log = makeLog(10 * 1024 * 1024, if (withKeys) keys else emptyList())
        val mb = log.length / 1e6
        check(redact(log) == naiveRedact(log)) { "the core and the regex baseline disagree on the $label log" }
        repeat(2) { redact(log); naiveRedact(log) }
        val ours = best(5) { redact(log) }
        val base = best(5) { naiveRedact(log) }
        row(
            "`redact`, 10 MB log, $label",
            "%.1f ms (%.0f MB/s; CPU %.1f ms)".format(ours.wallNs / 1e6, mb / (ours.wallNs / 1e9), ours.cpuNs / 1e6),
            "%.1f ms (%.0f MB/s; CPU %.1f ms)".format(base.wallNs / 1e6, mb / (base.wallNs / 1e9), base.cpuNs / 1e6),
            "%.2fx faster (CPU)".format(base.cpuNs.toDouble() / ours.cpuNs),
        )
    }

    // 3. One call per 200-byte line.
    val lines = makeLines(20_000, keys)
    check(lines.all { it.length == 200 }) { "lines are not 200 bytes" }
    check(lines.all { redact(it) == naiveRedact(it) }) { "the core and the regex baseline disagree on a line" }
    repeat(2) { for (l in lines) { sink += redact(l).length; sink += naiveRedact(l).length } }
    val oursLine = best(5) { for (l in lines) sink += redact(l).length }
    val baseLine = best(5) { for (l in lines) sink += naiveRedact(l).length }
    row(
        "`redact`, one 200-byte line with a key",
        "%.0f ns/line (CPU %.0f)".format(oursLine.wallNs.toDouble() / lines.size, oursLine.cpuNs.toDouble() / lines.size),
        "%.0f ns/line (CPU %.0f)".format(baseLine.wallNs.toDouble() / lines.size, baseLine.cpuNs.toDouble() / lines.size),
        "%.2fx faster (CPU)".format(baseLine.cpuNs.toDouble() / oursLine.cpuNs),
    )

    val uniffiLine = best(3) { for (l in lines.subList(0, 2_000)) sink += redactUniffi(l).length }
    row(
        "`redactUniffi` (the UniFFI/JNA path), one 200-byte line with a key",
        "%.0f ns/line (CPU %.0f)".format(uniffiLine.wallNs.toDouble() / 2_000, uniffiLine.cpuNs.toDouble() / 2_000),
        "%.0f ns/line (CPU %.0f)".format(baseLine.wallNs.toDouble() / lines.size, baseLine.cpuNs.toDouble() / lines.size),
        "%.2fx faster (CPU)".format((baseLine.cpuNs.toDouble() / lines.size) / (uniffiLine.cpuNs.toDouble() / 2_000)),
    )
    val clean = makeCleanLines(20_000)
    check(clean.all { it.length == 200 && redact(it) === it && naiveRedact(it) == it }) { "a clean line changed" }
    repeat(2) { for (l in clean) { sink += redact(l).length; sink += naiveRedact(l).length } }
    val oursClean = best(5) { for (l in clean) sink += redact(l).length }
    val baseClean = best(5) { for (l in clean) sink += naiveRedact(l).length }
    row(
        "`redact`, one 200-byte line without a key (holds `key=`)",
        "%.0f ns/line (CPU %.0f)".format(oursClean.wallNs.toDouble() / clean.size, oursClean.cpuNs.toDouble() / clean.size),
        "%.0f ns/line (CPU %.0f)".format(baseClean.wallNs.toDouble() / clean.size, baseClean.cpuNs.toDouble() / clean.size),
        "%.2fx faster (CPU)".format(baseClean.cpuNs.toDouble() / oursClean.cpuNs),
    )

    println("load average after: ${loadavg()}")
    println()
    println("| measure | io.pictify:pictify-keys | Kotlin baseline | ratio |")
    println("| --- | --- | --- | --- |")
    for (r in rows) println("| ${r.joinToString(" | ")} |")
    if (sink == Int.MIN_VALUE) println(sink) // keeps the JIT from dropping the baseline loops
}
