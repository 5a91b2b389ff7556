package io.pictify.keys

import io.pictify.keys.core.Detection
import io.pictify.keys.core.Policy
import io.pictify.keys.core.Warning

/*
 * Kotlin conveniences over the generated bindings. Importing this package reads nothing and
 * opens nothing: the process environment is read only when one of the *Process* functions
 * below is called.
 */

/** Parses [value] as a Pictify key, or returns null when it is not one (the reason is dropped). */
fun ApiKey.Companion.parseOrNull(value: String): ApiKey? =
    try {
        parse(value)
    } catch (e: PictifyException) {
        null
    }

/** The warning's stable code: `unknown_environment` or `relaxed_policy`. */
fun Warning.code(): String = warningCode(this)

/** The warning's one-line explanation. */
fun Warning.message(): String = warningMessage(this)

/** Detects the deployment environment from this process's environment variables. */
fun detectProcessEnvironment(): Detection = detectEnvironment(System.getenv())

/** Checks the key variables of this process's environment, as `pictify-keys check` does. */
fun checkProcessKeys(policy: Policy? = null): CheckReport = checkKeys(System.getenv(), "env", null, policy)

/** Checks the key variables of a `.env` file's text; [label] names the file in each `origin`. */
fun checkEnvFile(text: String, label: String, policy: Policy? = null): CheckReport =
    checkKeys(parseDotenv(text), "env-file:$label", null, policy)
