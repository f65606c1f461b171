package io.iotpipeline;

import java.util.Properties;
import java.util.Set;

import io.iotpipeline.config.ZeroInstallServers;
import io.iotpipeline.ops.ConsumerLag;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PipelineSetupTest {

    @Test
    void withoutEmbeddedServersAMissingConnectionStopsTheStartWithWhatToSet() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties props = new Properties();
            props.put("embeddedServers.enabled", "false");
            props.put("db.url", "");
            props.put("db.user", "iot");
            props.put("kafka.brokers", "kafka:9092");
            context.getPropertiesComponent().setInitialProperties(props);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> new PipelineSetup().configure(context));
            assertTrue(error.getMessage().contains("db.url (DB_URL)") && error.getMessage().endsWith("missing: db.url"),
                    error.getMessage());
        }
    }

    @Test
    void anArtifactWithoutTheEmbeddedServersRefusesToStartWithoutConnectionsAndSaysWhatToSet() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties props = new Properties();
            props.put("db.url", "");
            props.put("kafka.brokers", "");
            context.getPropertiesComponent().setLocation("classpath:application.properties");
            context.getPropertiesComponent().setOverrideProperties(props);
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> new PipelineSetup("io.iotpipeline.embedded.NotInThisJar").configure(context));
            assertTrue(error.getMessage().startsWith("this artifact has no embedded servers: set kafka.brokers"
                    + " (KAFKA_BROKERS) and db.url (DB_URL, with DB_USER and DB_PASSWORD); missing: db.url kafka.brokers."),
                    error.getMessage());
        }
    }

    @Test
    void theZeroInstallServersAreFoundByTheirName() {
        assertTrue(ZeroInstallServers.inThisArtifact(), "target/classes hold " + ZeroInstallServers.IMPLEMENTATION);
        assertTrue(ZeroInstallServers.require(ZeroInstallServers.IMPLEMENTATION, "db.url")
                instanceof io.iotpipeline.embedded.ZeroInstall);
    }

    @Test
    void eachPipelineInstanceAddedByPropertiesHasItsTopicAndGroupWatchedForLag() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Properties props = new Properties();
            props.put("lab.topic", "lab_stream");
            props.put("camel.route-template[ingest-lab].template-id", "kafka-to-store");
            props.put("camel.route-template[ingest-lab].topic", "{{lab.topic}}");
            props.put("camel.route-template[ingest-lab].groupId", "iot-pipeline-lab");
            props.put("camel.routeTemplate[ingest-b].topic", "b_stream");
            props.put("camel.routeTemplate[ingest-b].groupId", "b");
            context.getPropertiesComponent().setOverrideProperties(props); // as -D, env vars and files give them
            assertEquals(Set.of(new ConsumerLag.Subscription("lab_stream", "iot-pipeline-lab"),
                    new ConsumerLag.Subscription("b_stream", "b")), Set.copyOf(PipelineSetup.templatedInstances(context)));
            assertEquals(Set.of("lab_stream", "b_stream"), Set.copyOf(PipelineSetup.templatedTopics(context)));
        }
    }
}
