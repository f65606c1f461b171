// Latency as a reader of the database sees it: produce -> row visible. The probe produces the events itself at a
// steady rate, notes the time just before each send, and a poller queries the contender's table every 20 ms for the
// readings it has not seen yet, by each reading's deviceId, eventTime and eventId (so each table is read through its
// primary key, whichever order its columns come in); a reading's latency is the start of the first query that returns its row minus its
// send time. It never reads a column the contender writes (ingestedAt would hide the statement and the commit: a
// reader sees a row only once its transaction commits). Used by bench/peers.sh; run on the pipeline jar's classpath:
//   java -cp target/iot-pipeline.jar bench/VisibleLatency.java <brokers> <topic> <partitions> <jdbcUrl> <user>
//        <password> <table> <run> <readingsPerSecond> <warmupSeconds> <measureSeconds> <customers>
//        <devicesPerCustomer> [<stragglerSeconds>]
// Prints one JSON line: run, rate, readings sent / seen / missing in the measured window, p50/p95/p99/max ms.
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

public class VisibleLatency {

    static final int DEVICES_PER_EVENT = 3; // as peers.sh's simulated workload
    static final long POLL_INTERVAL_MS = 20;
    // Each Kafka partition is consumed in order (both contenders commit a partition's records in offset order): while
    // the oldest outstanding events of a partition are not visible, no newer one is. So a poll asks for the oldest
    // WINDOW events of each partition only, and asks a partition again at once when its window came back whole (a
    // batch committed more than that): a contender far behind does not get its database loaded with lookups of events
    // it has not reached. Rows past a window are counted a query or a few late; the JSON says how many polls had a
    // full window.
    static final int WINDOW = 100;
    static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS");

