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
        Process check = new ProcessBuilder("docker-compose", "-f", COMPOSE.toString(), "config", "-q")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertTrue(check.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, check.exitValue(), output);
    }
}
