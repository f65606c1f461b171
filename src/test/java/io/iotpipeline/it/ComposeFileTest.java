package io.iotpipeline.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import io.iotpipeline.domain.EventJson;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docker-compose.yml cannot be started here (no Docker engine), so it is checked for what can be: that docker-compose
 * accepts it, and that the app service runs the profile and variables the production-path tests (ProductionPath) run the jar with.
 */
class ComposeFileTest {

    static final Path COMPOSE = Path.of("docker-compose.yml");

    @SuppressWarnings("unchecked")
    static Map<String, Object> compose() throws Exception {
        return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(Files.readString(COMPOSE));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> service(String name) throws Exception {
        return (Map<String, Object>) ((Map<String, Object>) compose().get("services")).get(name);
    }

    @Test
    void theStackHasEveryServiceWithAHealthCheck() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> services = (Map<String, Object>) compose().get("services");
        assertEquals(new TreeSet<>(List.of("kafka", "postgres", "app", "hawtio", "grafana")),
                new TreeSet<>(services.keySet()));
        services.forEach((name, service) -> assertTrue(((Map<?, ?>) service).containsKey("healthcheck"),
                name + " has a health check"));
        assertTrue(String.valueOf(service("kafka").get("image")).startsWith("apache/kafka:"), "the official image");
        assertEquals(".", service("app").get("build"), "the app is built from this repository");
        assertTrue(Files.readString(Path.of("Dockerfile")).lines().filter(line -> line.startsWith("FROM ")).count() >= 2,
                "a multi-stage Dockerfile");
        assertTrue(Files.isRegularFile(Path.of(String.valueOf(service("hawtio").get("build")), "Dockerfile")));
    }

