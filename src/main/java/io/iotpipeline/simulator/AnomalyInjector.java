package io.iotpipeline.simulator;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.iotpipeline.anomaly.Detector;

/**
 * Ground truth for the detectors: makes some simulated devices misbehave on purpose and records where. Per reading, a
 * device that is behaving starts an anomaly of a kind with that kind's share (property
 * {@code simulator.anomaly.<kind>.share}): a spike (one reading 12–20 °C off), a stuck sensor (14 identical readings),
 * a drift (+8 °C: 20 readings up, 60 held, 20 down) or an error burst (15 ERROR statuses in a row).
 */
public final class AnomalyInjector {

    /** An injected anomaly: the device ("customer/device"), its kind, and the eventIds of the readings it changed. */
    public record Label(String device, Detector kind, List<String> eventIds) {
    }

    /** A reading after injection. */
    public record Reading(double celsius, String status) {
    }

    /** Injects nothing. */
    public static final AnomalyInjector NONE = new AnomalyInjector(Map.of(), new Random(0));

    static final int STUCK_READINGS = 14;
    static final int DRIFT_READINGS = 100;
    static final int BURST_READINGS = 15;
    private static final int KEPT_LABELS = 10_000;

    private final Map<Detector, Double> shares;
    private final Random random;
    private final Map<String, Active> active = new HashMap<>();
    private final Deque<Label> labels = new ArrayDeque<>();

    private static final class Active {
        final Detector kind;
        final List<String> eventIds = new java.util.ArrayList<>();
        int done;
        double held;

        Active(Detector kind) {
            this.kind = kind;
        }
    }

    public AnomalyInjector(Map<Detector, Double> shares, Random random) {
        this.shares = new EnumMap<>(Detector.class);
        this.shares.putAll(shares);
        this.random = random;
    }

    public static AnomalyInjector from(io.iotpipeline.settings.Settings settings, long seed) {
        Map<Detector, Double> shares = new EnumMap<>(Detector.class);
        for (Detector kind : Detector.values()) {
            shares.put(kind, settings.share("simulator.anomaly." + kind.id() + ".share"));
        }
        return new AnomalyInjector(shares, seed == 0 ? new Random() : new Random(seed ^ 0x5DEECE66DL));
    }

    /** The reading of {@code device} in event {@code eventId}, changed when an anomaly is under way or starts now. */
    public synchronized Reading apply(String device, String eventId, double celsius, String status) {
        Active anomaly = active.get(device);
        if (anomaly == null) {
            for (Map.Entry<Detector, Double> share : shares.entrySet()) {
                if (share.getValue() > 0 && random.nextDouble() < share.getValue()) {
                    anomaly = new Active(share.getKey());
                    anomaly.held = share.getKey() == Detector.SPIKE
                            ? (random.nextBoolean() ? 1 : -1) * (12 + random.nextDouble() * 8) : celsius;
                    active.put(device, anomaly);
                    break;
                }
            }
            if (anomaly == null) {
                return new Reading(celsius, status);
            }
        }
        anomaly.eventIds.add(eventId);
        int step = anomaly.done++;
        Reading changed = switch (anomaly.kind) {
            case SPIKE -> new Reading(round(celsius + anomaly.held), status);
            case STUCK -> new Reading(anomaly.held, status);
            case DRIFT -> new Reading(round(celsius + 8 * Math.min(1, Math.min(step, DRIFT_READINGS - 1 - step) / 20.0)),
                    status);
            case ERROR_BURST -> new Reading(celsius, "ERROR");
        };
        int length = switch (anomaly.kind) {
            case SPIKE -> 1;
            case STUCK -> STUCK_READINGS;
            case DRIFT -> DRIFT_READINGS;
            case ERROR_BURST -> BURST_READINGS;
        };
        if (anomaly.done >= length) {
            active.remove(device);
            labels.addLast(new Label(device, anomaly.kind, List.copyOf(anomaly.eventIds)));
            if (labels.size() > KEPT_LABELS) {
                labels.removeFirst();
            }
        }
        return changed;
    }

    /** The anomalies injected so far and complete (the newest 10,000). */
    public synchronized List<Label> labels() {
        return List.copyOf(labels);
    }

    private static double round(double celsius) {
        return Math.round(celsius * 10) / 10.0;
    }
}
