package io.iotpipeline.anomaly;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.simulator.AnomalyInjector;
import io.iotpipeline.simulator.DeviceSimulator;
import io.iotpipeline.simulator.SimulatorSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection quality against the simulator's ground truth: a deterministic simulated fleet (50 devices, one reading
 * per event, 10 % ERROR statuses, a reading every ~2 s per device) with anomalies of every kind injected and labeled
 * by {@link AnomalyInjector}, read the way the detect-anomalies route reads it. Precision and recall must be at least
 * 0.9 for every detector; both are printed.
 */
class AnomalyQualityTest {

    static final int EVENTS = 150_000;

    /** Moves 40 ms on every reading of the time, so each event has its own event time. */
    static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            now = now.plusMillis(40);
            return now;
        }
    }

    @Test
    void everyDetectorFindsWhatTheSimulatorInjectedAndLittleElse() throws Exception {
        SimulatorSettings settings = new SimulatorSettings(1000, 100, 5, 100, 10, 1, 1,
                SimulatorSettings.parseStatusMix("SUCCESS:80,ERROR:10,STANDBY:10"), -10, 45, 0.5, 0, 0, 0, 0, 0, 0, 0,
                EVENTS, 42);
        AnomalyInjector injector = new AnomalyInjector(Map.of(Detector.SPIKE, 0.002, Detector.STUCK, 0.001,
                Detector.DRIFT, 0.0005, Detector.ERROR_BURST, 0.001), new Random(7));
        DeviceSimulator simulator = new DeviceSimulator(settings, new SteppingClock(), injector);
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        SourceRecord source = new SourceRecord("device_stream", 0, 0, null, null);
        List<Anomaly> found = new java.util.ArrayList<>();
        while (!simulator.finished()) {
            for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
                for (DeviceReading reading : ReadingRules.STANDARD.readings(
                        EventJson.MAPPER.readValue(event.json(), DeviceEvent.class), source).readings()) {
                    found.addAll(detectors.observe(Observation.of(reading)));
                }
            }
        }

        Map<Detector, Set<String>> labeledReadings = new EnumMap<>(Detector.class);
        for (Detector kind : Detector.values()) {
            labeledReadings.put(kind, new HashSet<>());
        }
        injector.labels().forEach(label -> label.eventIds()
                .forEach(eventId -> labeledReadings.get(label.kind()).add(label.device() + "/" + eventId)));
        Set<String> findings = new HashSet<>();
        found.forEach(a -> findings.add(a.detector() + "/" + a.customerId() + "/" + a.deviceId() + "/" + a.eventId()));

        StringBuilder report = new StringBuilder();
        boolean good = true;
        for (Detector kind : Detector.values()) {
            List<Anomaly> ofKind = found.stream().filter(a -> a.detector() == kind).toList();
            long hits = ofKind.stream().filter(a -> labeledReadings.get(kind)
                    .contains(a.customerId() + "/" + a.deviceId() + "/" + a.eventId())).count();
            List<AnomalyInjector.Label> labels = injector.labels().stream().filter(l -> l.kind() == kind).toList();
            long recalled = labels.stream().filter(label -> label.eventIds().stream()
                    .anyMatch(eventId -> findings.contains(kind + "/" + label.device() + "/" + eventId))).count();
            double precision = ofKind.isEmpty() ? 0 : (double) hits / ofKind.size();
            double recall = labels.isEmpty() ? 0 : (double) recalled / labels.size();
            report.append(String.format("anomaly-quality: %-11s precision %.3f (%d of %d findings), recall %.3f"
                    + " (%d of %d injected)%n", kind.id(), precision, hits, ofKind.size(), recall, recalled, labels.size()));
            good &= precision >= 0.9 && recall >= 0.9 && labels.size() >= 50;
        }
        System.out.print(report);
        assertTrue(good, report.toString());
    }
}
