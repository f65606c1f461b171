package io.iotpipeline.replay;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.iotpipeline.domain.EventJson;

/**
 * {@code java -jar iot-pipeline.jar replay [--url=…] [--api-key=…] [--batch=N] <file or folder>…}: posts sample
 * events to a running pipeline's {@code POST /api/events}, as real devices would. A {@code .json} file holds one event
 * or an array; any other file holds one event per line. Events the API rejects are listed with their reasons and the
 * rest of their request is posted again; a 503 or an unreachable server is retried with backoff (the API is idempotent).
 * Exit code 0 when every event was accepted, 2 when some were rejected, 1 when events could not be delivered.
 */
public final class SampleReplay {

    /** A line or file that holds one or more events, remembered for the report. */
    record Sample(String where, JsonNode event) {
    }

    record Outcome(int accepted, List<String> rejected, List<String> undelivered) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI url;
    private final String apiKey;
    private final int batch;
    private final int attempts;
    private final PrintStream out;

    public SampleReplay(URI url, String apiKey, int batch, int attempts, PrintStream out) {
        this.url = url;
        this.apiKey = apiKey;
        this.batch = batch;
        this.attempts = attempts;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        String url = env("IOT_API_URL", "http://localhost:8080/api/events");
        String apiKey = env("INGEST_HTTP_APIKEY", "");
        int batch = 500;
        List<Path> paths = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--url=")) {
                url = arg.substring(6);
            } else if (arg.startsWith("--api-key=")) {
                apiKey = arg.substring(10);
            } else if (arg.startsWith("--batch=")) {
                batch = Integer.parseInt(arg.substring(8));
            } else {
                paths.add(Path.of(arg));
            }
        }
        if (paths.isEmpty()) {
            System.err.println("usage: java -jar iot-pipeline.jar replay [--url=" + url
                    + "] [--api-key=KEY] [--batch=500] <file or folder>...");
            System.exit(1);
        }
        System.exit(new SampleReplay(URI.create(url), apiKey, batch, 6, System.out).replay(paths));
    }

    /** Replays every file (folders: their files, by name) and returns the exit code. */
    public int replay(List<Path> paths) throws IOException, InterruptedException {
        boolean anyRejected = false;
        boolean anyUndelivered = false;
        for (Path file : files(paths)) {
            List<Sample> samples = new ArrayList<>();
            List<String> unreadable = read(file, samples);
            Outcome outcome = post(samples);
            List<String> rejected = new ArrayList<>(unreadable);
            rejected.addAll(outcome.rejected());
            out.printf("%s: %d events, %d accepted, %d rejected, %d undelivered%n", file,
                    samples.size() + unreadable.size(), outcome.accepted(), rejected.size(), outcome.undelivered().size());
            rejected.forEach(reason -> out.println("  rejected " + reason));
            outcome.undelivered().forEach(reason -> out.println("  undelivered " + reason));
            anyRejected |= !rejected.isEmpty();
            anyUndelivered |= !outcome.undelivered().isEmpty();
        }
        return anyUndelivered ? 1 : anyRejected ? 2 : 0;
    }

    static List<Path> files(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> listing = Files.list(path)) {
                    listing.filter(Files::isRegularFile).sorted().forEach(files::add);
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                throw new IOException("no such file or folder: " + path);
            }
        }
        return files;
    }

    /** Adds the file's events to samples; returns why parts of it are not events at all. */
    static List<String> read(Path file, List<Sample> samples) throws IOException {
        List<String> unreadable = new ArrayList<>();
        if (file.getFileName().toString().endsWith(".json")) {
            try {
                JsonNode root = EventJson.MAPPER.readTree(file.toFile());
                if (root != null && root.isArray()) {
                    for (int i = 0; i < root.size(); i++) {
                        samples.add(new Sample(file + "[" + i + "]", root.get(i)));
                    }
                } else {
                    samples.add(new Sample(file.toString(), root));
                }
            } catch (IOException e) {
                unreadable.add(file + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
            return unreadable;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                samples.add(new Sample(file + ":" + (i + 1), EventJson.MAPPER.readTree(line)));
            } catch (IOException e) {
                unreadable.add(file + ":" + (i + 1) + ": not JSON: " + e.getMessage().lines().findFirst().orElse(""));
            }
        }
        return unreadable;
    }

    Outcome post(List<Sample> samples) throws InterruptedException {
        int accepted = 0;
        List<String> rejected = new ArrayList<>();
        List<String> undelivered = new ArrayList<>();
        for (int from = 0; from < samples.size(); from += batch) {
            List<Sample> chunk = new ArrayList<>(samples.subList(from, Math.min(samples.size(), from + batch)));
            // a 400 names the rejected events and publishes none: post the others again, once
            for (int round = 0; round < 2 && !chunk.isEmpty(); round++) {
                HttpResponse<String> response = send(chunk);
                if (response == null || (response.statusCode() != 202 && response.statusCode() != 400
                        && response.statusCode() != 409)) {
                    String why = response == null ? "the API did not answer at " + url
                            : response.statusCode() >= 300 && response.statusCode() < 400
                            ? response.statusCode() + ", a redirect to " + response.headers().firstValue("Location")
                                    .orElse("nowhere") + ": the replay posts only to the URL it is given, without"
                                    + " following redirects (pass the API's own URL)"
                            : response.statusCode() + " " + response.body();
                    chunk.forEach(sample -> undelivered.add(sample.where() + ": " + why));
                    break;
                }
                if (response.statusCode() == 202) {
                    accepted += chunk.size();
                    break;
                }
                List<Sample> retry = new ArrayList<>(chunk);
                JsonNode answer = parse(response.body());
                JsonNode list = answer.path("rejected");
                if (!list.isArray() || list.isEmpty()) {
                    chunk.forEach(sample -> rejected.add(sample.where() + ": " + answer.path("error").asText(response.body())));
                    break;
                }
                List<Integer> indexes = new ArrayList<>();
                for (JsonNode item : list) {
                    int index = item.path("index").asInt();
                    indexes.add(index);
                    rejected.add(chunk.get(index).where() + ": " + String.join("; ",
                            EventJson.MAPPER.convertValue(item.path("reasons"), String[].class)));
                }
                indexes.stream().sorted((a, b) -> b - a).forEach(index -> retry.remove((int) index));
                chunk = retry;
            }
        }
        return new Outcome(accepted, rejected, undelivered);
    }

    /** Posts the events as one array; retries with backoff while the server is unreachable or answers 503. */
    private HttpResponse<String> send(List<Sample> chunk) throws InterruptedException {
        ArrayNode body = EventJson.MAPPER.createArrayNode();
        chunk.forEach(sample -> body.add(sample.event()));
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (!apiKey.isBlank()) {
            request.header("X-API-Key", apiKey);
        }
        HttpResponse<String> response = null;
        long delayMs = 500;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 503) {
                    return response;
                }
            } catch (IOException e) {
                response = null;
            }
            if (attempt < attempts) {
                Thread.sleep(delayMs);
                delayMs = Math.min(8000, delayMs * 2);
            }
        }
        return response;
    }

    private static JsonNode parse(String text) {
        try {
            return EventJson.MAPPER.readTree(text);
        } catch (IOException e) {
            return EventJson.MAPPER.createObjectNode();
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
