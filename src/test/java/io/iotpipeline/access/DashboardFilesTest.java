package io.iotpipeline.access;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DashboardFilesTest {

    private final DashboardFiles files = new DashboardFiles(DashboardFilesTest.class.getClassLoader());

    @Test
    void theDashboardsOwnFilesAreFound() {
        assertEquals("text/html; charset=utf-8", files.find("/").orElseThrow().mediaType());
        assertTrue(files.find("/dashboard.js").isPresent());
        assertTrue(files.find("/dashboard.css").isPresent());
        assertTrue(files.find("/webjars/echarts/5.3.1/dist/echarts.min.js").isPresent());
    }

    @Test
    void nothingElseOnTheClasspathIs() {
        for (String path : List.of("/application.properties", "/logback.xml", "/jolokia-access.xml",
                "/io/iotpipeline/Application.class", "/sql/V1__create_iot_device_events.sql", "/../dashboard/index.html",
                "/dashboard/index.html", "/META-INF/MANIFEST.MF", "/webjars/echarts/5.3.1/package.json",
                "/missing.js", "/Index.html")) {
            assertTrue(files.find(path).isEmpty(), path);
        }
    }
}
