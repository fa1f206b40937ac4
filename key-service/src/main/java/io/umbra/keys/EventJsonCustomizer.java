package io.umbra.keys;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.umbra.events.EventJson;
import jakarta.inject.Singleton;

/** The REST face writes JSON as every Umbra event does (ISO-8601 times, declared field order). */
@Singleton
public class EventJsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        EventJson.configure(mapper);
    }
}
