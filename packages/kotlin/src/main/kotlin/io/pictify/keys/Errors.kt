package io.pictify.keys

/*
 * Idiomatic accessors over the generated PictifyException. Each subclass is one error family
 * of the core (Format, Environment, Source, Http, Input) and carries the core's error report:
 * the stable code, its details and its message. These read it without a `when` at every call
 * site. No rule lives here: the values come from the Rust core unchanged.
 */

/** The stable error code (`whitespace`, `live_key_in_development`, `no_key`, `unauthorized`, …). */
val PictifyException.code: String
    get() = when (this) {
        is PictifyException.Format -> code
        is PictifyException.Environment -> code
        is PictifyException.Source -> code
        is PictifyException.Http -> code
        is PictifyException.Input -> code
    }

/** The family: `format`, `environment`, `source`, `http` or `input`. */
val PictifyException.family: String
    get() = when (this) {
        is PictifyException.Format -> "format"
        is PictifyException.Environment -> "environment"
        is PictifyException.Source -> "source"
        is PictifyException.Http -> "http"
        is PictifyException.Input -> "input"
    }

/** What the error carries (position, origin, status, apiCode, requestId, …); absent details are null. */
val PictifyException.details: ErrorDetails
    get() = when (this) {
        is PictifyException.Format -> details
        is PictifyException.Environment -> details
        is PictifyException.Source -> details
        is PictifyException.Http -> details
        is PictifyException.Input -> details
    }

/** The human-readable message of the core (never contains a secret). */
val PictifyException.detail: String
    get() = when (this) {
        is PictifyException.Format -> detail
        is PictifyException.Environment -> detail
        is PictifyException.Source -> detail
        is PictifyException.Http -> detail
        is PictifyException.Input -> detail
    }
