package io.iotpipeline.simulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the simulated fleet behaves; every value comes from {@code simulator.*} properties.
 *
 * @param statusMix relative weights of SUCCESS, ERROR, STANDBY
 * @param lateShare share of events whose eventTime lies in the past by up to {@code lateMaxSeconds}
 * @param duplicateShare share of sends that re-send an already sent event unchanged
 * @param conflictShare share of sends that re-send an already sent event with another eventTime: a conflict, which
 *                      the pipeline stores nowhere but in the dead letters (a reading is stored once)
 * @param fahrenheitShare share of devices that report in F instead of C
 * @param silenceEverySeconds every so often one random device stops reporting (0: never)...
 * @param silenceSeconds ...for this long, so it shows up as SILENT
 * @param maxEvents stop after this many new events (0: never)
 * @param seed random seed (0: different each run)
 * @param fleet which device types of the measurement catalog the devices are, and the units they send
 */
public record SimulatorSettings(
        double eventsPerSecond,
        long tickMs,
        int customers,
        int firstCustomerNumber,
        int devices,
        int minDevicesPerEvent,
        int maxDevicesPerEvent,
        Map<String, Double> statusMix,
        double minTemperature,
        double maxTemperature,
        double maxStepPerReading,
        double lateShare,
        long lateMaxSeconds,
        double duplicateShare,
        double conflictShare,
        double fahrenheitShare,
        long silenceEverySeconds,
        long silenceSeconds,
        long maxEvents,
        long seed,
        Fleet fleet) {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SimulatorSettings.class);

    /**
     * The devices by type: each device is one of the catalog's device types, drawn by weight ({@code simulator.fleet},
     * e.g. thermometer:80,weather-station:20), and sends each measurement of its type in one unit, drawn by weight
     * from {@code simulator.units.<measurement>} (e.g. hPa:70,kPa:20,psi:10), else in the canonical unit.
     */
    public record Fleet(io.iotpipeline.ingest.MeasurementCatalog catalog, Map<String, Double> types,
                        Map<String, Map<String, Double>> units) {
        /** A fleet of thermometers only. */
        public static final Fleet THERMOMETERS = new Fleet(io.iotpipeline.ingest.MeasurementCatalog.NONE,
                Map.of(io.iotpipeline.ingest.MeasurementCatalog.THERMOMETER.name(), 1.0), Map.of());

        public Fleet {
            var known = catalog.deviceTypes().stream().map(io.iotpipeline.ingest.MeasurementCatalog.DeviceType::name)
                    .toList();
            for (String type : types.keySet()) {
                if (!known.contains(type)) {
                    throw new IllegalArgumentException("simulator.fleet: " + type + " is not a device type of the"
                            + " measurement catalog (" + String.join(", ", known) + ")");
                }
            }
            if (types.values().stream().anyMatch(w -> w < 0) || types.values().stream().mapToDouble(w -> w).sum() <= 0) {
                throw new IllegalArgumentException("simulator.fleet needs positive weights, e.g. thermometer:80");
            }
            units.forEach((measurement, weights) -> {
                var definition = catalog.definitions().stream().filter(d -> d.name().equals(measurement)).findFirst()
                        .filter(d -> d.units().keySet().containsAll(weights.keySet()))
                        .orElseThrow(() -> new IllegalArgumentException("simulator.units." + measurement + ": "
                                + weights.keySet() + " are not units the catalog lists for " + measurement));
                if (weights.values().stream().mapToDouble(w -> w).sum() <= 0) {
                    throw new IllegalArgumentException("simulator.units." + measurement + " needs positive weights");
                }
            });
        }
    }

    /** A fleet of thermometers only. */
    public SimulatorSettings(double eventsPerSecond, long tickMs, int customers, int firstCustomerNumber, int devices,
            int minDevicesPerEvent, int maxDevicesPerEvent, Map<String, Double> statusMix, double minTemperature,
            double maxTemperature, double maxStepPerReading, double lateShare, long lateMaxSeconds,
            double duplicateShare, double conflictShare, double fahrenheitShare, long silenceEverySeconds,
            long silenceSeconds, long maxEvents, long seed) {
        this(eventsPerSecond, tickMs, customers, firstCustomerNumber, devices, minDevicesPerEvent, maxDevicesPerEvent,
                statusMix, minTemperature, maxTemperature, maxStepPerReading, lateShare, lateMaxSeconds, duplicateShare,
                conflictShare, fahrenheitShare, silenceEverySeconds, silenceSeconds, maxEvents, seed,
                Fleet.THERMOMETERS);
    }

    public SimulatorSettings {
        if (customers < 1 || devices < 1) {
            throw new IllegalArgumentException("simulator.customers and simulator.devices must be at least 1");
        }
        if (minDevicesPerEvent < 1 || maxDevicesPerEvent < minDevicesPerEvent || maxDevicesPerEvent > devices) {
            throw new IllegalArgumentException("simulator devices per event must satisfy 1 <= min <= max <= devices, got "
                    + minDevicesPerEvent + ".." + maxDevicesPerEvent + " of " + devices);
        }
        if (maxTemperature <= minTemperature) {
            throw new IllegalArgumentException("simulator.temperature.max must be above simulator.temperature.min");
        }
        if (statusMix.isEmpty() || statusMix.values().stream().anyMatch(w -> w < 0)
                || statusMix.values().stream().mapToDouble(Double::doubleValue).sum() <= 0) {
            throw new IllegalArgumentException("simulator.statusMix needs positive weights, e.g. SUCCESS:80,ERROR:10,STANDBY:10");
        }
    }

    /** The settings, with a fleet of the catalog's device types. */
    public static SimulatorSettings from(io.iotpipeline.settings.Settings settings,
                                         io.iotpipeline.ingest.MeasurementCatalog catalog) {
        return new SimulatorSettings(
                settings.positiveNumber("simulator.eventsPerSecond"),
                settings.positiveLong("simulator.tickMs"),
                settings.positiveInt("simulator.customers"),
                settings.nonNegativeInt("simulator.firstCustomerNumber"),
                settings.positiveInt("simulator.devices"),
                settings.positiveInt("simulator.devicesPerEvent.min"),
                settings.positiveInt("simulator.devicesPerEvent.max"),
                parseStatusMix(settings.text("simulator.statusMix")),
                settings.number("simulator.temperature.min"),
                settings.number("simulator.temperature.max"),
                settings.number("simulator.temperature.maxStep"),
                settings.share("simulator.late.share"),
                settings.nonNegativeLong("simulator.late.maxSeconds"),
                settings.share("simulator.duplicate.share"),
                settings.share("simulator.conflict.share"),
                settings.share("simulator.fahrenheit.share"),
                settings.nonNegativeLong("simulator.silence.everySeconds"),
                settings.nonNegativeLong("simulator.silence.seconds"),
                settings.nonNegativeLong("simulator.maxEvents"),
                settings.nonNegativeLong("simulator.seed"),
                fleet(settings, catalog));
    }

    private static Fleet fleet(io.iotpipeline.settings.Settings settings, io.iotpipeline.ingest.MeasurementCatalog catalog) {
        if (!settings.textOr("simulator.weatherStations.share", "").isEmpty()) {
            LOG.warn("simulator.weatherStations.* is not read any more: the fleet is simulator.fleet and"
                    + " simulator.units.<measurement> (docs/measurements.md)");
        }
        Map<String, Double> types = weights("simulator.fleet", settings.text("simulator.fleet"));
        if (!catalog.declaresDeviceTypes() && !types.keySet().equals(java.util.Set.of("thermometer"))) {
            // a catalog from before device types, or none: its devices are the seed's thermometers
            LOG.warn("The measurement catalog declares no device types: the simulated fleet is thermometers only, not"
                    + " simulator.fleet = {}", settings.text("simulator.fleet"));
            types = Map.of("thermometer", 1.0);
        }
        Map<String, Map<String, Double>> units = new LinkedHashMap<>();
        for (var measurement : catalog.definitions()) {
            String key = "simulator.units." + measurement.name();
            String mix = settings.textOr(key, "");
            if (!mix.isEmpty()) {
                units.put(measurement.name(), weights(key, mix));
            }
        }
        return new Fleet(catalog, types, units);
    }

    public static Map<String, Double> parseStatusMix(String text) {
        return weights("simulator.statusMix", text);
    }

    /** Parses {@code NAME:weight,NAME:weight}. */
    static Map<String, Double> weights(String key, String text) {
        Map<String, Double> mix = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            String[] kv = part.trim().split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException(key + " entry '" + part + "' is not NAME:weight");
            }
            try {
                double weight = Double.parseDouble(kv[1].trim());
                if (!Double.isFinite(weight) || weight < 0) {
                    throw new IllegalArgumentException(key + " entry '" + part + "' needs a weight of 0 or more");
                }
                mix.put(kv[0].trim(), weight);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " entry '" + part + "' has no number as weight");
            }
        }
        return mix;
    }
}
