package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnomalyDetectorsTest {

    static final LocalDateTime T0 = LocalDateTime.of(2026, 1, 1, 0, 0);

    /** A distinct eventId per second of the test's clock. */
    static java.util.UUID id(int second) {
        return new java.util.UUID(0, second);
    }

    static Observation reading(int second, double celsius, String status) {
        return new Observation("CI00100", "D001", id(second), T0.plusSeconds(second), celsius, status);
    }

    static List<Anomaly> feed(AnomalyDetectors detectors, List<Observation> readings) {
        List<Anomaly> found = new ArrayList<>();
        readings.forEach(reading -> found.addAll(detectors.observe(reading)));
        return found;
    }

    /** A steady device: 20 °C with ±0.3 °C of wobble, one reading per second. */
    static List<Observation> steady(int from, int count) {
        List<Observation> readings = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            readings.add(reading(i, 20 + 0.3 * Math.sin(i * 1.7), "SUCCESS"));
        }
        return readings;
    }

    @Test
    void aMeasurementsDetectorsAreOnlyTheOnesItNamesWithItsOverridesCheckedAndItsFindingsNameIt() {
        DetectorSettings pressure = DetectorSettings.defaults().forMeasurement("pressure",
                java.util.Map.of("stuck", java.util.Map.of("repeats", 3.0)));
        assertTrue(pressure.stuckEnabled() && !pressure.spikeEnabled() && !pressure.driftEnabled()
                && !pressure.burstEnabled());
        AnomalyDetectors detectors = new AnomalyDetectors(pressure, "pressure", "hPa");
        List<Anomaly> found = feed(detectors, List.of(reading(1, 1013, "SUCCESS"), reading(2, 1013, "ERROR"),
                reading(3, 1013, "SUCCESS")));
        assertEquals(1, found.size());
        assertEquals("pressure", found.get(0).measurement());
        assertEquals("hPa", found.get(0).unit());
        for (var bad : List.of(java.util.Map.of("stuck", java.util.Map.of("repeats", 1.0)),
                java.util.Map.of("spike", java.util.Map.of("alpha", 5.0)),
                java.util.Map.of("drift", java.util.Map.of("forSeconds", -1.0)),
                java.util.Map.of("spike", java.util.Map.of("sigma", 3.0)),
                java.util.Map.of("error-burst", java.util.Map.<String, Double>of()))) {
            IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> DetectorSettings.defaults().forMeasurement("pressure", bad));
            assertTrue(refused.getMessage().startsWith("measurement pressure: detector "), refused.getMessage());
        }
    }

    @Test
    void aSpikeFiresOnceAfterTheWarmUpAndIsNotLearned() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        assertEquals(List.of(), feed(detectors, steady(0, 100)));
        List<Anomaly> found = detectors.observe(reading(100, 35, "SUCCESS"));
        assertEquals(1, found.size());
        Anomaly spike = found.get(0);
        assertEquals(Detector.SPIKE, spike.detector());
        assertEquals(id(100).toString(), spike.eventId());
        assertTrue(spike.score() > 5 && spike.expectedHigh() < 35 && spike.expectedLow() < 20, spike.toString());
        assertEquals(List.of(), feed(detectors, steady(101, 20)), "the spike barely moved the mean");
    }

    @Test
    void readingsSeenBeforeOrLateAreSkipped() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        List<Observation> readings = steady(0, 100);
        feed(detectors, readings);
        assertEquals(1, detectors.observe(reading(100, 35, "SUCCESS")).size());
        assertEquals(List.of(), detectors.observe(reading(100, 35, "SUCCESS")), "the same reading again");
        assertEquals(List.of(), detectors.observe(reading(100 - 601, 35, "SUCCESS")), "older than the reorder window");
        assertEquals(1, detectors.observe(reading(50, 35, "SUCCESS")).size(), "out of order, within the window");
    }

    @Test
    void aRolledBackBatchIsJudgedAgainFromTheSameStates() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        feed(detectors, steady(0, 100));
        List<Observation> batch = List.of(reading(100, 35, "SUCCESS"), reading(101, 20, "SUCCESS"),
                new Observation("CI00100", "D002", java.util.UUID.randomUUID(), T0, 20, "SUCCESS"));
        AnomalyDetectors.Judgement judged = detectors.judge(batch);
        assertEquals(1, judged.found().size());
        detectors.rollback(judged);
        assertEquals(1, detectors.trackedDevices(), "a device first seen in the batch is forgotten");
        assertEquals(1, detectors.judge(batch).found().size(), "the spike is found again");
        assertEquals(List.of(), detectors.judge(batch).found(), "once judged, a redelivery finds nothing");
    }

    @Test
    void aBatchIsJudgedInEventTimeOrderPerDevice() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        List<Observation> shuffled = new ArrayList<>(steady(0, 100));
        shuffled.add(reading(100, 35, "SUCCESS"));
        java.util.Collections.shuffle(shuffled, new java.util.Random(3));
        List<Anomaly> found = detectors.judge(shuffled).found();
        assertEquals(1, found.size(), found.toString());
        assertEquals(id(100).toString(), found.get(0).eventId());
    }

    @Test
    void readingsOfOneDeviceFromSeveralPartitionsAreJudgedAcrossBatches() {
        // a keyless producer spread the device's readings over three partitions: each batch holds one partition's share
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        List<List<Observation>> partitions = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 600; i++) {
            Observation reading = i == 450 ? reading(i, 51, "SUCCESS") : reading(i, 21 + 0.2 * Math.sin(i * 1.7), "SUCCESS");
            partitions.get(i % 3).add(reading);
        }
        List<Anomaly> found = new ArrayList<>();
        partitions.forEach(batch -> found.addAll(detectors.judge(batch).found()));
        assertEquals(List.of(id(450).toString()), found.stream().map(Anomaly::eventId).toList());
    }

    @Test
    void noSpikeDuringTheWarmUp() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        feed(detectors, steady(0, 10));
        assertEquals(List.of(), detectors.observe(reading(10, 35, "SUCCESS")));
    }

    @Test
    void aStuckSensorFiresOnceWhenTheRunReachesItsLength() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        feed(detectors, steady(0, 60));
        List<Anomaly> found = new ArrayList<>();
        for (int i = 60; i < 80; i++) {
            found.addAll(detectors.observe(reading(i, 21.4, "SUCCESS")));
        }
        assertEquals(1, found.size(), found.toString());
        assertEquals(Detector.STUCK, found.get(0).detector());
        assertEquals(id(69).toString(), found.get(0).eventId(), "the 10th identical reading");
    }

    @Test
    void aDriftFiresOnceWhenTheMeanStaysOutsideTheBandLongEnough() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        feed(detectors, steady(0, 100));
        List<Anomaly> found = new ArrayList<>();
        for (int i = 100; i < 300; i++) { // +8 °C from second 100 on: out of the ±5 band within ~10 s
            found.addAll(detectors.observe(reading(i, 28 + 0.3 * Math.sin(i * 1.7), "SUCCESS")));
        }
        List<Anomaly> drifts = found.stream().filter(a -> a.detector() == Detector.DRIFT).toList();
        assertEquals(1, drifts.size(), found.toString());
        int second = (int) java.util.UUID.fromString(drifts.get(0).eventId()).getLeastSignificantBits();
        assertTrue(second >= 160 && second < 180, "60 s after leaving the band: " + second);
        assertEquals(List.of(), feed(detectors, steady(300, 100)).stream()
                .filter(a -> a.detector() == Detector.DRIFT).toList(), "back in band: no new drift");
    }

    @Test
    void anErrorBurstFiresWhenMoreThanTheLimitFallInTheWindow() {
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        List<Observation> readings = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            readings.add(reading(i * 10, 20, "ERROR")); // 10 errors in 100 s: never more than 6 within 60 s
        }
        assertEquals(List.of(), bursts(feed(detectors, readings)));
        List<Anomaly> found = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            found.addAll(bursts(detectors.observe(reading(200 + i, 20, "ERROR"))));
        }
        assertEquals(1, found.size());
        assertEquals(Detector.ERROR_BURST, found.get(0).detector());
        assertEquals(id(212).toString(), found.get(0).eventId(), "the 13th error within 60 s");
    }

    static List<Anomaly> bursts(List<Anomaly> found) {
        return found.stream().filter(anomaly -> anomaly.detector() == Detector.ERROR_BURST).toList();
    }

    @Test
    void stateIsBoundedToTheConfiguredNumberOfDevices() {
        DetectorSettings defaults = DetectorSettings.defaults();
        AnomalyDetectors detectors = new AnomalyDetectors(new DetectorSettings(true, 0.1, 5, 30, 0.5, true, 10, true, 50,
                0.1, 5, java.time.Duration.ofSeconds(60), true, 10, defaults.burstWindow(), 100, defaults.reorderWindow()));
        for (int d = 0; d < 1000; d++) {
            detectors.observe(new Observation("CI00100", "D" + d, id(0), T0, 20, "SUCCESS"));
        }
        assertEquals(100, detectors.trackedDevices());
    }

    @Test
    void theShippedPropertiesAreTheDefaults() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = getClass().getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        assertEquals(DetectorSettings.defaults(), DetectorSettings.from(io.iotpipeline.settings.Settings.of(key -> shipped.getProperty(key))));
    }

    @Test
    void switchedOffDetectorsStaySilent() {
        DetectorSettings defaults = DetectorSettings.defaults();
        AnomalyDetectors detectors = new AnomalyDetectors(new DetectorSettings(false, 0.1, 5, 30, 0.5, false, 10, false,
                50, 0.1, 5, defaults.driftFor(), false, 10, defaults.burstWindow(), 100, defaults.reorderWindow()));
        feed(detectors, steady(0, 100));
        assertEquals(List.of(), detectors.observe(reading(100, 90, "ERROR")));
    }
}
