package io.pictify.keys.logback

import ch.qos.logback.classic.pattern.ClassicConverter
import ch.qos.logback.classic.spi.ILoggingEvent
import io.pictify.keys.core.RedactionStyle
import io.pictify.keys.redact

/**
 * Logback converter for the formatted message (the pattern with its arguments filled in), with
 * every key and credential token redacted by the core. One line of `logback.xml` redacts every
 * `%msg` / `%m` / `%message` of the configuration:
 *
 * ```xml
 * <conversionRule conversionWord="msg" class="io.pictify.keys.logback.RedactingMessageConverter"/>
 * ```
 *
 * or, under a word of its own, `%redactedMsg` (`%redactedMsg{mask}` for another style).
 * A message with nothing to redact is written as it is, without a copy.
 */
class RedactingMessageConverter : ClassicConverter() {
    private var style: RedactionStyle? = null

    override fun start() {
        style = styleOption(firstOption)
        super.start()
    }

    override fun convert(event: ILoggingEvent): String = redact(event.formattedMessage ?: "", style)
}

/** The style named by a converter option (`fingerprint`, `redacted`, `mask`); null for the default. */
internal fun styleOption(option: String?): RedactionStyle? = when (option?.trim()?.lowercase()) {
    null, "", "fingerprint" -> null
    "redacted" -> RedactionStyle.REDACTED
    "mask" -> RedactionStyle.MASK
    else -> throw IllegalArgumentException("[invalid_argument] style must be \"fingerprint\", \"redacted\" or \"mask\"")
}
