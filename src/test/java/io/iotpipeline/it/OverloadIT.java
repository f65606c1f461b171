package io.iotpipeline.it;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Three times the sink's capacity for 60 s: the surplus waits in Kafka, not in the heap. ({@link FaultScenario}) */
@Tag("faults")
class OverloadIT {

    @Test
    void threeTimesTheSinksCapacityForSixtySeconds() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-overload")) {
            // On 2 shared cores the simulator cannot offer three times the sink's real ~30,000 readings/s, so the
            // sink is held to a capacity it can be overloaded at: 2 JDBC batches per second (store.throttle.*) of
            // at most 500 records (batches grow with a backlog, which would raise a throttled sink's capacity).
            Process pipeline = startPipeline(path, "pipeline", List.of("-Xmx256m", "-Dsimulator.enabled=false",
                    "-Dstore.throttle.batchesPerSecond=2", "-Dstore.batch.maxEvents=500", "-Dstore.batch.rows=500"));
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            HeapSampler heap = new HeapSampler(path, pipeline);
            heap.start();

            // the sink's capacity, measured on a backlog
            BadInput input = new BadInput(SEED);
            List<BadInput.Message> backlog = new ArrayList<>();
            for (int i = 0; i < 6000; i++) {
                backlog.add(input.valid(false));
            }
            send(path, backlog);
            awaitRows(path, 1000);
            long rows0 = path.rows().count("select count(*) from iot_device_events");
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            double capacity = (path.rows().count("select count(*) from iot_device_events") - rows0)
                    / ((System.nanoTime() - t0) / 1e9);
            Eventually.await(Duration.ofMinutes(2), "the capacity backlog drained",
                    () -> path.topic("device_stream").lag(GROUP) == 0);

            // three times that, for 60 s
            int eventsPerSecond = (int) Math.round(3 * capacity / 2.5);
            long topicBefore = path.topic("device_stream").size();
            Process load = startLoad(path, eventsPerSecond);
            path.awaitLine(load, "Started simulate", Duration.ofSeconds(120));
            long overloadStarted = System.nanoTime();
            Thread.sleep(60_000);
            load.toHandle().destroy();
            assertTrue(load.waitFor(60, TimeUnit.SECONDS));
            double overloadSeconds = (System.nanoTime() - overloadStarted) / 1e9;
            long stopped = System.nanoTime();
            long offeredEvents = path.topic("device_stream").size() - topicBefore;
            long backlogEvents = path.topic("device_stream").lag(GROUP);
            long heapAtEnd = heap.peak();

            Eventually.await(Duration.ofMinutes(6), "caught up", () -> path.topic("device_stream").lag(GROUP) == 0);
            double catchUp = (System.nanoTime() - stopped) / 1e9;
            heap.stop();
            Figures figures = counted(path, "overload 3x capacity for 60 s", catchUp, String.format("capacity %.0f"
                    + " readings/s, offered %.0f events/s (~%.0f readings/s) for %.0f s, backlog waiting in Kafka at"
                    + " the end %d events, heap peak %d MB of -Xmx256m (%d MB at the end of the overload); recovery:"
                    + " end of the overload to caught up", capacity, offeredEvents / overloadSeconds,
                    offeredEvents / overloadSeconds * 2.5, overloadSeconds, backlogEvents, heap.peak() >> 20,
                    heapAtEnd >> 20));
            assertNothingLostOrDuplicated(path, figures);
            assertTrue(pipeline.isAlive());
            assertFalse(Files.readString(path.log(pipeline)).contains("OutOfMemoryError"));
            // the surplus waited in Kafka, not in the heap
            double surplusEvents = offeredEvents - capacity / 2.5 * overloadSeconds;
            assertTrue(backlogEvents > 0.7 * surplusEvents, "backlog " + backlogEvents + " events in Kafka, surplus "
                    + surplusEvents);
            assertTrue(offeredEvents / overloadSeconds * 2.5 > 2.2 * capacity, "the load was about 3x the capacity");
        }
    }
}
