package io.pictify.keys

/*
 * Idiomatic accessors over the generated PictifyException. Each subclass is one error family
 * of the core (Format, Policy, Source, Http, InvalidInput) and carries the core's stable code;
 * these read it without a `when` at every call site. No rule lives here: the values come from
 * the Rust core unchanged.
 */

/** The stable error code (`whitespace`, `live_key_in_development`, `no_key`, `unauthorized`, …). */
val PictifyException.code: String
    get() = when (this) {
        is PictifyException.Format -> code
        is PictifyException.Policy -> code
        is PictifyException.Source -> code
        is PictifyException.Http -> code
        is PictifyException.InvalidInput -> code
    }

/** The human-readable message of the core (never contains a secret). */
val PictifyException.detail: String
    get() = when (this) {
        is PictifyException.Format -> detail
        is PictifyException.Policy -> detail
        is PictifyException.Source -> detail
        is PictifyException.Http -> detail
        is PictifyException.InvalidInput -> detail
    }
