package io.umbra.kafka.streams;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.umbra.events.EventJson;
import jakarta.inject.Singleton;

/** REST speaks the same JSON as the topics: Quarkus' mapper gets umbra-events' one configuration, {@link EventJson}. */
@Singleton
public class EventJsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        EventJson.configure(mapper);
    }
}
