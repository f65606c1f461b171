package io.iotpipeline;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.access.AccessSettings;
import io.iotpipeline.config.ConnectionSettings;
import io.iotpipeline.config.KafkaSecurity;
import io.iotpipeline.settings.Settings;
import io.iotpipeline.config.ZeroInstallServers;
import io.iotpipeline.access.FrontDoor;
import io.iotpipeline.analytics.AnalyticsSettings;
import io.iotpipeline.anomaly.AnomalyDetectors;
import io.iotpipeline.anomaly.AnomalyState;
import io.iotpipeline.anomaly.DetectionSettings;
import io.iotpipeline.anomaly.DetectorSettings;
import io.iotpipeline.api.ApiSettings;
import io.iotpipeline.ingest.IngestSettings;
import io.iotpipeline.ingest.KafkaTopics;
import io.iotpipeline.ingest.MqttSubscription;
import io.iotpipeline.ingest.PublishFailures;
import io.iotpipeline.ingest.PublishHealthCheck;
import io.iotpipeline.ingest.MeasurementCatalog;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.ConsumerLag;
import io.iotpipeline.store.DatabaseHealthCheck;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.ops.RouteXmlWithIds;
import io.iotpipeline.simulator.AnomalyInjector;
import io.iotpipeline.simulator.DeviceSimulator;
import io.iotpipeline.simulator.SimulatorSettings;
import io.iotpipeline.store.Database;
import io.iotpipeline.store.StoreSettings;
import io.iotpipeline.store.WriteFailures;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the pipeline to Kafka and PostgreSQL before the routes start. With {@code kafka.brokers} or {@code db.url}
 * unset it first starts the embedded server for it ({@link ZeroInstallServers}, in the zero-install jar only); the
 * routes then use exactly the same path as with external ones.
 */
