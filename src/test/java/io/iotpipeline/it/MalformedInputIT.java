package io.iotpipeline.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ten thousand malformed messages of 34 kinds in a valid stream: each a dead letter with its reason, every valid reading stored. ({@link FaultScenario}) */
@Tag("faults")
class MalformedInputIT {

    @Test
    void tenThousandMalformedMessagesInAValidStream() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-bad-input")) {
            Process pipeline = started(path, List.of());
            allowRecordsOf(path, 12_000_000); // so that the 10 MB record reaches the pipeline at all

            BadInput input = new BadInput(SEED);
            List<BadInput.Message> messages = new ArrayList<>();
            for (int i = 0; i < 9_999; i++) { // and the 10 MB one below
                messages.add(input.malformed(i));
                messages.add(input.valid(i % 20 == 0));
            }
            for (int i = 0; i < 200; i++) {
                messages.add(input.unknownFields());
            }
            messages.add(input.tenMegabytes());
            Collections.shuffle(messages, new Random(SEED));
            long sendStarted = System.nanoTime();
            List<RecordMetadata> coordinates = send(path, messages);
            long sent = System.nanoTime();
            // the route never stopped: an event sent after all of them is stored
            BadInput.Message marker = input.valid(false);
            send(path, List.of(marker));
            Eventually.await(Duration.ofMinutes(5), "the marker event stored and nothing left to read", () ->
                    path.rows().readingKeys().containsAll(marker.goodReadings()) && path.topic("device_stream").lag(GROUP) == 0);
            double recovery = (System.nanoTime() - sent) / 1e9;

            Rows rows = path.rows();
            Set<String> expected = new HashSet<>(marker.goodReadings());
            messages.forEach(m -> expected.addAll(m.goodReadings()));
            Set<String> stored = rows.readingKeys();
            long storedRows = rows.count("select count(*) from iot_device_events");

            // every malformed message has a dead letter with a reason at its coordinates; no valid one has
            Map<String, String> reasons = new TreeMap<>();
            for (Map<String, Object> row : rows.query("select kafkaPartition, kafkaOffset, reason from iot_dead_letters"
                    + " where kafkaTopic = 'device_stream'")) {
                reasons.merge(row.get("kafkapartition") + "@" + row.get("kafkaoffset"), (String) row.get("reason"),
                        (a, b) -> a + " | " + b);
            }
            Map<String, String> reasonByKind = new TreeMap<>();
            long malformed = 0;
            List<String> withoutDeadLetter = new ArrayList<>();
            List<String> validButDeadLettered = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                BadInput.Message message = messages.get(i);
                String at = coordinates.get(i).partition() + "@" + coordinates.get(i).offset();
                String reason = reasons.get(at);
                if (message.malformed()) {
                    malformed++;
                    if (reason == null || reason.isBlank()) {
                        withoutDeadLetter.add(message.kind() + " at " + at);
                    } else {
                        reasonByKind.putIfAbsent(message.kind(), reason);
                    }
                } else if (reason != null) {
                    validButDeadLettered.add(message.kind() + " at " + at + ": " + reason);
                }
            }
            reasonByKind.forEach((kind, reason) -> System.out.println("bad input: " + kind + " -> "
                    + (reason.length() > 200 ? reason.substring(0, 200) + "…" : reason)));

            // text that looks like SQL is stored as it came
            Map<String, String> injected = new LinkedHashMap<>();
            messages.forEach(m -> injected.putAll(m.storedText()));
            Map<String, String> storedText = new java.util.HashMap<>();
            for (Map<String, Object> row : rows.query("select eventId, deviceId, customerId, eventPublisher"
                    + " from iot_device_events where eventPublisher <> 'device' and deviceId = 'D100'")) {
                storedText.put(row.get("eventid") + "/" + row.get("deviceid"),
                        row.get("customerid") + "|" + row.get("eventpublisher") + "|" + row.get("deviceid"));
            }

            Set<String> lost = new HashSet<>(expected);
            lost.removeAll(stored);
            long deadLetters = rows.count("select count(*) from iot_dead_letters");
            new Figures("10000 malformed messages", messages.size() + 1, expected.size(), stored.size(), lost.size(),
                    storedRows - stored.size(), deadLetters, recovery, String.format("%d malformed of %d kinds, sent in"
                    + " %.1f s; recovery: last message sent to all read", malformed, reasonByKind.size(),
                    (sent - sendStarted) / 1e9)).print();
            assertEquals(List.of(), withoutDeadLetter, "malformed messages without a dead letter");
            assertEquals(List.of(), validButDeadLettered, "valid messages that became dead letters");
            PipelineIT.assertSameReadings(expected, stored);
            assertEquals(stored.size(), storedRows, "duplicated rows");
            assertEquals(injected, Map.copyOf(storedText), "SQL-like text stored as plain data");
            assertTrue(injected.size() > 100, "injection strings were sent: " + injected.size());
            assertEquals(10_000, malformed);
            assertTrue(pipeline.isAlive());
            path.assertNoSecretInLogs();
        }
    }
}
