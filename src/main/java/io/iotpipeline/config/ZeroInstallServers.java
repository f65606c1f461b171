package io.iotpipeline.config;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The zero-install run's own servers, an embedded PostgreSQL and Kafka broker, started when {@code db.url} or
 * {@code kafka.brokers} is empty. Only the zero-install jar ({@code iot-pipeline.jar}) holds them
 * ({@code io.iotpipeline.embedded}); the deployed one ({@code iot-pipeline-service.jar}) leaves them and their
 * dependencies out. So the pipeline reaches them by class name, and links none of their classes unless it starts one.
 */
public interface ZeroInstallServers {

    /** The implementation, in the zero-install jar only. */
    String IMPLEMENTATION = "io.iotpipeline.embedded.ZeroInstall";

    /** A started PostgreSQL: where it is, who the pipeline connects as, and the owner-only file with the passwords. */
    record Database(AutoCloseable server, String jdbcUrl, String user, String password, Path credentials) {
    }

    /** A started broker, and the login its clients need. */
    record Kafka(AutoCloseable server, String bootstrapServers, KafkaSecurity security) {
    }

    Database startDatabase(Path dataDirectory, int port) throws IOException;

    /** @param configured the login from the settings; a fresh zero-install broker generates a SCRAM user instead */
    Kafka startKafka(Path dataDirectory, int port, int controllerPort, KafkaSecurity configured) throws IOException;

    /** Whether this artifact holds the embedded servers (and the {@code broker} and {@code replay} commands). */
    static boolean inThisArtifact() {
        return inThisArtifact(IMPLEMENTATION);
    }

    static boolean inThisArtifact(String implementation) {
        try {
            Class.forName(implementation, false, ZeroInstallServers.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * The embedded servers, or a refusal to start that names the settings which do without them.
     *
     * @param missing the connection settings left empty, e.g. {@code "db.url kafka.brokers"}
     */
    static ZeroInstallServers require(String implementation, String missing) {
        if (!inThisArtifact(implementation)) {
            throw new IllegalStateException("this artifact has no embedded servers: set kafka.brokers (KAFKA_BROKERS)"
                    + " and db.url (DB_URL, with DB_USER and DB_PASSWORD); missing: " + missing + ". The zero-install"
                    + " jar, iot-pipeline.jar, starts its own Kafka and PostgreSQL when they are empty");
        }
        try {
            return (ZeroInstallServers) Class.forName(implementation, true, ZeroInstallServers.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + implementation + ": " + e, e);
        }
    }
}