    /** A measured event: when it was sent, and the devices whose rows the poller has not seen yet. */
    record Sent(UUID eventId, String eventTime, int partition, long sentNanos, Set<String> unseen) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 13) {
            System.err.println("usage: VisibleLatency brokers topic partitions jdbcUrl user password table run"
                    + " readingsPerSecond warmupSeconds measureSeconds customers devicesPerCustomer"
                    + " [stragglerSeconds]");
            System.exit(2);
        }
        String brokers = args[0], topic = args[1], url = args[3], user = args[4], password = args[5];
        String table = args[6], run = args[7];
        int partitions = Integer.parseInt(args[2]), rate = Integer.parseInt(args[8]);
        int warmupSeconds = Integer.parseInt(args[9]), measureSeconds = Integer.parseInt(args[10]);
        int customers = Integer.parseInt(args[11]), devices = Integer.parseInt(args[12]);
        int stragglerSeconds = args.length > 13 ? Integer.parseInt(args[13]) : 60;

        createTopic(brokers, topic, partitions);
        Poller poller = new Poller(url, user, password, table, partitions);
        poller.start();
        Events events = new Events(customers, devices);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5); // as the pipeline's own producer (kafka.producer.lingerMs)
        long measuredReadings = 0;
        long sendLagNanosMax = 0; // how far a measured send came after its schedule: a probe behind sends in bursts
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            // Steady rate: every millisecond, send the events due since the start (no bursts once a second).
            double eventsPerSecond = rate / (double) DEVICES_PER_EVENT;
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(measureSeconds);
            long sent = 0;
            for (long now = start; now < end; now = System.nanoTime()) {
                long due = (long) ((now - start) / 1e9 * eventsPerSecond);
                for (; sent < due; sent++) {
                    Events.Event event = events.next();
                    // the partition Kafka's default partitioner gives the key, set here so that the poller knows it
                    int partition = Utils.toPositive(Utils.murmur2(event.customerId().getBytes(StandardCharsets.UTF_8)))
                            % partitions;
                    // nanoTime, not the wall clock: both ends of the difference are read in this process
                    long sentNanos = System.nanoTime();
                    producer.send(new ProducerRecord<>(topic, partition, event.customerId(), event.json()));
                    if (sentNanos >= measureFrom) { // readings sent in the warm-up are not measured
                        long scheduled = start + (long) (sent * 1e9 / eventsPerSecond);
                        sendLagNanosMax = Math.max(sendLagNanosMax, sentNanos - scheduled);
                        poller.unseenReadings.addAndGet(DEVICES_PER_EVENT);
                        poller.outstanding.add(new Sent(event.eventId(), event.eventTime(), partition, sentNanos,
                                event.deviceIds()));
                        measuredReadings += DEVICES_PER_EVENT;
                    }
                }
                Thread.sleep(1);
            }
            producer.flush();
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(stragglerSeconds);
        while (poller.unseenReadings.get() > 0 && System.nanoTime() < giveUp) {
            Thread.sleep(100);
        }
        poller.stopAndJoin();

        List<Long> latencies = poller.latencies;
        Collections.sort(latencies);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("run", run);
        result.put("readingsPerSecondTarget", rate);
        result.put("sent", measuredReadings);
        result.put("seen", latencies.size());
        result.put("missing", measuredReadings - latencies.size());
        result.put("p50Ms", percentileMs(latencies, 0.50));
        result.put("p95Ms", percentileMs(latencies, 0.95));
        result.put("p99Ms", percentileMs(latencies, 0.99));
        result.put("maxMs", percentileMs(latencies, 1.0));
        result.put("sendLagMsMax", Math.round(sendLagNanosMax / 1e5) / 10.0);
        result.put("polls", poller.polls);
        result.put("pollsWithAFullWindow", poller.fullWindowPolls);
        result.put("pollMsMean", poller.polls == 0 ? 0 : Math.round(poller.pollNanos / 1e5 / poller.polls) / 10.0);
        System.out.println(new ObjectMapper().writeValueAsString(result));
    }

    /** Nearest rank, in ms with one decimal; null when nothing was seen. */
    static Double percentileMs(List<Long> sortedNanos, double p) {
        if (sortedNanos.isEmpty()) {
            return null;
        }
        int rank = Math.max(1, (int) Math.ceil(p * sortedNanos.size()));
        return Math.round(sortedNanos.get(rank - 1) / 1e5) / 10.0;
    }

    /** The topic as the pipeline creates it: the raw loop does not, and the broker creates none by itself. */
    static void createTopic(String brokers, String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Polls the table for the outstanding eventIds. Only this thread touches its map and the latencies; the producer
     * hands it the sent events through a queue.
     */
    static class Poller extends Thread {
        final ConcurrentLinkedQueue<Sent> outstanding = new ConcurrentLinkedQueue<>();
        final AtomicLong unseenReadings = new AtomicLong(); // sent and measured, not seen yet: 0 when all were seen
        final List<Long> latencies = new ArrayList<>();
        private final Map<UUID, Sent> unseen = new HashMap<>();
        private final List<LinkedHashMap<UUID, Sent>> unseenByPartition = new ArrayList<>(); // each in send order
        private final String url, user, password, table;
        private volatile boolean stop;
        private final List<Integer> everyPartition = new ArrayList<>();
        long polls, fullWindowPolls, pollNanos;

        Poller(String url, String user, String password, String table, int partitions) {
            super("poller");
            for (int p = 0; p < partitions; p++) {
                unseenByPartition.add(new LinkedHashMap<>());
                everyPartition.add(p);
            }
            this.url = url;
            this.user = user;
            this.password = password;
            this.table = table;
        }

        void stopAndJoin() throws InterruptedException {
            stop = true;
            join();
        }

        @Override
        public void run() {
            // autocommit: every query reads a fresh snapshot, i.e. the rows committed before it started
            try (Connection db = DriverManager.getConnection(url, user, password);
                    PreparedStatement query = db.prepareStatement(
                            "SELECT t.eventId, t.deviceId FROM unnest(CAST(? AS text[]), CAST(? AS timestamp[]),"
                                    + " CAST(? AS uuid[])) AS k(deviceId, eventTime, eventId)"
                                    + " JOIN " + table + " t ON t.deviceId = k.deviceId AND t.eventTime = k.eventTime"
                                    + " AND t.eventId = k.eventId")) {
                try (var settings = db.createStatement()) {
                    // The probe should cost the database little, the same each time: one plan for the session
                    // (planning an array of thousands of eventIds took longer than running it), and index lookups
                    // whatever the statistics of a table growing under it say (they chose sequential scans).
                    settings.execute("SET plan_cache_mode = force_generic_plan");
                    settings.execute("SET enable_seqscan = off");
                }
                while (!stop) {
                    long next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(POLL_INTERVAL_MS);
                    for (Sent sent; (sent = outstanding.poll()) != null; ) {
                        unseen.put(sent.eventId(), sent);
                        unseenByPartition.get(sent.partition()).put(sent.eventId(), sent);
                    }
                    // every partition each interval, and at once again those whose full window came back whole
                    List<Integer> ask = everyPartition;
                    while (!ask.isEmpty() && !unseen.isEmpty()) {
                        ask = poll(db, query, ask);
                    }
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        }

        /** Asks for the oldest events of these partitions; returns those whose full window came back whole. */
        private List<Integer> poll(Connection db, PreparedStatement query, List<Integer> partitions) throws Exception {
            List<String> deviceIds = new ArrayList<>(), eventTimes = new ArrayList<>();
            List<UUID> ids = new ArrayList<>();
            Map<Integer, List<UUID>> fullWindows = new HashMap<>(); // partitions with more outstanding than asked
            for (int p : partitions) {
                LinkedHashMap<UUID, Sent> partition = unseenByPartition.get(p);
                List<UUID> window = partition.keySet().stream().limit(WINDOW).toList();
                for (UUID eventId : window) {
                    Sent sent = partition.get(eventId);
                    for (String deviceId : sent.unseen()) {
                        deviceIds.add(deviceId);
                        eventTimes.add(sent.eventTime());
                        ids.add(eventId);
                    }
                }
                if (partition.size() > window.size()) {
                    fullWindows.put(p, window);
                }
            }
            if (ids.isEmpty()) {
                return List.of();
            }
            if (!fullWindows.isEmpty()) {
                fullWindowPolls++;
            }
            query.setArray(1, db.createArrayOf("text", deviceIds.toArray()));
            query.setArray(2, db.createArrayOf("text", eventTimes.toArray()));
            query.setArray(3, db.createArrayOf("uuid", ids.toArray()));
            // Seen at the start of the query: its snapshot, taken just after, is what made the row visible. A row
            // that became visible just after the previous query is counted up to one interval (and a query) late.
            long seenNanos = System.nanoTime();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    Sent sent = unseen.get(rows.getObject(1, UUID.class));
                    if (sent != null && sent.unseen().remove(rows.getString(2))) {
                        latencies.add(seenNanos - sent.sentNanos());
                        unseenReadings.decrementAndGet();
                        if (sent.unseen().isEmpty()) {
                            unseen.remove(sent.eventId());
                            unseenByPartition.get(sent.partition()).remove(sent.eventId());
                        }
                    }
                }
            }
            polls++;
            pollNanos += System.nanoTime() - seenNanos;
            return fullWindows.entrySet().stream()
                    .filter(window -> window.getValue().stream().noneMatch(unseen::containsKey))
                    .map(Map.Entry::getKey).toList();
        }
    }

    /**
     * Events in the wire format, as the pipeline's simulator writes them (io.iotpipeline.simulator.DeviceSimulator):
     * its field order, customers CI00100.., devices D001.., eventOffsets from 10001 per customer without gaps, a
     * bounded random walk per device (so the detectors see what they see from the simulator, not noise), 10 % of the
     * devices in Fahrenheit, statuses 80/10/10. Never late (eventTime = now) and never a duplicate.
     */
    static class Events {
        record Event(UUID eventId, String customerId, String eventTime, String json, Set<String> deviceIds) {
        }

        private final ObjectMapper json = new ObjectMapper();
        private final Random random = new Random();
        private final int customers, devices;
        private final Map<String, Long> nextOffsets = new HashMap<>();
        private final Map<String, double[]> walks = new HashMap<>(); // customer/device -> {level, current}
        private final Map<String, String> measures = new HashMap<>();

        Events(int customers, int devices) {
            if (devices < DEVICES_PER_EVENT) {
                throw new IllegalArgumentException("devicesPerCustomer must be at least " + DEVICES_PER_EVENT);
            }
            this.customers = customers;
            this.devices = devices;
        }

        Event next() {
            String customerId = String.format("CI%05d", 100 + random.nextInt(customers));
            UUID eventId = UUID.randomUUID();
            ObjectNode event = json.createObjectNode();
            event.put("eventId", eventId.toString());
            event.put("eventOffset", nextOffsets.merge(customerId, 1L, Long::sum) + 10000);
            event.put("eventPublisher", "device");
            event.put("customerId", customerId);
            ArrayNode array = event.putObject("data").putArray("devices");
            List<String> pool = new ArrayList<>();
            for (int d = 1; d <= devices; d++) {
                pool.add(String.format("D%03d", d));
            }
            Collections.shuffle(pool, random);
            List<String> picked = new ArrayList<>(pool.subList(0, DEVICES_PER_EVENT));
            Collections.sort(picked);
            for (String deviceId : picked) {
                String key = customerId + "/" + deviceId;
                String measure = measures.computeIfAbsent(key, k -> random.nextDouble() < 0.1 ? "F" : "C");
                double celsius = nextTemperature(key);
                ObjectNode device = array.addObject();
                device.put("deviceId", deviceId);
                device.put("temperature",
                        measure.equals("F") ? Math.round((celsius * 9 / 5 + 32) * 10) / 10.0 : celsius);
                device.put("measure", measure);
                double roll = random.nextDouble();
                device.put("status", roll < 0.8 ? "SUCCESS" : roll < 0.9 ? "ERROR" : "STANDBY");
            }
            String eventTime = LocalDateTime.now(ZoneOffset.UTC).format(EVENT_TIME);
            event.put("eventTime", eventTime);
            return new Event(eventId, customerId, eventTime, event.toString(), new HashSet<>(picked));
        }

        /** The simulator's walk with its defaults: -10..45 °C, steps up to 0.5, pulled gently to the device's level */
        private double nextTemperature(String key) {
            double min = -10, max = 45;
            double[] walk = walks.computeIfAbsent(key, k -> {
                double level = (min + max) / 2 + (random.nextDouble() - 0.5) * (max - min) / 2;
                return new double[] {level, level};
            });
            double step = (random.nextDouble() * 2 - 1) * 0.5 + (walk[0] - walk[1]) * 0.02;
            walk[1] = Math.max(min, Math.min(max, walk[1] + step));
            return Math.round(walk[1] * 10) / 10.0;
        }
    }
}
