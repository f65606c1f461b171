package io.iotpipeline.routes;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.TestEvent;
import io.iotpipeline.anomaly.AnomalyDetectors;
import io.iotpipeline.anomaly.DetectorSettings;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.PipelineCounters;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.ExchangeBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The stream routes as shipped (ingest → classify-lateness → detect-anomalies → store-readings → commit), wired by
 * camel-main without Kafka or PostgreSQL: the consumer is replaced by {@code direct:kafka-batch} and every SQL and
 * Kafka endpoint by a mock. In seconds it shows that a batch's readings reach the store statement, its bad records
 * the dead letters, and that the offsets are committed only after both. The end-to-end behaviour on real servers is
 * PipelineIT's and the fault suite's (FaultScenario).
 */
@CamelMainTest(properties = {"camel.main.basePackageScanEnabled=false", "health.enabled=false",
        "anomaly.enabled=true", "store.retry.maxAttempts=0", "readings.partitions.checkIntervalMs=3600000",
        "camel.component.kafka.brokers=localhost:9"},
        replaceRouteFromWith = "ingest=direct:kafka-batch", mockEndpointsAndSkip = "(sql|kafka):.*")
class StreamRoutesTest {

    @BindToRegistry("dataSource")
    PGSimpleDataSource dataSource = new PGSimpleDataSource(); // never connected: every SQL endpoint is a mock

    @BindToRegistry("readingRules")
    ReadingRules rules = ReadingRules.STANDARD;

    @BindToRegistry("anomalyDetectors")
    AnomalyDetectors detectors = new AnomalyDetectors(DetectorSettings.defaults());

    @BindToRegistry("pipelineCounters")
    PipelineCounters counters = new PipelineCounters(null);

    @BindToRegistry("clock")
    Clock clock = Clock.systemUTC();

    @org.apache.camel.EndpointInject("direct:kafka-batch")
    ProducerTemplate kafkaBatch;

    @org.apache.camel.BeanInject
    CamelContext context;

    private final List<String> committed = new ArrayList<>();
    private MockEndpoint storeReadings;
    private MockEndpoint deadLetters;

    @Configure
    protected void configure(MainConfigurationProperties configuration) {
        configuration.addConfiguration(io.iotpipeline.PipelineBeans.class);
        configuration.addRoutesBuilder(DatabaseRetriesConfiguration.class, IngestRoute.class, AnalyseRoute.class,
                DetectRoute.class, StoreRoute.class);
    }

    @BeforeEach
    void answerForTheDatabase() {
        storeReadings = mock("statements/store-readings.sql");
        deadLetters = mock("statements/insert-dead-letter.sql");
        MockEndpoint watermarks = mock("statements/load-watermarks.sql");
        watermarks.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(List.of()));
        storeReadings.whenAnyExchangeReceived(exchange -> exchange.getMessage().setBody(
                ((long[]) exchange.getMessage().getBody(List.class).get(2)).length));
    }

    @Test
    void aBatchsReadingsReachTheStoreItsBadRecordsTheDeadLettersAndOnlyThenItsOffsetsAreCommitted() throws Exception {
        storeReadings.expectedMessageCount(1);
        deadLetters.expectedMessageCount(1);

        Exchange result = kafkaBatch.send(exchange -> exchange.getMessage().setBody(List.of(
                record(0, 7, TestEvent.seed().json()),
                record(0, 8, "{\"eventId\":"),
                record(1, 3, TestEvent.seed().id("0b3e0a4c-1f57-4f0e-9d0c-2a3c86f5a001").customer("CI00104").json()))));

        assertEquals(null, result.getException());
        storeReadings.assertIsSatisfied();
        deadLetters.assertIsSatisfied();
        List<?> columns = storeReadings.getExchanges().get(0).getMessage().getBody(List.class);
        assertEquals("{\"D001\",\"D002\",\"D001\",\"D002\"}", ((io.iotpipeline.store.BinaryArray) columns.get(5)).getValue());
        assertEquals("device_stream/0@8", deadLetters.getExchanges().get(0).getMessage().getBody(java.util.Map.class)
                .get("deadLetterKey"));
        assertEquals(List.of("device_stream-0@8", "device_stream-1@3"), committed.stream().sorted().toList());
    }

    @Test
    void whenTheStoreFailsNoOffsetIsCommitted() throws Exception {
        storeReadings.whenAnyExchangeReceived(exchange -> {
            throw new java.sql.SQLTransientConnectionException("the database is away");
        });

        Exchange result = kafkaBatch.send(exchange -> exchange.getMessage().setBody(List.of(
                record(2, 11, TestEvent.seed().json()))));

        assertNotNull(result.getException(), "the batch fails, so the consumer reads it again");
        assertEquals(List.of(), committed);
    }

    /** The mock of the sql: endpoint that runs this statement resource. */
    private MockEndpoint mock(String statement) {
        return context.getEndpoints().stream().filter(MockEndpoint.class::isInstance).map(MockEndpoint.class::cast)
                .filter(endpoint -> endpoint.getEndpointUri().contains(statement))
                .findFirst().orElseThrow(() -> new AssertionError("no mock for the statement " + statement));
    }

    /** A consumed Kafka record as camel-kafka's batching consumer hands it over. */
    private Exchange record(int partition, long offset, String value) {
        String coordinates = "device_stream-" + partition + "@" + offset;
        KafkaManualCommit commit = () -> committed.add(coordinates);
        return ExchangeBuilder.anExchange(context).withBody(value.getBytes(StandardCharsets.UTF_8))
                .withHeader(KafkaConstants.TOPIC, "device_stream").withHeader(KafkaConstants.PARTITION, partition)
                .withHeader(KafkaConstants.OFFSET, offset).withHeader(KafkaConstants.KEY, "CI00103")
                .withHeader(KafkaConstants.TIMESTAMP, System.currentTimeMillis())
                .withHeader(KafkaConstants.MANUAL_COMMIT, commit).build();
    }
}
