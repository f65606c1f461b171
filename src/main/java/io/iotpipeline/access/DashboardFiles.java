package io.iotpipeline.access;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The live dashboard's own files, and nothing else: a page, script or stylesheet from the classpath folder
 * {@code dashboard/}, and the chart library from its WebJar. camel-main's static handler also served the classpath
 * root and the working directory (the settings, the SQL, any file of the process), so it stays off.
 */
public final class DashboardFiles {

    /** A served file: its bytes and media type. */
    public record File(byte[] bytes, String mediaType) {
    }

    static final String FOLDER = "dashboard/";
    private static final Pattern OWN_FILE = Pattern.compile("[a-z0-9][a-z0-9-]*\\.(html|js|css)");
    private static final Pattern CHART_LIBRARY = Pattern.compile("webjars/echarts/[0-9.]+/dist/echarts\\.min\\.js");
    private static final Map<String, String> MEDIA_TYPES = Map.of("html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final ClassLoader classLoader;
    /** The files found, each read once; a miss is not remembered (any name may be asked for). */
    private final Map<String, File> loaded = new ConcurrentHashMap<>();

    public DashboardFiles(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The file a request path names ({@code /} is the page), or empty: the path is not one of the dashboard's. */
    public Optional<File> find(String requestPath) {
        String name = requestPath.equals("/") ? "index.html" : requestPath.substring(1);
        String resource;
        if (OWN_FILE.matcher(name).matches()) {
            resource = FOLDER + name;
        } else if (CHART_LIBRARY.matcher(name).matches()) {
            resource = "META-INF/resources/" + name;
        } else {
            return Optional.empty();
        }
        File file = loaded.get(resource);
        if (file == null) {
            file = load(resource);
            if (file != null) {
                loaded.put(resource, file);
            }
        }
        return Optional.ofNullable(file);
    }

    private File load(String resource) {
        try (InputStream in = classLoader.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            String extension = resource.substring(resource.lastIndexOf('.') + 1);
            return new File(in.readAllBytes(), MEDIA_TYPES.get(extension));
        } catch (IOException e) {
            return null;
        }
    }
}
