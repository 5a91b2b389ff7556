package io.pictify.keys.logback

import ch.qos.logback.classic.pattern.ThrowableProxyConverter
import ch.qos.logback.classic.spi.IThrowableProxy
import io.pictify.keys.redact

/**
 * Logback converter for the stack trace of a logged exception (`%ex`), redacted: exception
 * messages quote URLs and headers, keys included. Replaces the default with
 *
 * ```xml
 * <conversionRule conversionWord="ex" class="io.pictify.keys.logback.RedactingThrowableConverter"/>
 * ```
 *
 * and `%ex` in the pattern (without a throwable word, logback appends its own `%xEx`, which this
 * rule does not cover).
 */
class RedactingThrowableConverter : ThrowableProxyConverter() {
    override fun throwableProxyToString(tp: IThrowableProxy): String = redact(super.throwableProxyToString(tp))
}
