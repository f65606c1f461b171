package io.iotpipeline.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP link the test controls, between the pipeline and one server: it forwards bytes both ways and, when told,
 * delays every chunk ({@link #latency}), resets every open connection ({@link #resetAll}, an RST to both ends), or
 * turns into a black hole ({@link #blackHole}): nothing passes either way and nobody is told, as when a firewall drops
 * packets. The connections open across a black hole stay dead after it (the firewall forgot them): only connections
 * made afterwards work again, so a client that waits on an old one without a timeout waits for ever.
 */
final class FaultyLink implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket listener;
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicLong resets = new AtomicLong();
    private volatile long latencyMs;
    private volatile boolean blackHole;
    private volatile boolean closed;
    /** When positive, the hole opens right after a request of at least this many bytes was passed on. */
    private volatile int holeAfterRequestBytes;
    private final java.util.concurrent.CountDownLatch holeOpened = new java.util.concurrent.CountDownLatch(1);

    FaultyLink(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener = new ServerSocket();
        listener.bind(new InetSocketAddress("localhost", 0));
        Thread acceptor = new Thread(this::accept, "faulty-link-" + targetPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    void latency(long millis) {
        latencyMs = millis;
    }

    /** Resets every connection open now; returns how many. */
    int resetAll() {
        int count = 0;
        for (Connection connection : connections) {
            connection.reset();
            count++;
        }
        resets.addAndGet(count);
        return count;
    }

    long resets() {
        return resets.get();
    }

    /** On: nothing passes. Off: new connections work; those open during the hole stay dead. */
    void blackHole(boolean on) {
        if (on) {
            blackHole = true;
            connections.forEach(Connection::strand);
        } else {
            connections.forEach(Connection::strand); // those accepted during the hole, too
            blackHole = false;
        }
    }

    /**
     * Opens the black hole the moment a request of at least {@code bytes} has reached the server, so that its answer
     * never reaches the client: a statement in flight, not an idle pool, meets the hole. Returns once it opened.
     */
    void blackHoleAfterRequestOf(int bytes, java.time.Duration timeout) throws InterruptedException {
        holeAfterRequestBytes = bytes;
        if (!holeOpened.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no request of " + bytes + " bytes passed in " + timeout);
        }
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Connection connection = new Connection(client);
                connections.add(connection);
                connection.start();
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        connections.forEach(Connection::reset);
    }

    /** One client connection and its connection to the server, with a pump each way. */
    private final class Connection {
        private final Socket client;
        private volatile Socket server;
        /** Nothing passes any more, in either direction; bytes read are dropped. */
        private volatile boolean stranded;
        private final java.util.List<Thread> pumps = new java.util.concurrent.CopyOnWriteArrayList<>();

        Connection(Socket client) {
            this.client = client;
            stranded = blackHole;
        }

        void start() {
            Thread opener = new Thread(() -> {
                try {
                    if (stranded) {
                        // a black-holed connect: the client's connect succeeded (the kernel accepted it), nothing more
                        drain(client.getInputStream());
                        return;
                    }
                    server = new Socket(targetHost, targetPort);
                    server.setTcpNoDelay(true);
                    client.setTcpNoDelay(true);
                    pump(client, server, true);
                    pump(server, client, false);
                } catch (IOException e) {
                    reset();
                }
            }, "faulty-link-open");
            opener.setDaemon(true);
            opener.start();
        }

        void strand() {
            stranded = true;
        }

        private void drain(InputStream in) {
            byte[] buffer = new byte[16384];
            try {
                while (in.read(buffer) >= 0) {
                    // dropped
                }
            } catch (IOException ignored) {
                // closed
            }
            reset();
        }

        /** Reads from one end and writes to the other after the latency, unless stranded. */
        private void pump(Socket from, Socket to, boolean request) {
            String direction = request ? "up" : "down";
            record Chunk(long dueNanos, byte[] bytes) {
            }
            LinkedBlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                byte[] buffer = new byte[16384];
                try {
                    InputStream in = from.getInputStream();
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        if (!stranded) {
                            queue.put(new Chunk(System.nanoTime() + latencyMs * 1_000_000L,
                                    java.util.Arrays.copyOf(buffer, n)));
                        }
                    }
                } catch (IOException | InterruptedException ignored) {
                    // reset or closed
                }
                if (!stranded) {
                    reset();
                } else {
                    close(from); // a dead link tells the other end nothing; only the end that gave up is closed
                }
            }, "faulty-link-" + direction + "-read");
            Thread writer = new Thread(() -> {
                try {
                    OutputStream out = to.getOutputStream();
                    while (true) {
                        Chunk chunk = queue.take();
                        long wait = chunk.dueNanos() - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                        }
                        if (stranded) {
                            continue;
                        }
                        out.write(chunk.bytes());
                        out.flush();
                        int armed = holeAfterRequestBytes;
                        if (request && armed > 0 && chunk.bytes().length >= armed) {
                            holeAfterRequestBytes = 0;
                            blackHole(true);
                            holeOpened.countDown();
                        }
                    }
                } catch (IOException | InterruptedException ignored) {
                    // reset or closed
                }
            }, "faulty-link-" + direction + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            pumps.add(reader);
            pumps.add(writer);
            reader.start();
            writer.start();
        }

        /** Both ends get an RST (SO_LINGER 0), as from a middlebox that reset the connection. */
        void reset() {
            connections.remove(this);
            abort(client);
            if (server != null) {
                abort(server);
            }
            pumps.forEach(Thread::interrupt);
        }

        private void close(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
            if ((client.isClosed()) && (server == null || server.isClosed())) {
                connections.remove(this);
            }
        }

        private void abort(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