    @Test
    void namedVolumesAndMountedFilesExist() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> volumes = (Map<String, Object>) compose().get("volumes");
        assertEquals(new TreeSet<>(List.of("kafka-data", "postgres-data", "grafana-data")), new TreeSet<>(volumes.keySet()));
        for (String name : List.of("kafka", "postgres", "app", "grafana")) {
            for (Object mount : (List<?>) service(name).getOrDefault("volumes", List.of())) {
                String source = mount.toString().split(":")[0];
                assertTrue(source.startsWith("./") ? Files.exists(Path.of(source)) : volumes.containsKey(source),
                        name + " mounts " + source + ", which must exist");
            }
        }
        var dashboard = EventJson.MAPPER.readTree(Path.of("report/grafana/dashboards/iot-pipeline.json").toFile());
        assertTrue(dashboard.get("panels").size() >= 7, "the Grafana dashboard ships its panels");
    }

    @Test
    void theImageDeploysTheJarTheProductionPathTestsRunAndNothingForTheZeroInstallRun() throws Exception {
        String jar = Path.of(ProductionPath.DEPLOYED_JAR).getFileName().toString();
        List<String> dockerfile = Files.readAllLines(Path.of("Dockerfile"));
        List<String> copiedJars = dockerfile.stream().filter(line -> line.startsWith("COPY ") && line.contains(".jar"))
                .toList();
        assertEquals(List.of("COPY --from=build /src/target/" + jar + " /app/" + jar), copiedJars);
        assertTrue(dockerfile.stream().anyMatch(line -> line.startsWith("ENTRYPOINT ") && line.contains("-jar /app/"
                + jar + " ")), "the entry point runs " + jar);
        assertTrue(dockerfile.stream().noneMatch(line -> line.startsWith("COPY devices")), "no sample events");
    }

    @Test
    void theAppRunsTheProfileAndVariablesTheTestsRun() throws Exception {
        Map<String, Object> app = service("app");
        assertEquals(List.of("--propertiesLocation=file:/app/config/pipeline.properties"), app.get("command"));
        assertTrue(((List<?>) app.get("volumes")).contains(
                "./" + Path.of("").toAbsolutePath().relativize(ProductionPath.DEPLOYED_PROFILE) + ":/app/config/pipeline.properties:ro"),
                "the profile the production-path tests run is the one mounted: " + app.get("volumes"));
        assertEquals(ProductionPath.COMPOSE_APP_ENVIRONMENT, new TreeSet<>(((Map<?, ?>) app.get("environment")).keySet()
                .stream().map(String::valueOf).toList()));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theKubernetesDeploymentRunsTheSameProfileAndVariables() throws Exception {
        Map<String, Object> deployment = null;
        for (Object document : new Load(LoadSettings.builder().build())
                .loadAllFromString(Files.readString(Path.of("k8s/iot-pipeline.yaml")))) {
            if ("Deployment".equals(((Map<String, Object>) document).get("kind"))) {
                deployment = (Map<String, Object>) document;
            }
        }
        Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) deployment
                .get("spec")).get("template")).get("spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        assertEquals(service("app").get("command"), container.get("args"));
        TreeSet<String> variables = new TreeSet<>();
        ((List<Map<String, Object>>) container.get("env")).forEach(variable -> variables.add((String) variable.get("name")));
        variables.remove("SIMULATOR_ENABLED");
        assertEquals(ProductionPath.COMPOSE_APP_ENVIRONMENT, variables);
        assertEquals("/observe/health/ready",
                ((Map<String, Object>) ((Map<String, Object>) container.get("readinessProbe")).get("httpGet")).get("path"));
        assertTrue(((Number) pod.get("terminationGracePeriodSeconds")).intValue() > 15, "longer than the shutdown timeout");
        // the YAML routes come from a ConfigMap, mounted where the app loads routes/*.yaml from its working directory
        assertTrue(((List<Map<String, Object>>) container.get("volumeMounts")).stream().anyMatch(mount ->
                "routes".equals(mount.get("name")) && "/app/routes".equals(mount.get("mountPath"))), "routes mounted");
        assertTrue(((List<Map<String, Object>>) pod.get("volumes")).stream().anyMatch(volume ->
                "routes".equals(volume.get("name")) && volume.get("configMap") != null), "routes from a ConfigMap");
    }

    @Test
    void dockerComposeAcceptsTheFile() throws Exception {
        // .ci/run installs Debian's docker-compose, which validates without an engine; elsewhere it may be missing
        boolean installed = List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "docker-compose")));
        org.junit.jupiter.api.Assumptions.assumeTrue(installed || System.getenv("CI_REQUIRE_COMPOSE") != null,
                "docker-compose is not installed");
        assertEquals("", composeConfig(SECRETS), "the file with its secrets set");
        for (String secret : SECRETS.keySet()) {
            Map<String, String> missing = new java.util.HashMap<>(SECRETS);
            missing.remove(secret);
            assertTrue(composeConfig(missing).contains("set " + secret + " in .env"),
                    "without " + secret + " nothing starts, and the message names it");
        }
    }

    /** The secrets no container may start without: each has no default a stranger could know. */
    static final Map<String, String> SECRETS = Map.of("POSTGRES_PASSWORD", "p", "IOT_DB_PASSWORD", "i",
            "GRAFANA_ADMIN_PASSWORD", "g", "KAFKA_SASL_PASSWORD", "k");

    /** What docker-compose config says of the file with these variables set ("" when it accepts it). */
    static String composeConfig(Map<String, String> variables) throws Exception {
        // an empty env file, not the .env beside the file: a developer's own secrets would hide a missing one
        Path noEnv = Files.createTempFile("compose", ".env");
        noEnv.toFile().deleteOnExit();
        ProcessBuilder builder = new ProcessBuilder("docker-compose", "--env-file", noEnv.toString(), "-f",
                COMPOSE.toString(), "config", "-q").redirectErrorStream(true);
        SECRETS.keySet().forEach(builder.environment()::remove);
        builder.environment().putAll(variables);
        Process check = builder.start();
        String output = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        return check.exitValue() == 0 ? output : "exit " + check.exitValue() + ": " + output;
    }

    /**
     * No password of the stack has a default (the app's own secrets default to empty, and the app then refuses to
     * start), the database's login for the app and Grafana is no superuser, and the broker's controller listener, which
     * has no login, listens on the container's loopback only.
     */
    @Test
    void noPasswordHasADefaultTheAppsLoginIsNoSuperuserAndTheControllerIsLoopbackOnly() throws Exception {
        java.util.regex.Matcher defaults = java.util.regex.Pattern.compile("\\$\\{([A-Z_]*PASSWORD[A-Z_]*):-([^}]*)}")
                .matcher(Files.readString(COMPOSE));
        while (defaults.find()) {
            assertEquals("", defaults.group(2), defaults.group(1) + " defaults to '" + defaults.group(2) + "'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> kafka = (Map<String, Object>) service("kafka").get("environment");
        assertEquals("SASL_PLAINTEXT://:9092,CONTROLLER://localhost:9093", kafka.get("KAFKA_LISTENERS"));
        assertEquals("1@localhost:9093", kafka.get("KAFKA_CONTROLLER_QUORUM_VOTERS"));
        String format = String.valueOf(service("kafka").get("command"));
        assertTrue(format.contains("CONTROLLER://localhost:9093") && !format.contains("CONTROLLER://:"), format);
        @SuppressWarnings("unchecked")
        Map<String, Object> postgres = (Map<String, Object>) service("postgres").get("environment");
        @SuppressWarnings("unchecked")
        Map<String, Object> app = (Map<String, Object>) service("app").get("environment");
        assertEquals("iot", app.get("DB_USER"));
        assertTrue(!"iot".equals(postgres.getOrDefault("POSTGRES_USER", "postgres")), "the image makes POSTGRES_USER a superuser");
        assertTrue(((List<?>) service("postgres").get("volumes")).contains(
                "./deploy/postgres/iot-role.sh:/docker-entrypoint-initdb.d/iot-role.sh:ro"));
        String role = Files.readString(Path.of("deploy/postgres/iot-role.sh"));
        assertTrue(role.contains("CREATE ROLE iot LOGIN NOSUPERUSER") && role.contains("ALTER DATABASE iot OWNER TO iot"), role);
    }
}
