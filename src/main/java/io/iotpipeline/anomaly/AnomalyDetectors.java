package io.iotpipeline.anomaly;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The online detectors over each device's readings. State is per device (customer/device), a few numbers each, and
 * bounded: at most {@code maxDevices} devices, the least recently seen is forgotten first. Thread-safe: the ingest
 * threads share one instance, so a device's readings are judged together whichever partition and thread they came
 * through; a batch is judged under one lock, which costs little next to storing it.
 */
public final class AnomalyDetectors {

    /** Event times remembered per device to recognise a reading seen before (a redelivery or a duplicate). */
    private static final int REMEMBERED_READINGS = 16;

    private final DetectorSettings settings;
    private final String measurement;
    private final String unit;
    private final Map<String, DeviceState> devices;

    /** The detectors of temperature. */
    public AnomalyDetectors(DetectorSettings settings) {
        this(settings, Anomaly.TEMPERATURE, "°C");
    }

    /** The detectors of one measurement: its findings name it. */
    public AnomalyDetectors(DetectorSettings settings, String measurement, String unit) {
        this.settings = settings;
        this.measurement = measurement;
        this.unit = unit;
        this.devices = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DeviceState> eldest) {
                return size() > settings.maxDevices();
            }
        };
    }

    /** A batch's findings, and how each device it touched was before it, to {@link #rollback} it. */
    public record Judgement(List<Anomaly> found, Map<String, DeviceState> before) {
    }

    /**
     * Judges a batch's readings, each device's in event-time order (a batch may hold them in any order), and
     * remembers how each device was before, so a batch that could not be stored can be rolled back and judged again
     * when it is read again.
     */
    public synchronized Judgement judge(List<Observation> readings) {
        List<Observation> inEventTimeOrder = new ArrayList<>(readings);
        inEventTimeOrder.sort(java.util.Comparator.comparing(Observation::eventTime));
        Map<String, DeviceState> before = new java.util.HashMap<>();
        List<Anomaly> found = new ArrayList<>();
        Judgement judgement = new Judgement(found, before);
        try {
            for (Observation reading : inEventTimeOrder) {
                String key = key(reading);
                if (!before.containsKey(key)) {
                    DeviceState state = devices.get(key);
                    before.put(key, state == null ? null : state.copy());
                }
                observe(key, reading, found);
            }
        } catch (RuntimeException e) {
            rollback(judgement);
            throw e;
        }
        return judgement;
    }

    /** The batch could not be stored: the devices it touched are as before it. */
    public synchronized void rollback(Judgement judgement) {
        judgement.before().forEach((key, before) -> {
            if (before == null) {
                devices.remove(key);
            } else {
                devices.put(key, before);
            }
        });
    }

    /** The measurement these detectors judge. */
    public String measurement() {
        return measurement;
    }

    /** Devices with state, at most {@code maxDevices}. */
    public int trackedDevices() {
        return devices.size();
    }

    /**
     * Feeds one reading; returns what it reveals, usually nothing. A reading seen before (a redelivery or a duplicate)
     * is skipped, and so is one older than the device's newest judged reading by more than the reorder window, so
     * feeding the same readings twice finds nothing twice.
     */
    public synchronized List<Anomaly> observe(Observation reading) {
        List<Anomaly> found = new ArrayList<>(1);
        observe(key(reading), reading, found);
        return found;
    }

    // adds to the batch's findings: no list per reading (the profile's)
    private void observe(String key, Observation reading, List<Anomaly> found) {
        DeviceState state = devices.computeIfAbsent(key, k -> new DeviceState());
        if (state.newest != null && reading.eventTime().isBefore(state.newest.minus(settings.reorderWindow()))) {
            return;
        }
        long micros = micros(reading.eventTime());
        for (long seen : state.recent) {
            if (seen == micros) {
                return;
            }
        }
        state.recent[state.nextRecent] = micros;
        state.nextRecent = (state.nextRecent + 1) % REMEMBERED_READINGS;
        if (state.newest == null || reading.eventTime().isAfter(state.newest)) {
            state.newest = reading.eventTime();
        }
        if (settings.spikeEnabled()) {
            spike(state, reading, found);
        }
        if (settings.stuckEnabled()) {
            stuck(state, reading, found);
        }
        if (settings.driftEnabled()) {
            drift(state, reading, found);
        }
        if (settings.burstEnabled()) {
            errorBurst(state, reading, found);
        }
    }

    private static String key(Observation reading) {
        return reading.customerId() + "/" + reading.deviceId();
    }

    private static long micros(LocalDateTime time) {
        return time.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000 + time.getNano() / 1_000;
    }

    /** Exponentially weighted mean and variance; a reading is judged before it is learned, a spike learned clipped. */
    private void spike(DeviceState s, Observation reading, List<Anomaly> found) {
        double x = reading.value();
        if (s.spikeReadings == 0) {
            s.spikeMean = x;
            s.spikeReadings = 1;
            return;
        }
        double std = Math.max(settings.spikeMinStd(), Math.sqrt(s.spikeVariance));
        double deviation = Math.abs(x - s.spikeMean) / std;
        if (s.spikeReadings >= settings.spikeWarmup() && deviation > settings.spikeSigmas()) {
            double margin = settings.spikeSigmas() * std;
            found.add(anomaly(reading, Detector.SPIKE, deviation, s.spikeMean - margin, s.spikeMean + margin));
            // learned only up to the edge of the normal range: one spike barely moves the mean, a lasting level
            // shift is followed within a few readings instead of firing forever
            x = s.spikeMean + Math.signum(x - s.spikeMean) * margin;
        }
        if (x == s.spikeLast) {
            return; // a repeated value says nothing about the device's variability (a stuck sensor would shrink it)
        }
        s.spikeLast = x;
        double alpha = settings.spikeAlpha();
        double difference = x - s.spikeMean;
        s.spikeMean += alpha * difference;
        s.spikeVariance = (1 - alpha) * (s.spikeVariance + alpha * difference * difference);
        s.spikeReadings++;
    }

    /** Fires once when the same value has come {@code stuckRepeats} times in a row, again only after it changes. */
    private void stuck(DeviceState s, Observation reading, List<Anomaly> found) {
        if (s.stuckRun > 0 && reading.value() == s.stuckValue) {
            s.stuckRun++;
        } else {
            s.stuckValue = reading.value();
            s.stuckRun = 1;
        }
        if (s.stuckRun == settings.stuckRepeats()) {
            found.add(anomaly(reading, Detector.STUCK, s.stuckRun, Double.NaN, Double.NaN));
        }
    }

    /**
     * The baseline is the mean of the device's first readings, then follows it very slowly while it stays in band;
     * the running mean is an exponentially weighted mean. Fires once per excursion that lasts {@code driftFor}.
     */
    private void drift(DeviceState s, Observation reading, List<Anomaly> found) {
        double x = reading.value();
        if (s.driftReadings < settings.driftWarmup()) {
            s.driftReadings++;
            s.baseline += (x - s.baseline) / s.driftReadings;
            s.running = s.baseline;
            return;
        }
        s.running += settings.driftAlpha() * (x - s.running);
        double band = settings.driftBand();
        boolean outside = Math.abs(s.running - s.baseline) > band;
        if (!outside) {
            s.outsideSince = null;
            s.driftReported = false;
            s.baseline += 0.001 * (x - s.baseline);
            return;
        }
        if (s.outsideSince == null) {
            s.outsideSince = reading.eventTime();
        }
        if (!s.driftReported && !Duration.between(s.outsideSince, reading.eventTime()).minus(settings.driftFor()).isNegative()) {
            s.driftReported = true;
            found.add(anomaly(reading, Detector.DRIFT, Math.abs(s.running - s.baseline) / band, s.baseline - band,
                    s.baseline + band));
        }
    }

    /**
     * More than {@code burstErrors} ERROR statuses within {@code burstWindow} (event time). One finding per burst: the
     * errors of the next window belong to the same burst and count afresh only after it.
     */
    private void errorBurst(DeviceState s, Observation reading, List<Anomaly> found) {
        if (!"ERROR".equals(reading.status())
                || (s.burstQuietUntil != null && reading.eventTime().isBefore(s.burstQuietUntil))) {
            return;
        }
        LocalDateTime since = reading.eventTime().minus(settings.burstWindow());
        while (!s.errors.isEmpty() && s.errors.peekFirst().isBefore(since)) {
            s.errors.pollFirst();
        }
        s.errors.addLast(reading.eventTime());
        if (s.errors.size() > settings.burstErrors()) {
            found.add(anomaly(reading, Detector.ERROR_BURST, s.errors.size(), 0, settings.burstErrors()));
            s.errors.clear();
            s.burstQuietUntil = reading.eventTime().plus(settings.burstWindow());
        }
    }

    private Anomaly anomaly(Observation reading, Detector detector, double score, double low, double high) {
        return new Anomaly(reading.customerId(), reading.deviceId(), reading.eventId().toString(), detector, score, low, high,
                reading.value(), reading.eventTime(), measurement, unit);
    }

    /** A few numbers per device. */
    public static final class DeviceState {
        LocalDateTime newest;
        final long[] recent = new long[REMEMBERED_READINGS];
        int nextRecent;

        {
            java.util.Arrays.fill(recent, Long.MIN_VALUE);
        }
        long spikeReadings;
        double spikeLast = Double.NaN;
        double spikeMean;
        double spikeVariance;
        double stuckValue;
        int stuckRun;
        int driftReadings;
        double baseline;
        double running;
        LocalDateTime outsideSince;
        boolean driftReported;
        final ArrayDeque<LocalDateTime> errors = new ArrayDeque<>();
        LocalDateTime burstQuietUntil;

        DeviceState copy() {
            DeviceState copy = new DeviceState();
            copy.newest = newest;
            System.arraycopy(recent, 0, copy.recent, 0, REMEMBERED_READINGS);
            copy.nextRecent = nextRecent;
            copy.spikeReadings = spikeReadings;
            copy.spikeLast = spikeLast;
            copy.spikeMean = spikeMean;
            copy.spikeVariance = spikeVariance;
            copy.stuckValue = stuckValue;
            copy.stuckRun = stuckRun;
            copy.driftReadings = driftReadings;
            copy.baseline = baseline;
            copy.running = running;
            copy.outsideSince = outsideSince;
            copy.driftReported = driftReported;
            copy.errors.addAll(errors);
            copy.burstQuietUntil = burstQuietUntil;
            return copy;
        }
    }
}
