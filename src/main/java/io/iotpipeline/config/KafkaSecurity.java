package io.iotpipeline.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.settings.Settings;

/**
 * How every Kafka client of the pipeline (the Camel consumers and producers, the topic and lag admin clients) and the
 * embedded broker authenticate: PLAINTEXT, or SASL/SCRAM with one user ({@code kafka.sasl.username}, the password from
 * {@code kafka.sasl.password} or its file). SASL_SSL also takes the JVM's trust store for the broker's certificate.
 */
public record KafkaSecurity(String protocol, String mechanism, String username, String password) {

    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    public static final KafkaSecurity PLAINTEXT = new KafkaSecurity("PLAINTEXT", "SCRAM-SHA-256", null, null);

    public static KafkaSecurity from(Settings property) {
        String protocol = property.text("kafka.security.protocol").toUpperCase(java.util.Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("kafka.security.protocol must be one of " + new java.util.TreeSet<>(PROTOCOLS)
                    + ", got \"" + protocol + "\"");
        }
        if (protocol.equals("PLAINTEXT")) {
            return PLAINTEXT;
        }
        String mechanism = property.text("kafka.sasl.mechanism").toUpperCase(java.util.Locale.ROOT);
        if (!MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("kafka.sasl.mechanism must be one of " + new java.util.TreeSet<>(MECHANISMS)
                    + ", got \"" + mechanism + "\"");
        }
        String username = property.text("kafka.sasl.username");
        String password = property.secret("kafka.sasl.password");
        if (username == null || username.isBlank() || password == null || password.isBlank()) {
            throw new IllegalArgumentException("kafka.security.protocol=" + protocol + " needs kafka.sasl.username and"
                    + " kafka.sasl.password (KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE)");
        }
        if (!username.trim().matches("[A-Za-z0-9_.-]{1,64}")) {
            // it becomes a JAAS option name on the embedded broker's controller listener (user_<name>)
            throw new IllegalArgumentException("kafka.sasl.username must be 1 to 64 letters, digits or _.-");
        }
        return new KafkaSecurity(protocol, mechanism, username.trim(), password);
    }

    public boolean sasl() {
        return !protocol.equals("PLAINTEXT");
    }

    /** The JAAS line of the SCRAM login, for clients and for the broker's own inter-broker client. */
    public String jaasConfig() {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + escaped(username)
                + "\" password=\"" + escaped(password) + "\";";
    }

    /**
     * The JAAS line of a KRaft controller listener that asks for this user through PLAIN (both ends: the controller
     * checks {@code user_<name>}, and a broker connecting to it logs in with username and password).
     */
    public String controllerJaasConfig() {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + escaped(username)
                + "\" password=\"" + escaped(password) + "\" user_" + username + "=\"" + escaped(password) + "\";";
    }

    /** The client settings every producer, consumer and admin client gets, besides bootstrap.servers. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("security.protocol", protocol);
        if (sasl()) {
            properties.put("sasl.mechanism", mechanism);
            properties.put("sasl.jaas.config", jaasConfig());
        }
        return properties;
    }

    private static String escaped(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public String toString() {
        return sasl() ? protocol + " " + mechanism + " as " + username : protocol;
    }
}
