package io.iotpipeline.domain;

/** An event on its way to the topic, from the simulator, POST /api/events or MQTT: its JSON, keyed by its customer. */
public interface EventToPublish {

    String customerId();

    String json();
}
