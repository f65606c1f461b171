package io.iotpipeline;

import java.util.Arrays;

import io.iotpipeline.platform.EmbeddedKafka;
import org.apache.camel.main.Main;

/**
 * Runs the pipeline: {@code java -jar iot-pipeline.jar [camel-main options]}, e.g.
 * {@code --propertiesLocation=file:my.properties}. {@code java -jar iot-pipeline.jar broker <dataDir> <port>
 * <controllerPort>} runs only a Kafka broker, as a separate process.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("broker")) {
            EmbeddedKafka.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        Main main = new Main(Application.class);
        int exitCode = main.run(args);
        System.exit(exitCode);
    }
}
