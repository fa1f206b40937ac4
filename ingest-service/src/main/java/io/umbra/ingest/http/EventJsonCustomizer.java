package io.umbra.ingest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.umbra.events.EventJson;
import jakarta.inject.Singleton;

/** Quarkus' JSON mapper gets Umbra's one configuration (EVENTS.md, "JSON conventions"). */
@Singleton
public class EventJsonCustomizer implements ObjectMapperCustomizer {
    @Override
    public void customize(ObjectMapper mapper) {
        EventJson.configure(mapper);
    }
}
