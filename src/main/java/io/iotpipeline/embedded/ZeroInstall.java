package io.iotpipeline.embedded;

import java.io.IOException;
import java.nio.file.Path;

import io.iotpipeline.config.KafkaSecurity;
import io.iotpipeline.config.ZeroInstallServers;

/**
 * The zero-install jar's servers, which {@code PipelineSetup} starts by name ({@link ZeroInstallServers#IMPLEMENTATION}).
 */
public final class ZeroInstall implements ZeroInstallServers {

    @Override
    public Database startDatabase(Path dataDirectory, int port) throws IOException {
        EmbeddedDatabase database = EmbeddedDatabase.start(dataDirectory, port);
        return new Database(database, database.jdbcUrl(), database.user(), database.password(),
                dataDirectory.toAbsolutePath().resolve(EmbeddedDatabase.CREDENTIALS));
    }

    @Override
    public Kafka startKafka(Path dataDirectory, int port, int controllerPort, KafkaSecurity configured)
            throws IOException {
        KafkaSecurity security = EmbeddedKafka.zeroInstallSecurity(dataDirectory, configured);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDirectory, port, controllerPort, security);
        return new Kafka(kafka, kafka.bootstrapServers(), security);
    }
}
