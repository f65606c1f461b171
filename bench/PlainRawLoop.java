// The raw loop a data engineer would write instead of either stack: KafkaConsumer, Jackson, and a pgjdbc batched
// INSERT ... ON CONFLICT DO NOTHING into a plain table keyed by (eventId, deviceId), with no trigger, no analytics and
// no validation; the offsets are committed after the database. What it costs is the floor the pipeline is measured
// against (bench/peers.sh). Run as a single-file program on the pipeline jar's classpath (for the libraries):
//   java -cp target/iot-pipeline.jar bench/PlainRawLoop.java <brokers> <topic> <jdbcUrl> <user> <password> [<group>]
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

public class PlainRawLoop {

    static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    public static void main(String[] args) throws Exception {
        String brokers = args[0], topic = args[1], url = args[2], user = args[3], password = args.length > 4 ? args[4] : "";
        // a group of its own per run: killed, this loop does not leave its group, and a next run in the same group
        // would wait for the dead member's session to expire (45 s) before it gets a partition
        String group = args.length > 5 ? args[5] : "bench-plain-raw";
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        ObjectMapper json = new ObjectMapper();
        try (Connection db = DriverManager.getConnection(url + (url.contains("?") ? "&" : "?")
                + "reWriteBatchedInserts=true", user, password);
                KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                        new ByteArrayDeserializer())) {
            try (Statement s = db.createStatement()) {
                s.execute("CREATE SCHEMA IF NOT EXISTS raw"); // its own schema: the producer (the pipeline jar) migrates public
                s.execute("CREATE TABLE IF NOT EXISTS raw.device_events (eventId UUID NOT NULL, customerId VARCHAR(20),"
                        + " eventOffset BIGINT, eventPublisher VARCHAR(50), eventTime TIMESTAMP, deviceId VARCHAR(20) NOT NULL,"
                        + " measure VARCHAR(10), status VARCHAR(20), temperature FLOAT, kafkaTimestamp TIMESTAMPTZ,"
                        // for the latency runs: produced (Kafka's timestamp) and stored (the transaction's start)
                        + " ingestedAt TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (eventId, deviceId))");
            }
            db.setAutoCommit(false);
            consumer.subscribe(List.of(topic));
            System.out.println("RAW LOOP READY");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO raw.device_events (eventId, customerId,"
                    + " eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature, kafkaTimestamp)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (eventId, deviceId) DO NOTHING")) {
                while (true) {
                    ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    for (ConsumerRecord<String, byte[]> record : records) {
                        JsonNode event = json.readTree(record.value());
                        UUID eventId = UUID.fromString(event.get("eventId").asText());
                        Timestamp eventTime = Timestamp.valueOf(LocalDateTime.parse(event.get("eventTime").asText(),
                                EVENT_TIME));
                        for (JsonNode device : event.get("data").get("devices")) {
                            insert.setObject(1, eventId);
                            insert.setString(2, event.get("customerId").asText());
                            insert.setLong(3, event.get("eventOffset").asLong());
                            insert.setString(4, event.get("eventPublisher").asText());
                            insert.setTimestamp(5, eventTime);
                            insert.setString(6, device.get("deviceId").asText());
                            insert.setString(7, device.get("measure").asText());
                            insert.setString(8, device.get("status").asText());
                            insert.setDouble(9, device.get("temperature").asDouble());
                            insert.setTimestamp(10, new Timestamp(record.timestamp()));
                            insert.addBatch();
                        }
                    }
                    insert.executeBatch();
                    db.commit();
                    consumer.commitSync();
                }
            }
        }
    }
}
