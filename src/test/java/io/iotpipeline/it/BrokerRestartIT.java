package io.iotpipeline.it;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka broker restarted mid-stream: producer and consumer come back by themselves. ({@link FaultScenario}) */
@Tag("faults")
class BrokerRestartIT {

    @Test
    void kafkaBrokerRestartedMidStream() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-broker")) {
            Streaming streaming = streamingUnderLoad(path);
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            long before = path.rows().count("select count(*) from iot_device_events");

            long stopping = System.nanoTime();
            path.stopBroker();
            Thread.sleep(5000); // the broker away
            path.startBrokers();
            long started = System.nanoTime();
            double away = (started - stopping) / 1e9;
            // the producer (load process) and the consumer (pipeline) come back by themselves
            Eventually.await(Duration.ofSeconds(120), "new rows after the broker restart",
                    () -> path.rows().count("select count(*) from iot_device_events") > before + 5000);
            double recovery = awaitCaughtUp(path, started);
            assertTrue(pipeline.isAlive() && load.isAlive(), "neither process gave up");
            Figures figures = finish(path, load, "kafka broker restarted", recovery, String.format(
                    "broker away %.1f s; recovery: broker start to caught up", away));
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }
}
