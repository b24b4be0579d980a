package dk.fsc.service.console;

import io.micronaut.context.MessageSource;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.i18n.ResourceBundleMessageSource;
import jakarta.inject.Singleton;

/** The console's texts: {@code i18n/messages.properties} (Danish) and {@code messages_en.properties}. */
@Factory
class ConsoleMessages {
    @Singleton
    MessageSource consoleTexts() {
        return new ResourceBundleMessageSource("i18n.messages");
    }
}
