package io.iotpipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import io.iotpipeline.config.ZeroInstallServers;
import org.apache.camel.main.Main;

/**
 * Runs the pipeline: {@code java -jar iot-pipeline.jar [camel-main options]}, e.g.
 * {@code --propertiesLocation=file:my.properties}. {@code java -jar iot-pipeline.jar broker <dataDir> <port>
 * <controllerPort>} runs only a Kafka broker, as a separate process; {@code java -jar iot-pipeline.jar replay devices/}
 * posts sample events to a running pipeline ({@code replay/SampleReplay}). Both are in the zero-install jar only, and
 * reached by name: the deployed jar ({@code iot-pipeline-service.jar}) has neither. {@code --help} says so.
 */
public final class Application {

    static final String DEFAULTS = "classpath:application.properties";
    static final String ROUTES_FOLDER = "routes";
    static final String ZERO_INSTALL_JAR = "iot-pipeline.jar";
    static final String DEPLOYED_JAR = "iot-pipeline-service.jar";
    /** The commands only the zero-install jar has, and their classes. */
    static final String BROKER = "io.iotpipeline.embedded.EmbeddedKafka";
    static final String REPLAY = "io.iotpipeline.replay.SampleReplay";

    /**
     * What {@code --help} prints: this jar's commands and where the settings live.
     *
     * @param jar      the jar's file name, as the user runs it
     * @param zeroInstall whether this jar holds the embedded servers, {@code broker} and {@code replay}
     */
    static String help(String jar, boolean zeroInstall) {
        List<String> lines = new java.util.ArrayList<>(List.of(
                "usage: java -jar " + jar + " [command] [options]",
                "",
                "Commands:",
                "  (none)   run the pipeline: Kafka -> Camel routes -> PostgreSQL; dashboard and API on :8080",
                zeroInstall
                        ? "           with kafka.brokers / db.url empty it starts an embedded Kafka broker / PostgreSQL"
                        + " (data in data/)"
                        : "           needs kafka.brokers (KAFKA_BROKERS) and db.url (DB_URL): this jar has no"
                        + " embedded servers",
                "           --propertiesLocation=file:my.properties   a settings file over the built-in one",
                "           Camel's runner options (-d <seconds>, -t, ...): --help-camel"));
        if (zeroInstall) {
            lines.addAll(List.of(
                    "  replay [--url=http://localhost:8080/api/events] [--api-key=KEY] [--batch=500] <file or folder>...",
                    "           post sample events (e.g. devices/) to a running pipeline",
                    "  broker <dataDir> <port> <controllerPort> [nodeId=1] [advertisedPort=<port>] [voters=...]"
                            + " [clusterId=...] [replicas=1]",
                    "           run only a Kafka broker (KRaft) as its own process"));
        } else {
            lines.add("  replay, broker: not in " + jar + ", the deployed jar; they are in " + ZERO_INSTALL_JAR
                    + ", the zero-install jar");
        }
        lines.addAll(List.of(
                "  help, --help, -h   this text",
                "",
                "Settings: the defaults are in application.properties inside the jar (each key: docs/settings.md);",
                "override any key with",
                "  an environment variable   the key in capitals, dots as _: DB_URL, DB_USER, DB_PASSWORD, KAFKA_BROKERS,",
                "                            KAFKA_SASL_USERNAME, ... (a secret also from a file: DB_PASSWORD_FILE=...)",
                "  a system property         java -Ddb.url=jdbc:postgresql://db:5432/iot -jar " + jar,
                "  a file                    --propertiesLocation=file:my.properties (the keys it sets)",
                "Routes from files: every routes/*.yaml in the working directory is loaded at start.",
                ""));
        return String.join(System.lineSeparator(), lines);
    }

    /**
     * The pipeline's Camel Main. Its configuration classes and route builders are named in application.properties
     * ({@code camel.main.configurationClasses}, {@code camel.main.routesBuilderClasses}): a main class would make Camel
     * scan its package, which reads the whole zero-install jar, 1.2 s of every start, and configure them twice.
     */
    public static Main camelMain() {
        return new Main();
    }

    /** The file name of the jar this class runs from (the zero-install jar's when run from classes). */
    static String jarName() {
        try {
            Path location = Path.of(Application.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String name = location.getFileName().toString();
            if (name.endsWith(".jar")) {
                return name;
            }
        } catch (Exception | Error e) {
            // no code source: a name by what the jar holds
        }
        return ZeroInstallServers.inThisArtifact() ? ZERO_INSTALL_JAR : DEPLOYED_JAR;
    }

    private Application() {
    }

    /**
     * camel-main replaces the built-in settings with a file given by {@code -propertiesLocation}; users expect the file
     * to override only what it sets, so the built-in file is kept as the fallback (with several locations, camel-main takes a key from the first that has it). Also accepts {@code --propertiesLocation=f}.
     */
    static String[] withDefaultProperties(String[] args) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String location = null;
            if (arg.startsWith("--propertiesLocation=") || arg.startsWith("-propertiesLocation=")) {
                location = arg.substring(arg.indexOf('=') + 1);
            } else if ((arg.equals("-pl") || arg.equals("-propertiesLocation") || arg.equals("--propertiesLocation"))
                    && i + 1 < args.length) {
                location = args[++i];
            }
            if (location == null) {
                out.add(arg);
            } else {
                out.add("-propertiesLocation");
                out.add(location.contains(DEFAULTS) ? location : location + "," + DEFAULTS);
            }
        }
        return out.toArray(String[]::new);
    }

    /**
     * YAML routes users add without recompiling. camel-main fails on a pattern whose folder is missing, so the pattern
     * is only set when the folder exists; as an initial property, any explicit setting overrides it.
     */
    public static void loadRoutesFolderIfPresent(Main main, Path folder) {
        if (Files.isDirectory(folder)) {
            main.addInitialProperty("camel.main.routesIncludePattern", "file:" + folder + "/*.yaml");
        }
    }

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        if (List.of("--help", "-h", "-help", "help").contains(command)) {
            System.out.print(help(jarName(), ZeroInstallServers.inThisArtifact()));
            return;
        }
        if (command.equals("--help-camel")) {
            args = new String[] {"-h"};
        }
        if (command.equals("broker") || command.equals("replay")) {
            String type = command.equals("broker") ? BROKER : REPLAY;
            if (!ZeroInstallServers.inThisArtifact(type)) {
                System.err.println(command + " is not in " + jarName() + ": it is in " + ZERO_INSTALL_JAR
                        + ", the zero-install jar (see --help)");
                System.exit(2);
            }
            try {
                Class.forName(type).getMethod("main", String[].class)
                        .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
            return;
        }
        Main main = camelMain();
        loadRoutesFolderIfPresent(main, Path.of(ROUTES_FOLDER));
        int exitCode;
        try {
            exitCode = main.run(withDefaultProperties(args));
        } catch (Exception e) {
            System.err.println("iot-pipeline could not start: " + e.getMessage());
            exitCode = 1;
        }
        // the embedded servers' non-daemon threads must not keep a failed process alive
        System.exit(exitCode);
    }
}
