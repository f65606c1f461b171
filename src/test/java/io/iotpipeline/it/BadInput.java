package io.iotpipeline.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import io.iotpipeline.TestEvent;
import io.iotpipeline.ingest.ReadingRules;

/**
 * Labeled input for the bad-input scenario: well-formed events, and malformed messages of every kind the issue names,
 * each with the (eventId/deviceId) keys of the readings it should still yield (a partly valid event keeps its good
 * devices). Built here, independently of the pipeline's rules, so the test is not judged by the code under test.
 */
final class BadInput {

    /** One Kafka record value (null: a tombstone), its kind, and the reading keys it must yield. */
    record Message(String kind, byte[] value, List<String> goodReadings, Map<String, String> storedText) {
        boolean malformed() {
            return !kind.startsWith("valid");
        }
    }

    /** Text a device may legally send that looks like SQL: it must be stored as it is, never run. */
    static final List<String> INJECTIONS = List.of("x'); DROP TABLE t;--", "' OR '1'='1", "1; DELETE FROM x",
            "\\'; SELECT pg_sleep(9)", "$$;TRUNCATE t;$$", "Robert'); --");

    private final Random random;
    // a minute ago: well inside the lateness rules (a time far ahead of the clock is a dead letter of its own)
    private final String time = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(1)
            .format(ReadingRules.EVENT_TIME_WRITTEN);

    BadInput(long seed) {
        random = new Random(seed);
    }

    /** A valid event of 1-4 devices (with injection strings where the rules allow free text, when asked). */
    Message valid(boolean injection) {
        String eventId = UUID.randomUUID().toString();
        // ids follow the one id rule (no quote can be one): SQL-like text goes where free text is allowed
        String customer = "CI" + (100 + random.nextInt(10));
        String publisher = injection ? pick(INJECTIONS) : "device";
        List<String> devices = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        Map<String, String> text = new LinkedHashMap<>();
        int count = 1 + random.nextInt(4);
        for (int d = 0; d < count; d++) {
            String deviceId = "D" + (100 + d);
            String extra = injection ? ",\"note\":" + TestEvent.quote(pick(INJECTIONS)) : "";
            devices.add(TestEvent.deviceJson(deviceId, 10 + random.nextInt(20), "C", status()).replace("}", extra + "}"));
            keys.add(eventId + "/" + deviceId);
            if (injection && d == 0) {
                text.put(eventId + "/" + deviceId, customer + "|" + publisher + "|" + deviceId);
            }
        }
        return new Message(injection ? "valid with SQL-like text" : "valid",
                bytes(TestEvent.of(eventId).offset(1).publisher(publisher).customer(customer).time(time).devices(String.join(",", devices)).json()),
                keys, text);
    }

