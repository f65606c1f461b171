// The raw limit the pipeline is measured against: a minimal hand-written loop on the same broker, topic, table and
// idempotency, without Camel, validation or lateness classification. Plain KafkaConsumer, Jackson, pgjdbc COPY into a
// staging table, then INSERT ... SELECT ... ON CONFLICT DO NOTHING (the analytics trigger runs as for the pipeline),
// commit, then commit the offsets. Run as a single-file program on the pipeline jar's classpath:
//   java -cp target/iot-pipeline.jar bench/RawIngestLoop.java <brokers> <topic> <jdbcUrl> <user> <password>
// It migrates the schema like the app, then consumes until stopped.
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotpipeline.platform.Database;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

public class RawIngestLoop {

    static final String COLUMNS = "eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure,"
            + " status, temperature, temperatureCelsius, late, kafkaTopic, kafkaPartition, kafkaOffset, kafkaTimestamp";

    public static void main(String[] args) throws Exception {
        String brokers = args[0], topic = args[1], url = args[2], user = args[3], password = args.length > 4 ? args[4] : "";
        var pool = Database.pool(url, user, password, 2); // Flyway holds a lock connection beside the migrating one
        Database.migrate(pool, url, user);
        pool.close();

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        ObjectMapper json = new ObjectMapper();
        try (Connection db = DriverManager.getConnection(url, user, password);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                        new StringDeserializer())) {
            db.setAutoCommit(false);
            try (Statement s = db.createStatement()) {
                s.execute("CREATE TEMP TABLE staging (LIKE iot_device_events INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
            }
            db.commit();
            CopyManager copy = db.unwrap(PGConnection.class).getCopyAPI();
            consumer.subscribe(List.of(topic));
            System.out.println("RAW LOOP READY");
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                if (records.isEmpty()) {
                    continue;
                }
                StringBuilder csv = new StringBuilder(records.count() * 600);
                for (ConsumerRecord<String, String> record : records) {
                    JsonNode event = json.readTree(record.value());
                    String prefix = event.get("eventId").asText() + ',' + event.get("customerId").asText() + ','
                            + event.get("eventOffset").asLong() + ',' + event.get("eventPublisher").asText() + ','
                            + event.get("eventTime").asText() + ',';
                    String suffix = ",false," + record.topic() + ',' + record.partition() + ',' + record.offset() + ','
                            + Instant.ofEpochMilli(record.timestamp()) + '\n';
                    for (JsonNode device : event.get("data").get("devices")) {
                        double temperature = device.get("temperature").asDouble();
                        String measure = device.get("measure").asText();
                        double celsius = measure.equals("F") ? (temperature - 32) * 5 / 9
                                : measure.equals("K") ? temperature - 273.15 : temperature;
                        csv.append(prefix).append(device.get("deviceId").asText()).append(',').append(measure)
                                .append(',').append(device.get("status").asText()).append(',').append(temperature)
                                .append(',').append(celsius).append(suffix);
                    }
                }
                copy.copyIn("COPY staging (" + COLUMNS + ") FROM STDIN (FORMAT csv)", new StringReader(csv.toString()));
                try (Statement s = db.createStatement()) {
                    s.executeUpdate("INSERT INTO iot_device_events (" + COLUMNS + ") SELECT " + COLUMNS
                            + " FROM staging ON CONFLICT (eventId, deviceId, eventTime) DO NOTHING");
                }
                db.commit();
                consumer.commitSync();
            }
        }
    }
}
