package io.iotpipeline.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iotpipeline.ingest.ReadingRules;

/**
 * A fleet of simulated devices. Each tick yields the events due at the configured rate, in the exact wire format.
 * Temperatures drift as a bounded random walk per (customer, device), so series look like real sensors; some events
 * are late (eventTime in the past) and some are re-sent unchanged, to exercise late-data and duplicate handling.
 */
public class DeviceSimulator {

    private static final int RECENT_EVENTS_KEPT = 256;

    /** One event ready to publish, keyed by its customer. */
    public record SimulatedEvent(String customerId, String eventId, String json, boolean duplicate)
            implements io.iotpipeline.domain.EventToPublish {
    }

    private final SimulatorSettings settings;
    private final Clock clock;
    private final Random random;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Double> temperatures = new HashMap<>();
    private final Map<String, Double> levels = new HashMap<>();
    private final Map<String, String> measures = new HashMap<>();
    /** Per device: what it sends beyond temperature (its device type's measurements, each in its own unit). */
    private final Map<String, List<Sensor>> sensors = new HashMap<>();
    /** Devices ("customer/device") that send nothing until the given time. */
    private final Map<String, Instant> silentUntil = new HashMap<>();
    private Instant nextSilenceAt;
    private final List<SimulatedEvent> recent = new ArrayList<>();
    private double due;
    /** Each customer's stream numbers its events from 10001 without gaps, so a gap downstream means a lost event. */
    private final Map<String, Long> nextOffsets = new HashMap<>();
    private long produced;
    private long emitted;

    private final AnomalyInjector anomalies;

    public DeviceSimulator(SimulatorSettings settings, Clock clock) {
        this(settings, clock, AnomalyInjector.NONE);
    }

    /** A fleet in which some devices misbehave on purpose, as the injector decides and records. */
    public DeviceSimulator(SimulatorSettings settings, Clock clock, AnomalyInjector anomalies) {
        this.settings = settings;
        this.clock = clock;
        this.random = settings.seed() == 0 ? new Random() : new Random(settings.seed());
        this.anomalies = anomalies;
    }

    /** Where anomalies were injected: the ground truth for the detectors. */
    public AnomalyInjector anomalies() {
        return anomalies;
    }