    /** Every kind of malformed message, cycled; some keep good devices beside the bad one. */
    Message malformed(int i) {
        String eventId = UUID.randomUUID().toString();
        String good = TestEvent.deviceJson("G1", 20, "C", "SUCCESS");
        List<String> goodKey = List.of(eventId + "/G1");
        String seed = TestEvent.of(eventId).offset(1).publisher("device").customer("CI100").time(time).devices(good + "," + TestEvent.deviceJson("G2", 21, "C", "ERROR")).json();
        return switch (i % 34) {
            case 0 -> bad("truncated JSON", seed.substring(0, 1 + random.nextInt(seed.length() - 2)));
            case 1 -> bad("not JSON", "this is not { json");
            case 2 -> bad("invalid JSON", seed.replace("\"eventOffset\":1,", "\"eventOffset\":,"));
            case 3 -> bad("wrong type: eventOffset", seed.replace("\"eventOffset\":1", "\"eventOffset\":\"one\""));
            case 4 -> bad("wrong type: data", seed.replaceFirst("\"data\":\\{.*\\]\\}", "\"data\":\"none\""));
            case 5 -> bad("wrong type: devices object", seed.replaceFirst("\\[.*\\]", "{\"deviceId\":\"D1\"}"));
            case 6 -> partly("wrong type: temperature", eventId, good + "," + TestEvent.deviceJson("B1", 0, "C", "SUCCESS")
                    .replace("\"temperature\":0", "\"temperature\":\"hot\""), goodKey);
            case 7 -> partly("wrong type: status", eventId, good + ",{\"deviceId\":\"B1\",\"temperature\":1,"
                    + "\"measure\":\"C\",\"status\":5}", goodKey);
            case 8 -> bad("JSON null", "null");
            case 9 -> bad("null eventId", seed.replace("\"" + eventId + "\"", "null"));
            case 10 -> bad("null data", seed.replaceFirst("\"data\":\\{.*\\]\\}", "\"data\":null"));
            case 11 -> partly("null device", eventId, good + ",null", goodKey);
            case 12 -> partly("null temperature", eventId, good + ",{\"deviceId\":\"B1\",\"temperature\":null,"
                    + "\"measure\":\"C\",\"status\":\"ERROR\"}", goodKey);
            // three of each 1 MB kind, then shorter ones (a thousand 1 MB records would only test the disk)
            case 13 -> bad(big(i) + " string in customerId", seed.replace("\"CI100\"", TestEvent.quote("C".repeat(length(i)))));
            case 14 -> partly(big(i) + " string in deviceId", eventId, good + "," + TestEvent.deviceJson("D".repeat(length(i)), 1, "C", "ERROR"), goodKey);
            case 15 -> partly((i < 3 * 34 ? "1 MB" : "5 KB") + " string in an extra field", eventId, good + "," + TestEvent.deviceJson("B1", 1, "C", "ERROR")
                    .replace("}", ",\"note\":" + TestEvent.quote("n".repeat(i < 3 * 34 ? 1_000_000 : 5000)) + "}"), goodKey);
            case 16 -> bad("nesting 5000 deep", seed.replace("\"eventOffset\":1", "\"eventOffset\":1,\"x\":"
                    + "[".repeat(5000) + "]".repeat(5000)));
            case 17 -> bad("nesting 2000 deep in a device", seed.replace("\"G2\",", "\"G2\",\"x\":"
                    + "[".repeat(2000) + "]".repeat(2000) + ","));
            case 18 -> new Message("invalid UTF-8 (0xFF in a string)", withByte(seed, "CI100", 2, 0xff), List.of(), Map.of());
            case 19 -> new Message("invalid UTF-8 (overlong /)", withBytes(seed, "device", 3, new int[] {0xc0, 0xaf}),
                    List.of(), Map.of());
            case 20 -> new Message("invalid UTF-8 (lone continuation byte)", withByte(seed, "G2", 1, 0x80), List.of(), Map.of());
            case 21 -> bad("SQL injection in eventId", seed.replace(eventId, "1'; DROP TABLE iot_device_events;--"));
            case 22 -> partly("SQL injection in status", eventId, good + ",{\"deviceId\":\"B1\",\"temperature\":1,"
                    + "\"measure\":\"C\",\"status\":\"SUCCESS'; DROP TABLE iot_device_events;--\"}", goodKey);
            case 23 -> partly("SQL injection in measure", eventId, good + ",{\"deviceId\":\"B1\",\"temperature\":1,"
                    + "\"measure\":\"C'--\",\"status\":\"SUCCESS\"}", goodKey);
            case 24 -> bad("empty devices array", seed.replaceFirst("\\[.*\\]", "[]"));
            case 25 -> bad("empty value", "");
            case 26 -> new Message("tombstone (no value)", null, List.of(), Map.of());
            case 27 -> bad("a JSON array", "[1,2,3]");
            case 28 -> bad("impossible eventTime", seed.replace(time, "2023-02-30 10:00:00"));
            case 29 -> partly("temperature out of range", eventId, good + "," + TestEvent.deviceJson("B1", 1e6, "C", "ERROR"), goodKey);
            case 30 -> partly("deviceId twice", eventId, good + "," + TestEvent.deviceJson("G1", 3, "C", "ERROR"), goodKey);
            case 31 -> bad("NUL in customerId", seed.replace("\"CI100\"", "\"CI\\u0000\""));
            case 32 -> partly("unpaired surrogate in deviceId", eventId, good + "," + TestEvent.deviceJson("B\\ud800", 1, "C", "ERROR"),
                    goodKey);
            default -> bad("fractional eventOffset", seed.replace("\"eventOffset\":1", "\"eventOffset\":1.5"));
        };
    }

    private static int length(int i) {
        return i < 3 * 34 ? 1_000_000 : 25;
    }

    private static String big(int i) {
        return i < 3 * 34 ? "1 MB" : "long";
    }

    /** A record of about ten megabytes (the topic must allow it: the broker's default limit is ~1 MB). */
    Message tenMegabytes() {
        String eventId = UUID.randomUUID().toString();
        return bad("10 MB message", TestEvent.of(eventId).offset(1).publisher("device").customer("CI100").time(time).devices(TestEvent.deviceJson("D1", 1, "C", "ERROR").replace("}", ",\"blob\":" + TestEvent.quote("b".repeat(10_000_000)) + "}")).json());
    }

    /** Unknown fields, on the event and on a device: accepted (forward compatible), device extras kept. */
    Message unknownFields() {
        String eventId = UUID.randomUUID().toString();
        String json = TestEvent.of(eventId).offset(1).publisher("device").customer("CI100").time(time).devices(TestEvent.deviceJson("D1", 1, "C", "ERROR")
                .replace("}", ",\"humidity\":41,\"firmware\":{\"v\":\"2.1\"}}") + ","
                + TestEvent.deviceJson("D2", 2, "C", "ERROR").replace("}", ",\"x\":" + "[".repeat(200) + "]".repeat(200) + "}")).json()
                .replace("{\"eventId\"", "{\"schemaVersion\":7,\"eventId\"");
        return new Message("valid with unknown fields and nesting 200 deep", bytes(json),
                List.of(eventId + "/D1", eventId + "/D2"), Map.of());
    }

    private Message bad(String kind, String json) {
        return new Message(kind, bytes(json), List.of(), Map.of());
    }

    private Message partly(String kind, String eventId, String devices, List<String> goodKeys) {
        return new Message(kind, bytes(TestEvent.of(eventId).offset(1).publisher("device").customer("CI100").time(time).devices(devices).json()), goodKeys,
                Map.of());
    }




    private String status() {
        return List.of("SUCCESS", "ERROR", "STANDBY").get(random.nextInt(3));
    }

    private String pick(List<String> values) {
        return values.get(random.nextInt(values.size()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON with one byte inside the text {@code near} replaced by a byte that cannot be UTF-8 there. */
    private static byte[] withByte(String json, String near, int at, int value) {
        return withBytes(json, near, at, new int[] {value});
    }

    private static byte[] withBytes(String json, String near, int at, int[] values) {
        int index = json.indexOf(near) + at;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(json.substring(0, index)));
        for (int value : values) {
            out.write(value);
        }
        out.writeBytes(bytes(json.substring(index)));
        return out.toByteArray();
    }
}
