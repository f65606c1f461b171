package io.iotpipeline.domain;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** How event JSON is read, shared by the ingest route and anything that must judge events the same way. */
public final class EventJson {

    /**
     * Floats stay exact ({@code 1e400} does not become Infinity, which is not JSON) and a fractional number is never
     * truncated into an integer field such as eventOffset.
     */
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);

    private EventJson() {
    }
}