    /** The events due in one tick of {@code tickMs}, including re-sent duplicates. */
    public synchronized List<SimulatedEvent> tick() {
        silenceDevices(clock.instant());
        due += settings.eventsPerSecond() * settings.tickMs() / 1000.0;
        int count = (int) due;
        due -= count;
        List<SimulatedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (!recent.isEmpty() && random.nextDouble() < settings.duplicateShare()) {
                SimulatedEvent original = recent.get(random.nextInt(recent.size()));
                events.add(new SimulatedEvent(original.customerId(), original.eventId(), original.json(), true));
                continue;
            }
            if (!recent.isEmpty() && settings.conflictShare() > 0 && random.nextDouble() < settings.conflictShare()) {
                SimulatedEvent original = recent.get(random.nextInt(recent.size()));
                events.add(new SimulatedEvent(original.customerId(), original.eventId(), withLaterEventTime(original
                        .json()), true));
                continue;
            }
            if (settings.maxEvents() > 0 && produced >= settings.maxEvents()) {
                break;
            }
            SimulatedEvent event = newEvent();
            produced++;
            events.add(event);
            if (recent.size() < RECENT_EVENTS_KEPT) {
                recent.add(event);
            } else {
                recent.set(random.nextInt(RECENT_EVENTS_KEPT), event);
            }
        }
        emitted += events.size();
        return events;
    }

    /** The event's JSON with its eventTime one second later. */
    static String withLaterEventTime(String json) {
        java.util.regex.Matcher time = java.util.regex.Pattern.compile("\"eventTime\":\"([^\"]+)\"").matcher(json);
        if (!time.find()) {
            return json;
        }
        String later = LocalDateTime.parse(time.group(1), ReadingRules.EVENT_TIME).plusSeconds(1)
                .format(ReadingRules.EVENT_TIME_WRITTEN);
        return json.substring(0, time.start(1)) + later + json.substring(time.end(1));
    }

    /** Events handed out so far, re-sent duplicates included. */
    public synchronized long emitted() {
        return emitted;
    }

    /** New (not re-sent) events produced so far. */
    public synchronized long produced() {
        return produced;
    }

    public synchronized boolean finished() {
        return settings.maxEvents() > 0 && produced >= settings.maxEvents();
    }

    SimulatedEvent newEvent() {
        String customerId = String.format("CI%05d", settings.firstCustomerNumber() + random.nextInt(settings.customers()));
        String eventId = UUID.randomUUID().toString();
        ObjectNode event = json.createObjectNode();
        event.put("eventId", eventId);
        event.put("eventOffset", nextOffsets.merge(customerId, 1L, Long::sum) + 10000);
        event.put("eventPublisher", "device");
        event.put("customerId", customerId);
        ArrayNode devices = event.putObject("data").putArray("devices");
        for (String deviceId : pickDevices(customerId)) {
            String key = customerId + "/" + deviceId;
            String measure = measures.computeIfAbsent(key,
                    k -> random.nextDouble() < settings.fahrenheitShare() ? "F" : "C");
            AnomalyInjector.Reading reading = anomalies.apply(key, eventId, nextTemperature(key), pickStatus());
            double celsius = reading.celsius();
            ObjectNode device = devices.addObject();
            device.put("deviceId", deviceId);
            device.put("temperature", measure.equals("F") ? Math.round((celsius * 9 / 5 + 32) * 10) / 10.0 : celsius);
            device.put("measure", measure);
            device.put("status", reading.status());
            for (Sensor sensor : sensors.computeIfAbsent(key, k -> sensorsOfNewDevice())) {
                sensor.addTo(device, random);
            }
        }
        event.put("eventTime", eventTime().format(ReadingRules.EVENT_TIME_WRITTEN));
        return new SimulatedEvent(customerId, eventId, event.toString(), false);
    }

    private List<String> pickDevices(String customerId) {
        int span = settings.maxDevicesPerEvent() - settings.minDevicesPerEvent() + 1;
        int count = settings.minDevicesPerEvent() + random.nextInt(span);
        List<String> pool = new ArrayList<>(settings.devices());
        for (int d = 1; d <= settings.devices(); d++) {
            String deviceId = String.format("D%03d", d);
            if (!silentUntil.containsKey(customerId + "/" + deviceId)) {
                pool.add(deviceId);
            }
        }
        if (pool.isEmpty()) {
            pool.add(String.format("D%03d", 1 + random.nextInt(settings.devices())));
        }
        Collections.shuffle(pool, random);
        List<String> picked = new ArrayList<>(pool.subList(0, Math.min(count, pool.size())));
        Collections.sort(picked);
        return picked;
    }

    /** Every {@code silenceEverySeconds} one random device goes quiet for {@code silenceSeconds}. */
    private void silenceDevices(Instant now) {
        silentUntil.values().removeIf(until -> !now.isBefore(until));
        if (settings.silenceEverySeconds() <= 0) {
            return;
        }
        if (nextSilenceAt == null) {
            nextSilenceAt = now.plusSeconds(settings.silenceEverySeconds());
        } else if (!now.isBefore(nextSilenceAt)) {
            String device = String.format("CI%05d/D%03d", settings.firstCustomerNumber()
                    + random.nextInt(settings.customers()), 1 + random.nextInt(settings.devices()));
            silentUntil.put(device, now.plusSeconds(settings.silenceSeconds()));
            nextSilenceAt = now.plusSeconds(settings.silenceEverySeconds());
        }
    }

    /** Devices ("customer/device") silent right now. */
    public synchronized java.util.Set<String> silentDevices() {
        return java.util.Set.copyOf(silentUntil.keySet());
    }

    /**
     * A bounded random walk pulled gently towards the device's own normal level (somewhere in the middle half of the
     * range): drift, not white noise, and no device wanders off its level by itself (the anomaly detectors' ground
     * truth counts on that).
     */
    double nextTemperature(String device) {
        double min = settings.minTemperature();
        double max = settings.maxTemperature();
        double level = levels.computeIfAbsent(device, d -> (min + max) / 2 + (random.nextDouble() - 0.5) * (max - min) / 2);
        double current = temperatures.computeIfAbsent(device, d -> level);
        double step = (random.nextDouble() * 2 - 1) * settings.maxStepPerReading() + (level - current) * 0.02;
        double next = Math.max(min, Math.min(max, current + step));
        temperatures.put(device, next);
        return Math.round(next * 10) / 10.0;
    }

    /**
     * A new device's measurements beyond temperature: its type drawn from {@code simulator.fleet}, each measurement of
     * the type in a unit drawn from {@code simulator.units.<measurement>} (no draw for a fleet of one type, so a
     * fleet of thermometers draws what it drew before device types).
     */
    private List<Sensor> sensorsOfNewDevice() {
        SimulatorSettings.Fleet fleet = settings.fleet();
        if (fleet.catalog().definitions().isEmpty()) {
            return List.of();
        }
        String type = fleet.types().size() == 1 ? fleet.types().keySet().iterator().next() : pick(fleet.types());
        List<String> measured = fleet.catalog().deviceTypes().stream().filter(t -> t.name().equals(type)).findFirst()
                .orElseThrow().measurements();
        List<Sensor> sensors = new ArrayList<>(measured.size());
        for (var definition : fleet.catalog().definitions()) {
            if (measured.contains(definition.name())) {
                Map<String, Double> units = fleet.units().get(definition.name());
                sensors.add(new Sensor(definition, units == null ? definition.unit() : pick(units), random));
            }
        }
        return sensors;
    }

    /**
     * One measurement of one device: a slow random walk from a level drawn in the measurement's typical values (the
     * middle fifth of its range when the catalog gives none), never more than one typical span beyond them nor outside
     * the range, sent in the device's unit.
     */
    static final class Sensor {
        private final io.iotpipeline.ingest.MeasurementCatalog.Definition definition;
        private final String unit;
        private final double low;
        private final double high;
        private double value;

        Sensor(io.iotpipeline.ingest.MeasurementCatalog.Definition definition, String unit, Random random) {
            this.definition = definition;
            this.unit = unit;
            var typical = definition.typical();
            if (typical == null && definition.range() != null) {
                double span = definition.range().max() - definition.range().min();
                typical = new io.iotpipeline.ingest.MeasurementCatalog.Range(definition.range().min() + span * 0.4,
                        definition.range().max() - span * 0.4);
            }
            this.low = typical == null ? 0 : typical.min();
            this.high = typical == null ? 100 : typical.max();
            this.value = low + random.nextDouble() * (high - low);
        }

        void addTo(ObjectNode device, Random random) {
            double span = high - low;
            // as far again beyond the typical values, never outside the valid range
            double floor = definition.range() == null ? low - span : Math.max(definition.range().min(), low - span);
            double ceiling = definition.range() == null ? high + span : Math.min(definition.range().max(), high + span);
            value = Math.max(floor, Math.min(ceiling, value + (random.nextDouble() * 2 - 1) * span / 100));
            device.put(definition.field(), sent(definition, unit, value));
            if (!unit.equals(definition.unit())) {
                device.put(definition.unitField(), unit);
            }
        }
    }

    /**
     * A canonical value as a device sending in {@code unit} sends it: converted back, to about a tenth of a canonical
     * unit (1013.2 hPa is 14.695 psi, 101.32 kPa).
     */
    static double sent(io.iotpipeline.ingest.MeasurementCatalog.Definition definition, String unit, double canonical) {
        var conversion = definition.conversion(unit);
        int decimals = (int) Math.max(0, Math.ceil(Math.log10(Math.abs(conversion.factor()) * 10) - 1e-9));
        return java.math.BigDecimal.valueOf(conversion.fromCanonical(canonical))
                .setScale(decimals, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    private String pickStatus() {
        return pick(settings.statusMix());
    }

    private String pick(Map<String, Double> weights) {
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double roll = random.nextDouble() * total;
        String last = null;
        for (Map.Entry<String, Double> entry : weights.entrySet()) {
            last = entry.getKey();
            roll -= entry.getValue();
            if (roll < 0) {
                return last;
            }
        }
        return last;
    }

    private LocalDateTime eventTime() {
        LocalDateTime now = LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
        if (random.nextDouble() < settings.lateShare()) {
            return now.minusSeconds(1 + (long) (random.nextDouble() * settings.lateMaxSeconds()));
        }
        return now;
    }
}
