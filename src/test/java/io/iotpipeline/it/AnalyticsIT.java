package io.iotpipeline.it;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.iotpipeline.Application;
import io.iotpipeline.TestEvent;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Late data, windowed metrics, device health and eventOffset gaps on the embedded, real Kafka broker and PostgreSQL,
 * with hand-written event sequences and their expected outcome. Each test sends its customers' events to a partition
 * of its own, so each has its own watermark and the tests pass in any order; the simulated fleet is SimulatedFleetIT's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AnalyticsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    /** One partition per test customer (CI009nn goes to nn % 16), so each test has its stream and watermark. */
    private static final int PARTITIONS = 16;

    private final MovableClock clock = new MovableClock();
    private final ListAppender<ILoggingEvent> deviceLog = new ListAppender<>();
    /** Every event sent, by eventId, to send it again. */
    private final Map<String, String> sent = new java.util.concurrent.ConcurrentHashMap<>();
    private Properties props;
    private Main main;
    private TopicContents topic;
    private Rows rows;

    @BeforeAll
    void startPipeline() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-pipeline-analytics-it");
        props = servers.properties();
        props.put("kafka.topic.partitions", String.valueOf(PARTITIONS));
        props.put("store.batch.maxWaitMs", "100");
        props.put("lateness.allowedSeconds", "600");
        props.put("lateness.horizonSeconds", "86400");
        props.put("health.silentAfterSeconds", "60");
        props.put("health.checkIntervalMs", "200");
        props.put("simulator.enabled", "false");
        Logger logger = (Logger) LoggerFactory.getLogger("io.iotpipeline.devices");
        deviceLog.start();
        logger.addAppender(deviceLog);
        start();
        topic = servers.topic();
        rows = servers.rows();
    }

    private void start() throws Exception {
        main = Application.camelMain();
        main.setOverrideProperties(props);
        main.bind("clock", clock);
        main.start();
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void aReadingOlderThanTheWatermarkIsStoredAndFlaggedLate() throws Exception {
        // watermark = newest eventTime so far - 10 min
        List<String> times = List.of(
                "12:00:00",  // first of its stream: on time
                "12:05:00",  // newest now 12:05, watermark 11:55
                "11:56:00",  // behind the newest, but not behind the watermark: on time
                "12:20:00",  // watermark 12:10
                "12:09:59",  // before 12:10: late
                "12:10:00",  // exactly at the watermark: on time
                "12:19:00",
                "09:00:00"); // far behind, within the 1-day horizon: stored, late
        List<Boolean> expectedLate = List.of(false, false, false, false, true, false, false, true);

        assertEquals(expectedLate, lateFlags(sendSequence("CI00901", "2024-03-01", times)));
        assertEquals(2L, rows.count("select sum(lateCount) from device_metrics_1m where customerId = 'CI00901'"));
    }

    @Test
    void windowsHoldCountsTemperaturesAndStatusesAndALateReadingUpdatesItsWindow() throws Exception {
        sendWindowEvents("CI00902");

        // device, window start, readings, avg, min, max (Celsius), SUCCESS, ERROR, STANDBY, late
        assertEquals(List.of(
                "D001 10:00 3 22.00 20 24 2 1 0 1",
                "D001 10:01 1 30.00 30 30 0 0 1 0",
                "D001 10:15 1 10.00 10 10 1 0 0 0",
                "D002 10:00 1 20.00 20 20 0 1 0 0",
                "D002 10:01 1 30.00 30 30 1 0 0 0"), metrics("CI00902"));
        assertEquals(List.of("10:00 4 21.50 1", "10:01 2 30.00 0", "10:15 1 10.00 0"), rows.query(
                "select to_char(windowStart, 'HH24:MI') || ' ' || readings || ' ' || avgTemperatureC || ' ' || lateCount"
                        + " as line from v_customer_metrics where customerId = 'CI00902' order by windowStart")
                .stream().map(row -> (String) row.get("line")).toList());
        // the raw row keeps what the device sent
        assertEquals(List.of("68 F 20.0", "86 F 30.0"), rows.query("select temperature || ' ' || measure || ' '"
                        + " || round(temperatureCelsius::numeric, 1) as line from iot_device_events"
                        + " where customerId = 'CI00902' and deviceId = 'D002' order by eventTime")
                .stream().map(row -> (String) row.get("line")).toList());
        // latest reading by event time, totals over all readings
        assertEquals(List.of("D001 SUCCESS 10 5 ONLINE", "D002 SUCCESS 86 2 ONLINE"), rows.query(
                "select deviceId || ' ' || lastStatus || ' ' || lastTemperature || ' ' || readings || ' ' || state"
                        + " as line from device_health where customerId = 'CI00902' order by deviceId")
                .stream().map(row -> (String) row.get("line")).toList());
    }

    @Test
    void replayingTheSameEventsChangesNoMetric() throws Exception {
        sendWindowEvents("CI00912");
        List<String> before = analyticsOf("CI00912");
        for (Map<String, Object> row : rows.query("select distinct eventId::text as id from iot_device_events"
                + " where customerId = 'CI00912'")) {
            topic.sendTo(partitionOf("CI00912"), "CI00912", sent.get((String) row.get("id")));
        }
        // a new event behind the replayed ones in their partition (CI00928 shares CI00912's): once it is stored, the
        // replay has been processed
        String sentinel = send("CI00928", 1, "2024-04-01 10:16:00", TestEvent.deviceJson("D001", 1.0, "C", "SUCCESS"));
        Eventually.await(WAIT, "the sentinel event", () -> rows.count(
                "select count(*) from iot_device_events where eventId = '" + sentinel + "'") == 1);

        assertEquals(before, analyticsOf("CI00912"));
        assertEquals(7L, rows.count("select count(*) from iot_device_events where customerId = 'CI00912'"));
    }

    @Test
    void lateClassificationAfterARestartEqualsTheRunWithoutOne() throws Exception {
        List<String> times = List.of("12:00:00", "12:30:00", "12:15:00", "12:25:00", "12:40:00", "12:29:59");
        // 12:15 is late only because of 12:30, which is stored before the restart
        List<Boolean> expectedLate = List.of(false, false, true, false, false, true);

        List<Boolean> withoutRestart = lateFlags(sendSequence("CI00903", "2024-05-01", times));

        List<String> firstHalf = sendSequence("CI00904", "2024-05-02", times.subList(0, 2));
        main.stop();
        start();
        List<String> secondHalf = sendSequence("CI00904", "2024-05-02", times.subList(2, times.size()), 3);
        List<String> all = new ArrayList<>(firstHalf);
        all.addAll(secondHalf);
        List<Boolean> withRestart = lateFlags(all);

        assertEquals(expectedLate, withoutRestart);
        assertEquals(withoutRestart, withRestart);
    }

    @Test
    void aSilentDeviceBecomesSilentAndOnlineAgainWhenItReports() throws Exception {
        send("CI00905", 1, "2024-06-01 08:00:00", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"), TestEvent.deviceJson("D002", 21.0, "C", "SUCCESS"));
        Eventually.await(WAIT, "both devices ONLINE", () -> states("CI00905").equals(List.of("D001 ONLINE", "D002 ONLINE")));

        clock.advance(Duration.ofSeconds(61));
        Eventually.await(WAIT, "both devices SILENT", () -> states("CI00905").equals(List.of("D001 SILENT", "D002 SILENT")));
        assertTrue(rows.count("select count(*) from v_silent_devices where customerId = 'CI00905'") == 2);
        clock.reset();

        send("CI00905", 2, "2024-06-01 08:01:00", TestEvent.deviceJson("D001", 20.5, "C", "SUCCESS"));
        Eventually.await(WAIT, "D001 ONLINE again", () -> states("CI00905").equals(List.of("D001 ONLINE", "D002 SILENT")));

        assertEquals(List.of("D001 ONLINE null", "D002 ONLINE null", "D001 SILENT ONLINE", "D002 SILENT ONLINE",
                "D001 ONLINE SILENT"), rows.query("select deviceId || ' ' || state || ' ' || coalesce(previousState, 'null')"
                + " as line from device_state_changes where customerId = 'CI00905' order by changeId")
                .stream().map(row -> (String) row.get("line")).toList());
        Eventually.await(WAIT, "every state change logged", () -> rows.count("select count(*) from device_state_changes"
                + " where customerId = 'CI00905' and loggedAt is null") == 0);
        Thread.sleep(1000); // five more health checks: nothing is logged twice
        assertEquals(List.of("Device CI00905/D001 is ONLINE again"), logged("CI00905/D001 is ONLINE"));
        assertEquals(1, logged("CI00905/D001 is SILENT").size());
        assertEquals(1, logged("CI00905/D002 is SILENT").size());
    }

    @Test
    void missingEventOffsetsAreCountedPerStream() throws Exception {
        String day = "2024-07-01 ";
        send("CI00906", 10001, day + "08:00:00", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        send("CI00906", 10002, day + "08:00:01", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        String last = send("CI00906", 10005, day + "08:00:04", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        awaitRows("CI00906", 3);
        assertEquals("10001 10005 3 2", gap("CI00906"));
        Eventually.await(WAIT, "the gap logged", () -> !logged("CI00906/device: 2 events missing").isEmpty());

        send("CI00906", 10003, day + "08:00:02", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        awaitRows("CI00906", 4);
        assertEquals("10001 10005 4 1", gap("CI00906"));

        topic.sendTo(partitionOf("CI00906"), "CI00906", sent.get(last));
        String sentinel = send("CI00906", 10006, day + "08:00:05", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        awaitRows("CI00906", 5);
        assertEquals(1, rows.count("select count(*) from iot_device_events where eventId = '" + sentinel + "'"));
        assertEquals("10001 10006 5 1", gap("CI00906")); // the replayed 10005 is not counted twice
    }

    @Test
    void implausibleUnknownFutureAndTooLateReadingsAreDeadLettersWithTheirReason() throws Exception {
        String day = "2024-08-01 ";
        String hot = send("CI00907", 1, day + "10:00:00", TestEvent.deviceJson("D001", 500.0, "C", "SUCCESS"),
                TestEvent.deviceJson("D002", 20.0, "C", "SUCCESS"));
        String kelvin = send("CI00907", 2, day + "10:00:01", TestEvent.deviceJson("D001", 290.0, "K", "SUCCESS"));
        String future = send("CI00907", 3, LocalDateTime.now(clock).plusMinutes(10).toString().replace('T', ' '),
                TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        String tooLate = send("CI00907", 4, "2024-07-30 10:00:00", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"));
        Eventually.await(WAIT, "four dead letters", () -> rows.count("select count(*) from iot_dead_letters where eventId in ('"
                + String.join("','", hot, kelvin, future, tooLate) + "')") == 4);

        assertTrue(reason(hot).contains("temperature 500.0 C is outside the plausible range -60..150 C"), reason(hot));
        assertTrue(reason(kelvin).contains("measure 'K' is not one of C, F (the measurement catalog's temperature units)"), reason(kelvin));
        assertTrue(reason(future).contains("ahead of the pipeline clock"), reason(future));
        assertTrue(reason(tooLate).contains("beyond the lateness horizon of 86400 s"), reason(tooLate));
        assertEquals(1, rows.count("select count(*) from iot_device_events where eventId = '" + hot + "'"));
    }

    @Test
    void thePowerBiConnectionFileOpensDirectQueryOnPostgres() throws Exception {
        // the model and report are checked by PowerBiProjectTest and PowerBiModelIT
        var pbids = io.iotpipeline.domain.EventJson.MAPPER.readTree(
                java.nio.file.Path.of("report/powerbi/iot-pipeline.pbids").toFile()).get("connections").get(0);
        assertEquals("DirectQuery", pbids.get("mode").asText());
        assertEquals("postgresql", pbids.get("details").get("protocol").asText());
    }

    // ---- helpers ----



    /** Five events of two devices over three windows, then one late reading; returns once all 7 rows are stored. */
    private void sendWindowEvents(String customer) throws Exception {
        String day = "2024-04-01 ";
        send(customer, 20001, day + "10:00:10", TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS"),
                TestEvent.deviceJson("D002", 68.0, "F", "ERROR"));
        send(customer, 20002, day + "10:00:50", TestEvent.deviceJson("D001", 22.0, "C", "ERROR"));
        send(customer, 20003, day + "10:01:05", TestEvent.deviceJson("D001", 30.0, "C", "STANDBY"),
                TestEvent.deviceJson("D002", 86.0, "F", "SUCCESS"));
        send(customer, 20004, day + "10:15:00", TestEvent.deviceJson("D001", 10.0, "C", "SUCCESS"));
        awaitRows(customer, 6);
        send(customer, 20005, day + "10:00:30", TestEvent.deviceJson("D001", 24.0, "C", "SUCCESS")); // watermark 10:05: late
        awaitRows(customer, 7);
    }

    /** Sends one event per time, one device each, offsets from 1; returns the eventIds in order, once all are stored. */
    private List<String> sendSequence(String customer, String day, List<String> times) throws Exception {
        return sendSequence(customer, day, times, 1);
    }

    private List<String> sendSequence(String customer, String day, List<String> times, int firstOffset) throws Exception {
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            eventIds.add(send(customer, firstOffset + i, day + " " + times.get(i), TestEvent.deviceJson("D001", 20.0, "C", "SUCCESS")));
        }
        Eventually.await(WAIT, times.size() + " readings of " + customer, () -> rows.count(
                "select count(*) from iot_device_events where eventId in ('" + String.join("','", eventIds) + "')")
                == eventIds.size());
        return eventIds;
    }

    private List<Boolean> lateFlags(List<String> eventIds) throws Exception {
        List<Boolean> flags = new ArrayList<>();
        for (String eventId : eventIds) {
            flags.add((Boolean) rows.query("select late from iot_device_events where eventId = '" + eventId + "'")
                    .get(0).get("late"));
        }
        return flags;
    }

    private String send(String customer, long offset, String eventTime, String... devices) throws Exception {
        String eventId = UUID.randomUUID().toString();
        String json = TestEvent.of(eventId).offset(offset).customer(customer).time(eventTime).devices(devices).json();
        sent.put(eventId, json);
        topic.sendTo(partitionOf(customer), customer, json);
        return eventId;
    }


    private static int partitionOf(String customer) {
        return Integer.parseInt(customer.substring(customer.length() - 2)) % PARTITIONS;
    }

    private void awaitRows(String customer, int count) throws Exception {
        Eventually.await(WAIT, count + " rows of " + customer, () -> rows.count(
                "select count(*) from iot_device_events where customerId = '" + customer + "'") == count);
    }

    private List<String> metrics(String customer) throws Exception {
        return rows.query("select deviceId || ' ' || to_char(windowStart, 'HH24:MI') || ' ' || readings || ' '"
                        + " || round(temperatureSum / readings, 2) || ' ' || temperatureMin || ' ' || temperatureMax || ' '"
                        + " || successCount || ' ' || errorCount || ' ' || standbyCount || ' ' || lateCount as line"
                        + " from device_metrics_1m where customerId = '" + customer + "' order by deviceId, windowStart")
                .stream().map(row -> (String) row.get("line")).toList();
    }

    /** Everything the analytics keep for a customer, except update times. */
    private List<String> analyticsOf(String customer) throws Exception {
        List<String> all = new ArrayList<>(metrics(customer));
        rows.query("select deviceId, lastEventTime, lastStatus, lastTemperature, readings, temperatureSum, successCount,"
                + " errorCount, standbyCount, lateCount from device_health where customerId = '" + customer + "'"
                + " order by deviceId").forEach(row -> all.add(row.toString()));
        rows.query("select firstOffset, lastOffset, eventsSeen from event_streams where customerId = '" + customer + "'")
                .forEach(row -> all.add(row.toString()));
        return all;
    }

    private List<String> states(String customer) throws Exception {
        return rows.query("select deviceId || ' ' || state as line from device_health where customerId = '" + customer
                + "' order by deviceId").stream().map(row -> (String) row.get("line")).toList();
    }

    private String gap(String customer) throws Exception {
        return (String) rows.query("select firstOffset || ' ' || lastOffset || ' ' || eventsSeen || ' ' || missingEvents"
                + " as line from v_event_stream_gaps where customerId = '" + customer + "'").get(0).get("line");
    }

    private String reason(String eventId) throws Exception {
        return rows.query("select string_agg(reason, ' | ') as reason from iot_dead_letters where eventId = '" + eventId
                + "'").get(0).get("reason").toString();
    }

    private List<String> logged(String text) {
        return deviceLog.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(text))
                .toList();
    }
}
