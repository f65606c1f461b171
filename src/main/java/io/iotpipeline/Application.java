package io.iotpipeline;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import io.iotpipeline.embedded.EmbeddedKafka;
import io.iotpipeline.replay.SampleReplay;
import org.apache.camel.main.Main;

/**
 * Runs the pipeline: {@code java -jar iot-pipeline.jar [camel-main options]}, e.g.
 * {@code --propertiesLocation=file:my.properties}. {@code java -jar iot-pipeline.jar broker <dataDir> <port>
 * <controllerPort>} runs only a Kafka broker, as a separate process; {@code java -jar iot-pipeline.jar replay devices/}
 * posts sample events to a running pipeline ({@link SampleReplay}).
 */
public final class Application {

    static final String DEFAULTS = "classpath:application.properties";
    static final String ROUTES_FOLDER = "routes";

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
        if (args.length > 0 && args[0].equals("broker")) {
            EmbeddedKafka.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if (args.length > 0 && args[0].equals("replay")) {
            SampleReplay.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Main main = new Main(Application.class);
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
