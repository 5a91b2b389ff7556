package io.pictify.keys.demo

import io.pictify.keys.CheckReport
import io.pictify.keys.core.Environment
import io.pictify.keys.PictifyException
import io.pictify.keys.core.Verdict
import io.pictify.keys.checkEnvFile
import io.pictify.keys.checkKeys
import io.pictify.keys.code
import io.pictify.keys.detail
import java.io.File

/**
 * The demo scenario from Kotlin: each the examples/check .env files file through `checkEnvFile`
 * (the core's .env parser and `check_keys`), printed like `pictify-keys check`.
 *
 * Run from the packaged jar (`just kotlin demo`), so it also shows that the jar loads the
 * native library it carries.
 */
fun main(args: Array<String>) {
    println("== pictify-keys check (Kotlin, io.pictify.keys) ==")
    for (path in args) {
        val file = File(path)
        println()
        println("# ${file.name}: ${file.readLines().firstOrNull().orEmpty().removePrefix("# ")}")
        val status = try {
            val report = checkEnvFile(file.readText(), path)
            printReport(report)
            report.exitStatus.toInt()
        } catch (e: PictifyException) {
            println("error[${e.code}]: ${e.detail}")
            2
        }
        println("(exit $status)")
    }
    println()
    println("# With no variables at all:")
    val empty = checkKeys(emptyMap())
    printReport(empty)
    println("(exit ${empty.exitStatus})")
}

private fun environmentLabel(report: CheckReport): String {
    val d = report.detection
    return when {
        d.variable != null -> "${d.environment.name.lowercase()} (${d.variable}=${d.value})"
        d.environment == Environment.UNKNOWN -> "unknown (no environment variable set)"
        else -> "${d.environment.name.lowercase()} (explicit)"
    }
}

private fun printReport(report: CheckReport) {
    val env = environmentLabel(report)
    val width = report.keys.maxOfOrNull { it.origin.length } ?: 0
    for (k in report.keys) {
        val key = if (k.fingerprint != null) "${k.fingerprint}  ${k.mode!!.name.lowercase()}" else "(malformed)"
        val verdict = k.verdict.name.lowercase() + (k.code?.let { " [$it]" } ?: "")
        println("${k.origin.padEnd(width)}  $key  $env  $verdict")
    }
    for (k in report.keys) {
        val level = if (k.verdict == Verdict.WARNING) "warning" else "error"
        if (k.code != null) println("$level[${k.code}]: ${k.origin}: ${k.message}")
    }
    if (report.keys.isEmpty()) report.error?.let { println("error[${it.code}]: ${it.detail}") }
}
