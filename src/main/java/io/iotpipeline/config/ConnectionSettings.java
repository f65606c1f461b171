package io.iotpipeline.config;

import java.nio.file.Path;

import io.iotpipeline.settings.Settings;

/**
 * Where the pipeline's servers are: PostgreSQL ({@code db.*}), Kafka ({@code kafka.*}) and the optional MQTT broker
 * ({@code mqtt.*}). An empty {@code db.url} or {@code kafka.brokers} means the embedded server, when
 * {@code embeddedServers.enabled}.
 */
public record ConnectionSettings(boolean embeddedAllowed, Database database, Kafka kafka, Mqtt mqtt) {

    /**
     * @param connectTimeoutSeconds longest wait for a new connection (pgjdbc connectTimeout)
     * @param socketTimeoutSeconds  longest wait for any answer on an open connection (pgjdbc socketTimeout): a
     *                              connection that went silent (a dead host, a firewall that dropped its state) is
     *                              closed instead of holding its thread forever; longer than any statement
     * @param validationTimeoutSeconds longest check of a pooled connection before it is lent out
     */
    public record Database(String url, String user, String password, int maxConnections, Path embeddedDataDir,
            int embeddedPort, int connectTimeoutSeconds, int socketTimeoutSeconds, int validationTimeoutSeconds) {
    }

    public record Kafka(String brokers, KafkaSecurity security, String topic, String alertsTopic, int partitions,
            short replicationFactor, String groupId, Path embeddedDataDir, int embeddedPort,
            int embeddedControllerPort) {
    }

    /** {@code enabled} false: no MQTT subscription at all. */
    public record Mqtt(boolean enabled, String brokerUrl, String topic, String clientId, String username,
            String password, long sessionExpirySeconds) {
    }

    public static ConnectionSettings from(Settings settings) {
        boolean embeddedAllowed = settings.flag("embeddedServers.enabled");
        String dbUrl = settings.text("db.url");
        String brokers = settings.text("kafka.brokers");
        if (!embeddedAllowed && (dbUrl.isEmpty() || brokers.isEmpty())) {
            throw new IllegalStateException("embeddedServers.enabled=false, so set both kafka.brokers (KAFKA_BROKERS)"
                    + " and db.url (DB_URL); missing: " + missing(dbUrl, brokers));
        }
        int replication = settings.positiveInt("kafka.topic.replicationFactor");
        if (replication > Short.MAX_VALUE) {
            throw settings.invalid("kafka.topic.replicationFactor", "a replication factor (1 to 32767)",
                    String.valueOf(replication));
        }
        Database database = new Database(dbUrl, settings.text("db.user"), settings.secret("db.password"),
                settings.positiveInt("db.pool.maxConnections"), Path.of(settings.text("db.embedded.dataDir")),
                settings.port("db.embedded.port"), settings.positiveInt("db.connectTimeoutSeconds"),
                settings.positiveInt("db.socketTimeoutSeconds"), settings.positiveInt("db.validationTimeoutSeconds"));
        Kafka kafka = new Kafka(brokers, KafkaSecurity.from(settings), settings.text("kafka.topic"),
                settings.text("alerts.topic"), settings.positiveInt("kafka.topic.partitions"), (short) replication,
                settings.text("kafka.consumer.groupId"), Path.of(settings.text("kafka.embedded.dataDir")),
                settings.port("kafka.embedded.port"), settings.port("kafka.embedded.controllerPort"));
        boolean mqttEnabled = settings.flag("mqtt.enabled");
        Mqtt mqtt = new Mqtt(mqttEnabled, settings.text("mqtt.brokerUrl"), settings.text("mqtt.topic"),
                settings.text("mqtt.clientId"), settings.text("mqtt.username"),
                mqttEnabled ? settings.secret("mqtt.password") : null, settings.nonNegativeLong("mqtt.sessionExpirySeconds"));
        if (mqttEnabled && settings.flag("auth.enabled") && (mqtt.username().isBlank() || mqtt.password().isBlank())) {
            // every message on the topic becomes events of the customers it names: with access control on, the
            // pipeline logs in to its broker like every other client, which the broker must then require of all
            throw new IllegalStateException("auth.enabled=true and mqtt.enabled=true: set mqtt.username (MQTT_USERNAME)"
                    + " and mqtt.password (MQTT_PASSWORD or MQTT_PASSWORD_FILE), and have the MQTT broker refuse"
                    + " anonymous clients");
        }
        return new ConnectionSettings(embeddedAllowed, database, kafka, mqtt);
    }

    /** The connection settings left empty, for which the embedded servers would start: "" when none. */
    public String missing() {
        return missing(database.url(), kafka.brokers());
    }

    private static String missing(String dbUrl, String brokers) {
        return ((dbUrl.isEmpty() ? "db.url " : "") + (brokers.isEmpty() ? "kafka.brokers" : "")).trim();
    }
}
