package io.iotpipeline.config;

import java.nio.file.Path;
import java.time.Clock;

import io.iotpipeline.access.AccessSettings;
import io.iotpipeline.access.FrontDoor;
import io.iotpipeline.anomaly.AnomalyState;
import io.iotpipeline.embedded.EmbeddedDatabase;
import io.iotpipeline.embedded.EmbeddedKafka;
import io.iotpipeline.ingest.KafkaTopics;
import io.iotpipeline.ingest.MqttSubscription;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.ConsumerLag;
import io.iotpipeline.ops.DatabaseHealthCheck;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.simulator.DeviceSimulator;
import io.iotpipeline.simulator.SimulatorSettings;
import io.iotpipeline.store.Database;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.Configuration;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.commons.dbcp2.BasicDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the pipeline to Kafka and PostgreSQL before the routes start. With {@code kafka.brokers} or {@code db.url}
 * unset it first starts the embedded server for it; the routes then use exactly the same path as with external ones.
 */
@Configuration
public class PipelineSetup implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSetup.class);

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

    private void connect(CamelContext context, java.util.Deque<AutoCloseable> started) throws Exception {
        var properties = context.getPropertiesComponent();
        java.util.function.Function<String, String> prop = key -> properties.resolveProperty(key)
                .orElseThrow(() -> new IllegalStateException("missing property " + key)).trim();

        String dbUrl = prop.apply("db.url");
        String dbUser = prop.apply("db.user");
        boolean embeddedAllowed = Boolean.parseBoolean(prop.apply("embeddedServers.enabled"));
        if (!embeddedAllowed && (dbUrl.isEmpty() || prop.apply("kafka.brokers").isEmpty())) {
            throw new IllegalStateException("embeddedServers.enabled=false, so set both kafka.brokers (KAFKA_BROKERS)"
                    + " and db.url (DB_URL); missing: " + ((dbUrl.isEmpty() ? "db.url " : "")
                    + (prop.apply("kafka.brokers").isEmpty() ? "kafka.brokers" : "")).trim());
        }
        FrontDoor.install(context, AccessSettings.fromProperties(prop));
        if (dbUrl.isEmpty()) {
            EmbeddedDatabase database = EmbeddedDatabase.start(Path.of(prop.apply("db.embedded.dataDir")),
                    Integer.parseInt(prop.apply("db.embedded.port")));
            own(context, started, database);
            dbUrl = database.jdbcUrl();
            dbUser = "postgres";
        }
        BasicDataSource dataSource = Database.pool(dbUrl, dbUser, SecretSetting.read(prop, "db.password"),
                Integer.parseInt(prop.apply("db.pool.maxConnections")));
        own(context, started, dataSource);
        Database.migrate(dataSource, dbUrl, dbUser);
        int windowSeconds = Integer.parseInt(prop.apply("metrics.windowSeconds"));
        if (windowSeconds < 1) {
            throw new IllegalArgumentException("metrics.windowSeconds must be at least 1, got " + windowSeconds);
        }
        Database.saveSetting(dataSource, "metrics.windowSeconds", String.valueOf(windowSeconds));
        context.getRegistry().bind("dataSource", dataSource);
        var healthChecks = org.apache.camel.health.HealthCheckRegistry.get(context);
        if (healthChecks != null) {
            DatabaseHealthCheck databaseHealth = new DatabaseHealthCheck(dataSource);
            own(context, started, databaseHealth);
            healthChecks.register(databaseHealth);
        }

        String brokers = prop.apply("kafka.brokers");
        KafkaSecurity kafkaSecurity = KafkaSecurity.fromProperties(prop);
        if (brokers.isEmpty()) {
            EmbeddedKafka kafka = EmbeddedKafka.start(Path.of(prop.apply("kafka.embedded.dataDir")),
                    Integer.parseInt(prop.apply("kafka.embedded.port")),
                    Integer.parseInt(prop.apply("kafka.embedded.controllerPort")), kafkaSecurity);
            own(context, started, kafka);
            brokers = kafka.bootstrapServers();
        }
        KafkaTopics.ensure(brokers, kafkaSecurity, prop.apply("kafka.topic"),
                Integer.parseInt(prop.apply("kafka.topic.partitions")),
                Short.parseShort(prop.apply("kafka.topic.replicationFactor")));
        KafkaTopics.ensure(brokers, kafkaSecurity, prop.apply("alerts.topic"),
                Integer.parseInt(prop.apply("kafka.topic.partitions")),
                Short.parseShort(prop.apply("kafka.topic.replicationFactor")));
        var kafkaClients = context.getComponent("kafka", KafkaComponent.class).getConfiguration();
        kafkaClients.setBrokers(brokers);
        kafkaClients.setSecurityProtocol(kafkaSecurity.protocol());
        if (kafkaSecurity.sasl()) {
            kafkaClients.setSaslMechanism(kafkaSecurity.mechanism());
            kafkaClients.setSaslJaasConfig(kafkaSecurity.jaasConfig());
        }

        // tests bind a clock they can move before the context starts
        Clock clock = context.getRegistry().lookupByNameAndType("clock", Clock.class);
        if (clock == null) {
            clock = Clock.systemUTC();
            context.getRegistry().bind("clock", clock);
        }
        context.getRegistry().bind("readingRules", ReadingRules.fromProperties(prop));
        context.getRegistry().bind("anomalyDetectors", AnomalyState.rebuilt(
                new io.iotpipeline.anomaly.AnomalyDetectors(io.iotpipeline.anomaly.DetectorSettings.fromProperties(prop)),
                dataSource, Integer.parseInt(prop.apply("anomaly.rebuild.readingsPerDevice")),
                Integer.parseInt(prop.apply("anomaly.rebuild.hours"))));
        ConsumerLag lag = new ConsumerLag(brokers, kafkaSecurity, prop.apply("kafka.topic"),
                prop.apply("kafka.consumer.groupId"));
        own(context, started, lag);
        context.getRegistry().bind("pipelineCounters", new PipelineCounters(lag));
        SimulatorSettings simulator = simulatorSettings(prop);
        context.getRegistry().bind("deviceSimulator", new DeviceSimulator(simulator, clock,
                io.iotpipeline.simulator.AnomalyInjector.fromProperties(prop, simulator.seed())));

        if (Boolean.parseBoolean(prop.apply("mqtt.enabled"))) {
            MqttSubscription mqtt = new MqttSubscription(context, prop.apply("mqtt.brokerUrl"), prop.apply("mqtt.topic"),
                    prop.apply("mqtt.clientId"), prop.apply("mqtt.username"), SecretSetting.read(prop, "mqtt.password"),
                    Long.parseLong(prop.apply("mqtt.sessionExpirySeconds")));
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
                + " psql '{}' -c 'select count(*) from iot_device_events'",
                brokers, kafkaSecurity, prop.apply("kafka.topic"), Database.redacted(dbUrl), dbUser,
                Database.redacted(psqlUrl(dbUrl, dbUser)));
    }

    static SimulatorSettings simulatorSettings(java.util.function.Function<String, String> prop) {
        return new SimulatorSettings(
                Double.parseDouble(prop.apply("simulator.eventsPerSecond")),
                Long.parseLong(prop.apply("simulator.tickMs")),
                Integer.parseInt(prop.apply("simulator.customers")),
                Integer.parseInt(prop.apply("simulator.firstCustomerNumber")),
                Integer.parseInt(prop.apply("simulator.devices")),
                Integer.parseInt(prop.apply("simulator.devicesPerEvent.min")),
                Integer.parseInt(prop.apply("simulator.devicesPerEvent.max")),
                SimulatorSettings.parseStatusMix(prop.apply("simulator.statusMix")),
                Double.parseDouble(prop.apply("simulator.temperature.min")),
                Double.parseDouble(prop.apply("simulator.temperature.max")),
                Double.parseDouble(prop.apply("simulator.temperature.maxStep")),
                Double.parseDouble(prop.apply("simulator.late.share")),
                Long.parseLong(prop.apply("simulator.late.maxSeconds")),
                Double.parseDouble(prop.apply("simulator.duplicate.share")),
                Double.parseDouble(prop.apply("simulator.fahrenheit.share")),
                Long.parseLong(prop.apply("simulator.silence.everySeconds")),
                Long.parseLong(prop.apply("simulator.silence.seconds")),
                Long.parseLong(prop.apply("simulator.maxEvents")),
                Long.parseLong(prop.apply("simulator.seed")));
    }

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
