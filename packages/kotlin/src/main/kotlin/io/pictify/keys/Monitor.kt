package io.pictify.keys

import io.pictify.keys.core.AlertKind

/** The alert kind's stable code (`auth_failure_burst`, `request_spike`, …), as in the CLI's JSON. */
fun AlertKind.code(): String = alertKindCode(this)
