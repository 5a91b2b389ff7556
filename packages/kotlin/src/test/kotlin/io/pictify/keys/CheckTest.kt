package io.pictify.keys

import io.pictify.keys.core.*
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import java.io.File

/** The demo scenario (the examples/check .env files) through parseDotenv + checkKeys. */
class CheckTest {
    /** Expected (exit status, verdict codes in key order) per example file. */
    private val expected = mapOf(
        "1-laptop-test-key.env" to (0 to listOf<String?>(null)),
        "2-laptop-live-key.env" to (1 to listOf("live_key_in_development")),
        "3-production-test-key.env" to (1 to listOf("test_key_in_production")),
        "4-vercel-preview-live-key.env" to (1 to listOf("live_key_in_development")),
        "5-trailing-newline.env" to (2 to listOf("whitespace")),
        "6-quoted-value.env" to (2 to listOf("quoted")),
        "7-stripe-key.env" to (2 to listOf("foreign_key")),
        "8-docs-placeholder.env" to (2 to listOf("placeholder")),
        "9-rotation.env" to (0 to listOf(null, null)),
    )

    @TestFactory
    fun `example environments`(): List<DynamicTest> {
        val files = File(Vectors.examplesDir, "check").listFiles { f -> f.name.endsWith(".env") }!!.sortedBy { it.name }
        assertEquals(expected.keys.sorted(), files.map { it.name })
        return files.map { file ->
            dynamicTest(file.name) {
                val (exit, codes) = expected.getValue(file.name)
                val report = checkEnvFile(file.readText(), file.path)
                assertEquals(exit, report.exitStatus.toInt())
                assertEquals(codes, report.keys.map { it.code })
                report.keys.forEach { assertTrue(it.origin.startsWith("env-file:${file.path}:PICTIFY_API_KEY")) }
                when (exit) {
                    0 -> assertNull(report.error)
                    1 -> assertInstanceOf(PictifyException.Environment::class.java, report.error)
                    else -> assertInstanceOf(PictifyException.Format::class.java, report.error)
                }
                assertEquals(codes.firstOrNull { it != null }, report.error?.code)
            }
        }
    }

    @Test
    fun `rotation keeps the variables in priority order`() {
        val report = checkEnvFile(File(Vectors.examplesDir, "check/9-rotation.env").readText(), "9-rotation.env")
        assertEquals(listOf("PICTIFY_API_KEY_NEW", "PICTIFY_API_KEY_OLD"), report.keys.map { it.variable })
        assertEquals(listOf(Mode.LIVE, Mode.LIVE), report.keys.map { it.mode })
        assertEquals(Environment.PRODUCTION, report.detection.environment)
        assertEquals(Verdict.ALLOWED, report.keys[0].verdict)
    }

    @Test
    fun `no key anywhere is a Source error with code no_key`() {
        val report = checkKeys(mapOf("NODE_ENV" to "production"))
        assertEquals(2, report.exitStatus.toInt())
        assertEquals(emptyList<KeyCheck>(), report.keys)
        val error = assertInstanceOf(PictifyException.Source::class.java, report.error)
        assertEquals("no_key", error.code)
    }

    @Test
    fun `an explicit environment overrides detection`() {
        val vars = mapOf("NODE_ENV" to "production", "PICTIFY_API_KEY" to "pk_test_FAKEyrNktBXtnjfObINf5AjxvUlKsiC4")
        assertEquals(1, checkKeys(vars).exitStatus.toInt())
        val report = checkKeys(vars, "env", Detection(Environment.DEVELOPMENT), null)
        assertEquals(0, report.exitStatus.toInt())
        assertEquals(Environment.DEVELOPMENT, report.detection.environment)
        assertNull(report.detection.variable)
    }

    @Test
    fun `a relaxed policy turns a refusal into a warning`() {
        val vars = mapOf("NODE_ENV" to "development", "PICTIFY_API_KEY" to "pk_live_FAKE7YeEEBY3ABp3e2zS8iq9")
        val report = checkKeys(vars, policy = Policy(allowLiveOutsideProduction = true))
        assertEquals(0, report.exitStatus.toInt())
        assertEquals(Verdict.WARNING, report.keys.single().verdict)
        assertEquals("relaxed_policy", report.keys.single().code)
    }

    @Test
    fun `a broken env file is a Source error with its position`() {
        val e = assertThrows<PictifyException.Source> { parseDotenv("NODE_ENV=production\nPICTIFY_API_KEY=\"unterminated\n") }
        assertEquals("env_file_syntax", e.code)
        assertTrue(e.detail.contains("line"), e.detail)
    }

    @Test
    fun `parseDotenv reads the core's syntax into a map`() {
        val vars = parseDotenv("# c\nexport NODE_ENV=development\nA='x y'\nB=\"1\\n2\"\n")
        assertEquals(mapOf("NODE_ENV" to "development", "A" to "x y", "B" to "1\n2"), vars)
    }
}
