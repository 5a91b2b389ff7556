package io.pictify.keys

import io.pictify.keys.core.*
import com.google.gson.JsonObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows

/** Every case of tests/vectors/environments.json: detection from a map and the policy. */
class EnvironmentVectorsTest {
    private val liveKey = ApiKey.parse(Vectors.cases("keys.json").first { it.bool("valid") && it.str("mode") == "live" }.str("input")!!)
    private val testKey = ApiKey.parse(Vectors.cases("keys.json").first { it.bool("valid") && it.str("mode") == "test" }.str("input")!!)

    private fun environmentOf(name: String): Environment =
        environmentFromName(name) ?: error("unknown environment $name in a vector")

    /** The verdict as the vectors write it: `allowed`, a warning code or an error code. */
    private fun verdictOf(check: () -> Allowed): String =
        try {
            check().warning?.code() ?: "allowed"
        } catch (e: PictifyException.Environment) {
            e.code
        }

    @TestFactory
    fun `environments json detection and strict policy`(): List<DynamicTest> =
        Vectors.cases("environments.json").map { case ->
            dynamicTest(case.str("name")!!) {
                val detection = detectEnvironment(case.stringMap("env"))
                assertEquals(environmentOf(case.str("environment")!!), detection.environment)
                assertEquals(case.str("variable"), detection.variable)
                assertEquals(case.str("value"), detection.value)
                for ((mode, key) in listOf("live" to liveKey, "test" to testKey)) {
                    val expected = case.str(mode)!!
                    assertEquals(expected, verdictOf { checkEnvironment(key, detection, Policy()) }, "$mode key")
                    assertEquals(expected, verdictOf { checkMode(modeOf(mode), detection, Policy()) }, "$mode mode")
                }
                checkRefusalFields(case, detection)
            }
        }

    /** A refusal carries the environment and the variable that decided it. */
    private fun checkRefusalFields(case: JsonObject, detection: Detection) {
        val refusedKey = when {
            case.str("live") == "live_key_in_development" -> liveKey
            case.str("test") == "test_key_in_production" -> testKey
            else -> return
        }
        val e = assertThrows<PictifyException.Environment> { checkEnvironment(refusedKey, detection, Policy()) }
        assertEquals(detection.environment.name.lowercase(), e.details.environment)
        assertEquals(case.str("variable"), e.details.variable)
        assertEquals(case.str("value"), e.details.value)
        assertNoSecret(refusedKey.reveal(), e.toString()) // EXPOSE: the test checks the message hides it.
    }

    @TestFactory
    fun `environments json policy cases`(): List<DynamicTest> =
        Vectors.cases("environments.json", "policy_cases").map { case ->
            dynamicTest(case.str("name")!!) {
                val relax = case.getAsJsonObject("policy")
                val policy = Policy(
                    allowLiveOutsideProduction = relax.bool("allow_live_outside_production"),
                    allowTestInProduction = relax.bool("allow_test_in_production"),
                )
                val detection = Detection(environmentOf(case.str("environment")!!))
                val mode = modeOf(case.str("mode")!!)
                assertEquals(case.str("verdict"), verdictOf { checkMode(mode, detection, policy) })
                val key = if (mode == Mode.LIVE) liveKey else testKey
                assertEquals(case.str("verdict"), verdictOf { checkEnvironment(key, detection, policy) })
            }
        }

    @org.junit.jupiter.api.Test
    fun `unknown environment names are null, not a crash`() {
        assertNull(environmentFromName("prod"))
        assertNull(environmentFromName(""))
        assertEquals(Environment.STAGING, environmentFromName("staging"))
    }
}
