package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import java.io.File

/** The shared vectors in tests/vectors, located by the `pictify.vectors.dir` system property. */
object Vectors {
    private fun dir(property: String): File {
        val path = System.getProperty(property)
            ?: error("system property $property is not set (run the tests with `just kotlin test`)")
        val dir = File(path)
        check(dir.isDirectory) { "$property=$path is not a directory" }
        return dir
    }

    val vectorsDir: File get() = dir("pictify.vectors.dir")
    val examplesDir: File get() = dir("pictify.examples.dir")

    fun load(name: String): JsonObject =
        JsonParser.parseString(File(vectorsDir, name).readText(Charsets.UTF_8)).asJsonObject

    fun cases(name: String, field: String = "cases"): List<JsonObject> =
        load(name).getAsJsonArray(field).map { it.asJsonObject }
}

fun JsonObject.str(name: String): String? = get(name)?.takeUnless(JsonElement::isJsonNull)?.asString
fun JsonObject.int(name: String): Int? = get(name)?.takeUnless(JsonElement::isJsonNull)?.asInt
fun JsonObject.bool(name: String): Boolean = get(name)?.takeUnless(JsonElement::isJsonNull)?.asBoolean ?: false
fun JsonObject.stringMap(name: String): Map<String, String> =
    getAsJsonObject(name).entrySet().associate { (k, v) -> k to v.asString }

fun modeOf(name: String): Mode = when (name) {
    "live" -> Mode.LIVE
    "test" -> Mode.TEST
    else -> error("unknown mode $name in a vector")
}

/**
 * The vectors' secrecy rule: no 5-character run of the input from the FAKE marker on may
 * appear in [text].
 */
fun assertNoSecret(input: String, text: String) {
    val start = input.indexOf("FAKE")
    if (start < 0) return
    val secret = input.substring(start)
    for (i in 0..secret.length - 5) {
        val run = secret.substring(i, i + 5)
        check(!text.contains(run)) { "output leaks part of the secret ('$run'): $text" }
    }
}
