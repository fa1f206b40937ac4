package io.umbra.events;

import io.umbra.ingest.FeatureExtractor;

/** Test fixture, never production: umbra-events using ingest-service's code, which the library rule refuses. */
public final class EventsCallingAServiceViolation {
    private FeatureExtractor extractor;

    private EventsCallingAServiceViolation() {
    }
}
