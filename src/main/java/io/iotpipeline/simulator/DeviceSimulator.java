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
    /** Per device: the unit it sends pressure in when it is a weather station, "" when it is a thermometer. */
    private final Map<String, String> pressureUnits = new HashMap<>();
    private final Map<String, double[]> weather = new HashMap<>();
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
            String pressureUnit = pressureUnits.computeIfAbsent(key, k -> weatherStationUnit());
            if (!pressureUnit.isEmpty()) {
                double[] air = nextWeather(key);
                device.put("humidity", air[0]);
                device.put("pressure", pressure(air[1], pressureUnit));
                if (!pressureUnit.equals("hPa")) {
                    device.put("pressureUnit", pressureUnit);
                }
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

    /** A new device's pressure unit when it is a weather station, else "" (no draw at all in a fleet of thermometers). */
    private String weatherStationUnit() {
        SimulatorSettings.WeatherStations stations = settings.weatherStations();
        if (stations.share() <= 0 || random.nextDouble() >= stations.share()) {
            return "";
        }
        return pick(stations.pressureUnits());
    }

    /** Humidity (%) and pressure (hPa) of a station: slow random walks around its own level. */
    private double[] nextWeather(String device) {
        double[] air = weather.computeIfAbsent(device, d -> new double[] {40 + random.nextDouble() * 30,
                995 + random.nextDouble() * 30});
        air[0] = Math.max(5, Math.min(98, air[0] + (random.nextDouble() * 2 - 1) * 0.5));
        air[1] = Math.max(960, Math.min(1050, air[1] + (random.nextDouble() * 2 - 1) * 0.3));
        return new double[] {Math.round(air[0] * 10) / 10.0, air[1]};
    }

    /** A pressure in hPa as a station reporting in {@code unit} sends it. */
    static double pressure(double hectopascals, String unit) {
        return switch (unit) {
            case "kPa" -> Math.round(hectopascals * 10) / 100.0;
            case "Pa" -> Math.round(hectopascals * 100);
            case "bar" -> Math.round(hectopascals) / 1000.0;
            case "psi" -> Math.round(hectopascals / 68.94757293168 * 1000) / 1000.0;
            default -> Math.round(hectopascals * 10) / 10.0;
        };
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
