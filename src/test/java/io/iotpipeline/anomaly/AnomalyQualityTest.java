package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection quality on a deterministic labeled stream shaped like the simulator's (a mean-reverting random walk per
 * device in 0.1 °C steps, 80/10/10 % SUCCESS/ERROR/STANDBY, one reading every 2 s), with anomalies of every kind
 * injected at known places. Precision and recall must be at least 0.9 for every detector; both are printed.
 */
class AnomalyQualityTest {

    static final int DEVICES = 60;
    static final int READINGS_PER_DEVICE = 2500;
    static final int INJECTIONS_PER_KIND = 2;

    /** Where an injected anomaly lies: readings [first, last] of one device. */
    record Label(int device, Detector kind, int first, int last) {
    }

    @Test
    void everyDetectorFindsWhatWasInjectedAndLittleElse() {
        Random random = new Random(7);
        List<Label> labels = new ArrayList<>();
        Map<Detector, int[]> truePositives = new EnumMap<>(Detector.class);   // [hits, anomalies]
        Map<Detector, int[]> detected = new EnumMap<>(Detector.class);        // [labels found, labels]
        for (Detector kind : Detector.values()) {
            truePositives.put(kind, new int[2]);
            detected.put(kind, new int[2]);
        }
        AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());
        LocalDateTime start = LocalDateTime.of(2026, 1, 1, 0, 0);
        for (int device = 0; device < DEVICES; device++) {
            List<Label> plan = plan(device, random);
            labels.addAll(plan);
            double level = 20 + random.nextGaussian() * 5;
            double walk = level;
            boolean[] found = new boolean[plan.size()];
            double stuckAt = Double.NaN;
            for (int i = 0; i < READINGS_PER_DEVICE; i++) {
                walk = Math.max(-10, Math.min(45, walk + (random.nextDouble() * 2 - 1) * 0.5 + (level - walk) * 0.02));
                double celsius = Math.round(walk * 10) / 10.0;
                String status = status(random);
                for (Label label : plan) {
                    if (i < label.first() || i > label.last()) {
                        continue;
                    }
                    switch (label.kind()) {
                        case SPIKE -> celsius += (random.nextBoolean() ? 1 : -1) * (12 + random.nextDouble() * 8);
                        case STUCK -> {
                            stuckAt = i == label.first() ? celsius : stuckAt;
                            celsius = stuckAt;
                        }
                        case DRIFT -> celsius += 8 * Math.min(1, Math.min(i - label.first(), label.last() - i) / 20.0);
                        case ERROR_BURST -> status = "ERROR";
                    }
                }
                celsius = Math.round(celsius * 10) / 10.0;
                Observation reading = new Observation("CI00100", "D" + device, device + ":" + i,
                        start.plusSeconds(2L * i), celsius, status);
                for (Anomaly anomaly : detectors.observe(reading)) {
                    truePositives.get(anomaly.detector())[1]++;
                    for (int l = 0; l < plan.size(); l++) {
                        Label label = plan.get(l);
                        if (label.kind() == anomaly.detector() && i >= label.first() && i <= label.last()) {
                            truePositives.get(anomaly.detector())[0]++;
                            found[l] = true;
                            break;
                        }
                    }
                }
            }
            for (int l = 0; l < plan.size(); l++) {
                detected.get(plan.get(l).kind())[1]++;
                if (found[l]) {
                    detected.get(plan.get(l).kind())[0]++;
                }
            }
        }
        StringBuilder report = new StringBuilder();
        boolean good = true;
        for (Detector kind : Detector.values()) {
            int[] tp = truePositives.get(kind);
            int[] recall = detected.get(kind);
            double precision = tp[1] == 0 ? 0 : (double) tp[0] / tp[1];
            double found = (double) recall[0] / recall[1];
            report.append(String.format("anomaly-quality: %-11s precision %.3f (%d of %d findings), recall %.3f"
                    + " (%d of %d injected)%n", kind.id(), precision, tp[0], tp[1], found, recall[0], recall[1]));
            good &= precision >= 0.9 && found >= 0.9;
        }
        System.out.print(report);
        assertTrue(good, report.toString());
    }

    /** Two anomalies of each kind per device at random, separate places after the warm-up. */
    static List<Label> plan(int device, Random random) {
        List<Label> plan = new ArrayList<>();
        List<Detector> kinds = new ArrayList<>();
        for (Detector kind : Detector.values()) {
            for (int n = 0; n < INJECTIONS_PER_KIND; n++) {
                kinds.add(kind);
            }
        }
        java.util.Collections.shuffle(kinds, random);
        int slot = (READINGS_PER_DEVICE - 200) / kinds.size();
        for (int k = 0; k < kinds.size(); k++) {
            int first = 150 + k * slot + random.nextInt(slot / 3);
            int length = switch (kinds.get(k)) {
                case SPIKE -> 1;
                case STUCK -> 14;
                case DRIFT -> 100;       // 20 readings up, 60 at +8 °C (2 minutes), 20 down
                case ERROR_BURST -> 15;  // 15 ERRORs in 30 s
            };
            plan.add(new Label(device, kinds.get(k), first, first + length - 1));
        }
        return plan;
    }

    static String status(Random random) {
        double roll = random.nextDouble();
        return roll < 0.8 ? "SUCCESS" : roll < 0.9 ? "ERROR" : "STANDBY";
    }
}
