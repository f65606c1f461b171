package io.iotpipeline.it;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.TestEvent;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows a stricter database rejects become dead letters without failing their batch. ({@link FaultScenario}) */
@Tag("faults")
class RejectedRowsIT {

    @Test
    void rowsTheDatabaseRejectsBecomeDeadLettersWithoutFailingTheirBatch() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-constraints")) {
            Process pipeline = started(path, List.of());
            // A database stricter than the pipeline's rules (which already keep deviceId within its column): here
            // deviceIds over 8 characters break a constraint the pipeline does not know about.
            path.rows().execute("ALTER TABLE iot_device_events ADD CONSTRAINT deviceid_at_most_8_chars"
                    + " CHECK (length(deviceId) <= 8)");
            List<BadInput.Message> messages = new ArrayList<>();
            Set<String> expected = new HashSet<>();
            Set<String> rejected = new HashSet<>();
            String time = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(1)
                    .format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN);
            for (int i = 0; i < 5000; i++) {
                String eventId = java.util.UUID.randomUUID().toString();
                List<String> devices = new ArrayList<>();
                for (int d = 1; d <= 3; d++) {
                    devices.add(TestEvent.deviceJson("D" + d, 20 + d, "C", "SUCCESS"));
                    expected.add(eventId + "/D" + d);
                }
                if (i % 7 == 0) {
                    devices.add(TestEvent.deviceJson("TOO-LONG-" + (i % 1000), 20, "C", "ERROR"));
                    rejected.add(eventId + "/TOO-LONG-" + (i % 1000));
                }
                messages.add(new BadInput.Message("valid", TestEvent.of(eventId).offset(1).publisher("device").customer("CI100").time(time).devices(String.join(",", devices)).json().getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(), Map.of()));
            }
            long sendStarted = System.nanoTime();
            send(path, messages);
            long sent = System.nanoTime();
            Eventually.await(Duration.ofMinutes(3), "everything read",
                    () -> path.topic("device_stream").lag(GROUP) == 0);
            double recovery = (System.nanoTime() - sent) / 1e9;

            Rows rows = path.rows();
            Set<String> stored = rows.readingKeys();
            long storedRows = rows.count("select count(*) from iot_device_events");
            Set<String> deadLettered = new HashSet<>();
            for (Map<String, Object> row : rows.query("select eventId, deviceId, reason from iot_dead_letters")) {
                assertTrue(((String) row.get("reason")).startsWith("rejected by the database: ")
                        && ((String) row.get("reason")).contains("deviceid_at_most_8_chars"), row.toString());
                deadLettered.add(row.get("eventid") + "/" + row.get("deviceid"));
            }
            String log = Files.readString(path.log(pipeline));
            long retries = log.lines().filter(line -> line.contains("On delivery attempt")).count();
            long rowByRow = log.lines().filter(line -> line.contains("storing it row by row")).count();
            Set<String> lost = new HashSet<>(expected);
            lost.removeAll(stored);
            new Figures("constraint-breaking rows", messages.size(), expected.size(), stored.size(), lost.size(),
                    storedRows - stored.size(), deadLettered.size(), recovery, String.format("%d rows the database"
                    + " rejected, %d batches stored row by row, %d retried writes, sent in %.1f s; recovery: last"
                    + " message sent to all read", rejected.size(), rowByRow, retries, (sent - sendStarted) / 1e9))
                    .print();
            PipelineIT.assertSameReadings(expected, stored);
            assertEquals(stored.size(), storedRows, "duplicated rows");
            assertEquals(rejected, deadLettered, "each rejected row, and only those, is a dead letter");
            assertEquals(0, retries, "a rejected row is never retried and never fails its batch");
            assertTrue(rowByRow > 0 && rowByRow <= rejected.size());
            path.assertNoSecretInLogs();
        }
    }
}