@Configuration
public class PipelineSetup implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSetup.class);

    /** The class of the embedded servers: absent from the deployed jar. */
    private final String zeroInstallServers;

    public PipelineSetup() {
        this(ZeroInstallServers.IMPLEMENTATION);
    }

    PipelineSetup(String zeroInstallServers) {
        this.zeroInstallServers = zeroInstallServers;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        java.util.Deque<AutoCloseable> started = new java.util.ArrayDeque<>();
        try {
            connect(context, started);
        } catch (Exception | Error e) {
            // the context will not start, so it will not stop them either: an embedded PostgreSQL left running
            // would hold its port and make the next start hang
            while (!started.isEmpty()) {
                new ClosingService(started.pop()).stop();
            }
            throw e;
        }
    }

    /**
     * Every setting, read and checked once before anything starts: a bad value refuses the start with the property's
     * name and value. Each concern's settings are bound by type for the routes and beans that need them.
     */
    public static ConnectionSettings bindSettings(CamelContext context) {
        Settings settings = Settings.of(context);
        ConnectionSettings connections = ConnectionSettings.from(settings);
        var registry = context.getRegistry();
        MeasurementCatalog catalog = measurementCatalog(context, settings);
        SimulatorSettings simulator = SimulatorSettings.from(settings, catalog);
        for (Object bound : new Object[] {AccessSettings.from(settings), IngestSettings.from(settings),
                AnalyticsSettings.from(settings), DetectionSettings.from(settings), StoreSettings.from(settings),
                ApiSettings.from(settings), simulator}) {
            registry.bind(bound.getClass().getSimpleName(), bound);
        }
        registry.bind("readingRules", ReadingRules.from(settings, catalog));
        // each catalog measurement with detectors: temperature's settings (anomaly.*) but for what the catalog overrides;
        // built here, so a catalog mistake stops the start before any server does (their state is rebuilt in connect)
        DetectorSettings temperature = registry.findSingleByType(DetectionSettings.class).detectors();
        registry.bind("measurementDetectors", catalog.definitions().stream()
                .filter(measurement -> !measurement.detectors().isEmpty())
                .map(measurement -> new AnomalyDetectors(temperature.forMeasurement(measurement.name(),
                        measurement.detectors()), measurement.name(), measurement.unit()))
                .toList());
        registry.bind("anomalyInjector", AnomalyInjector.from(settings, simulator.seed()));
        return connections;
    }

    /** The measurement catalog that {@code measurements.catalog} names (classpath: or file:), read and checked once. */
    static MeasurementCatalog measurementCatalog(CamelContext context, Settings settings) {
        String location = settings.text("measurements.catalog");
        if (location.isEmpty()) {
            return MeasurementCatalog.NONE;
        }
        var resource = org.apache.camel.support.PluginHelper.getResourceLoader(context).resolveResource(location);
        if (resource == null || !resource.exists()) {
            throw new IllegalArgumentException("measurements.catalog: " + location + " does not exist");
        }
        try (var yaml = resource.getInputStream()) {
            MeasurementCatalog catalog = MeasurementCatalog.read(yaml, location);
            LOG.info("Measurements ({}): {}", location, catalog);
            return catalog;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("measurements.catalog: " + location + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void connect(CamelContext context, java.util.Deque<AutoCloseable> started) throws Exception {
        ConnectionSettings connections = bindSettings(context);
        // before anything starts: an artifact without the embedded servers refuses to start with what to set
        ZeroInstallServers embedded = connections.missing().isEmpty() ? null
                : ZeroInstallServers.require(zeroInstallServers, connections.missing());
        var registry = context.getRegistry();
        FrontDoor.install(context, registry.findSingleByType(AccessSettings.class));
        RouteXmlWithIds.install(context);
        ConnectionSettings.Database db = connections.database();
        String dbUrl = db.url();
        String dbUser = db.user();
        String dbPassword = db.password();
        String passwordHint = "";
        if (dbUrl.isEmpty()) {
            ZeroInstallServers.Database database = embedded.startDatabase(db.embeddedDataDir(), db.embeddedPort());
            own(context, started, database.server());
            dbUrl = database.jdbcUrl();
            dbUser = database.user();
            dbPassword = database.password();
            passwordHint = " (PGPASSWORD: app.password of " + database.credentials() + ")";
        }
        BasicDataSource dataSource = Database.pool(dbUrl, dbUser, dbPassword, db);
        own(context, started, dataSource);
        Database.migrate(dataSource, dbUrl, dbUser);
        Database.saveSetting(dataSource, "metrics.windowSeconds",
                String.valueOf(registry.findSingleByType(AnalyticsSettings.class).windowSeconds()));
        Database.saveSetting(dataSource, "streams.maxOffsetJump",
                String.valueOf(registry.findSingleByType(AnalyticsSettings.class).maxOffsetJump()));
        registry.bind("dataSource", dataSource);
        var healthChecks = org.apache.camel.health.HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            DatabaseHealthCheck databaseHealth = new DatabaseHealthCheck(dataSource, WriteFailures.of(context));
            own(context, started, databaseHealth);
            healthChecks.register(databaseHealth);
            healthChecks.register(new PublishHealthCheck(PublishFailures.of(context)));
        }

        ConnectionSettings.Kafka kafkaSettings = connections.kafka();
        String brokers = kafkaSettings.brokers();
        KafkaSecurity kafkaSecurity = kafkaSettings.security();
        if (brokers.isEmpty()) {
            ZeroInstallServers.Kafka kafka = embedded.startKafka(kafkaSettings.embeddedDataDir(),
                    kafkaSettings.embeddedPort(), kafkaSettings.embeddedControllerPort(), kafkaSecurity);
            own(context, started, kafka.server());
            brokers = kafka.bootstrapServers();
            kafkaSecurity = kafka.security();
        }
        java.util.Set<String> topics = new java.util.LinkedHashSet<>(List.of(kafkaSettings.topic(), kafkaSettings.alertsTopic()));
        topics.addAll(templatedTopics(context));
        for (String topic : topics) {
            KafkaTopics.ensure(brokers, kafkaSecurity, topic, kafkaSettings.partitions(),
                    kafkaSettings.replicationFactor());
        }
        var kafkaClients = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        kafkaClients.setBrokers(brokers);
        kafkaClients.setSecurityProtocol(kafkaSecurity.protocol());
        if (kafkaSecurity.sasl()) {
            kafkaClients.setSaslMechanism(kafkaSecurity.mechanism());
            kafkaClients.setSaslJaasConfig(kafkaSecurity.jaasConfig());
        }

        // tests bind a clock they can move before the context starts
        Clock clock = registry.lookupByNameAndType("clock", Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            registry.bind("clock", clock);
        }
        DetectionSettings detection = registry.findSingleByType(DetectionSettings.class);
        @SuppressWarnings("unchecked")
        List<AnomalyDetectors> measurementDetectors = registry.lookupByNameAndType("measurementDetectors", List.class);
        for (AnomalyDetectors detectors : measurementDetectors) {
            AnomalyState.rebuilt(detectors, dataSource, detection.rebuildReadingsPerDevice(), detection.rebuildHours());
        }
        registry.bind("anomalyDetectors", AnomalyState.rebuilt(new AnomalyDetectors(detection.detectors()),
                dataSource, detection.rebuildReadingsPerDevice(), detection.rebuildHours()));
        List<ConsumerLag.Subscription> subscriptions = new ArrayList<>(templatedInstances(context));
        subscriptions.add(0, new ConsumerLag.Subscription(kafkaSettings.topic(), kafkaSettings.groupId()));
        ConsumerLag lag = new ConsumerLag(brokers, kafkaSecurity, subscriptions);
        own(context, started, lag);
        registry.bind("pipelineCounters", new PipelineCounters(lag, java.util.Arrays.stream(io.iotpipeline.anomaly.Detector.values())
                .map(io.iotpipeline.anomaly.Detector::id).toList()));
        registry.bind("deviceSimulator", new DeviceSimulator(registry.findSingleByType(SimulatorSettings.class), clock,
                registry.lookupByNameAndType("anomalyInjector", AnomalyInjector.class)));

        ConnectionSettings.Mqtt mqttSettings = connections.mqtt();
        if (mqttSettings.enabled()) {
            MqttSubscription mqtt = new MqttSubscription(context, mqttSettings.brokerUrl(), mqttSettings.topic(),
                    mqttSettings.clientId(), mqttSettings.username(), mqttSettings.password(),
                    mqttSettings.sessionExpirySeconds(), registry.lookupByNameAndType("pipelineCounters",
                            PipelineCounters.class));
            own(context, started, mqtt::stop);
            // subscribe once the routes run, so no message arrives before direct:mqtt-event can take it
            context.addStartupListener(new org.apache.camel.StartupListener() {
                @Override
                public void onCamelContextStarted(CamelContext camelContext, boolean alreadyStarted) {
                }

                @Override
                public void onCamelContextFullyStarted(CamelContext camelContext, boolean alreadyStarted) {
                    mqtt.start();
                }
            });
        }

        LOG.info("Pipeline connected: Kafka {} ({}) topic {}, PostgreSQL {} as {}. Watch rows arrive with:"
                + " psql '{}' -c 'select count(*) from iot_device_events'{}",
                brokers, kafkaSecurity, kafkaSettings.topic(), Database.redacted(dbUrl), dbUser,
                Database.redacted(psqlUrl(dbUrl, dbUser)), passwordHint);
    }

    /** The topics of the pipelines added as instances of the route template (camel.route-template[id].topic). */
    static List<String> templatedTopics(CamelContext context) {
        return templatedInstances(context).stream().map(ConsumerLag.Subscription::topic).distinct().toList();
    }

    /** The topic and group of each pipeline instance added by properties ({@code camel.route-template[id].topic}). */
    static List<ConsumerLag.Subscription> templatedInstances(CamelContext context) {
        var properties = context.getPropertiesComponent().loadProperties(key -> TEMPLATED.matcher(key).matches());
        List<ConsumerLag.Subscription> instances = new ArrayList<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.endsWith(".topic")) {
                String group = properties.getProperty(key.replaceFirst("\\.topic$", ".groupId"));
                instances.add(new ConsumerLag.Subscription(
                        context.resolvePropertyPlaceholders(properties.getProperty(key)),
                        group == null ? null : context.resolvePropertyPlaceholders(group)));
            }
        }
        instances.removeIf(instance -> instance.groupId() == null); // the template refuses it: no group, no instance
        return instances;
    }

    private static final java.util.regex.Pattern TEMPLATED =
            java.util.regex.Pattern.compile("camel\\.(route-template|routeTemplate)\\[[^]]+]\\.(topic|groupId)");

    /** Closes the resource when the context stops, or when the setup fails half-way. */
    private static void own(CamelContext context, java.util.Deque<AutoCloseable> started, AutoCloseable resource)
            throws Exception {
        started.push(resource);
        context.addService(new ClosingService(resource), true, false);
    }

    /** The JDBC URL as a libpq URL, so the log line can be pasted into psql. */
    static String psqlUrl(String jdbcUrl, String user) {
        return jdbcUrl.replaceFirst("^jdbc:postgresql://", "postgresql://" + user + "@");
    }

    /** Closes a resource when the Camel context stops, after the routes (services stop in reverse order of adding). */
    record ClosingService(AutoCloseable closer) implements org.apache.camel.Service {
        @Override
        public void start() {
        }

        @Override
        public void stop() {
            try {
                closer.close();
            } catch (Exception e) {
                LOG.warn("Could not close cleanly: {}", e.getMessage());
            }
        }
    }
}
