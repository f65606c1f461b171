package bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Properties;

import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.to_timestamp;

/**
 * The seed's Spark Structured Streaming job (spark_streaming.ipynb): read the Kafka topic, parse each value with
 * from_json, explode data.devices into one row per reading, and append each micro-batch to PostgreSQL over JDBC, into
 * a plain table with the seed's columns (no key: the seed's eventId primary key cannot hold several devices).
 * {@code SeedStack <brokers> <topic> <jdbcUrl> <user> <password> <checkpointDir>}; runs until stopped.
 */
public final class SeedStack {

    public static void main(String[] args) throws Exception {
        String brokers = args[0], topic = args[1], url = args[2], user = args[3], password = args[4];
        String checkpoints = args[5];
        try (Connection db = DriverManager.getConnection(url, user, password); Statement s = db.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS seed");
            s.execute("CREATE TABLE IF NOT EXISTS seed.device_events (eventId UUID, customerId VARCHAR(20),"
                    + " eventOffset BIGINT, eventPublisher VARCHAR(50), eventTime TIMESTAMP, deviceId VARCHAR(20),"
                    + " measure VARCHAR(10), status VARCHAR(20), temperature FLOAT)");
        }
        SparkSession spark = SparkSession.builder().appName("seed-stack").master("local[2]")
                .config("spark.sql.shuffle.partitions", "2").config("spark.ui.enabled", "false").getOrCreate();
        StructType device = new StructType().add("deviceId", DataTypes.StringType)
                .add("temperature", DataTypes.DoubleType).add("measure", DataTypes.StringType)
                .add("status", DataTypes.StringType);
        StructType event = new StructType().add("eventId", DataTypes.StringType)
                .add("customerId", DataTypes.StringType).add("eventOffset", DataTypes.LongType)
                .add("eventPublisher", DataTypes.StringType)
                .add("data", new StructType().add("devices", DataTypes.createArrayType(device)))
                .add("eventTime", DataTypes.StringType);
        Dataset<Row> readings = spark.readStream().format("kafka").option("kafka.bootstrap.servers", brokers)
                .option("subscribe", topic).option("startingOffsets", "earliest").load()
                .select(from_json(col("value").cast("string"), event).as("e"))
                .select(col("e.eventId"), col("e.customerId"), col("e.eventOffset"), col("e.eventPublisher"),
                        to_timestamp(col("e.eventTime")).as("eventTime"), explode(col("e.data.devices")).as("d"))
                .select(col("eventId"), col("customerId"), col("eventOffset"), col("eventPublisher"), col("eventTime"),
                        col("d.deviceId").as("deviceId"), col("d.measure").as("measure"), col("d.status").as("status"),
                        col("d.temperature").as("temperature"));
        Properties jdbc = new Properties();
        jdbc.put("user", user);
        jdbc.put("password", password);
        jdbc.put("driver", "org.postgresql.Driver");
        // text into the uuid column, as the notebook's JDBC append does
        String appendUrl = url + (url.contains("?") ? "&" : "?") + "stringtype=unspecified";
        VoidFunction2<Dataset<Row>, Long> append = (batch, id) ->
                batch.write().mode(SaveMode.Append).jdbc(appendUrl, "seed.device_events", jdbc);
        readings.writeStream().option("checkpointLocation", checkpoints).foreachBatch(append).start();
        System.out.println("SEED STACK READY");
        spark.streams().awaitAnyTermination();
    }
}
