package io.iotpipeline.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.iotpipeline.api.ApiQuery;
import io.iotpipeline.api.FleetPage;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API contract (src/main/resources/api/openapi.yaml) passes Redocly's recommended rules, and the pieces of the
 * fleet listing that need no server: cursors, and parameters an operation does not take. ApiClientIT calls every
 * operation through a client generated from the contract.
 */
class ApiContractTest {

    static final Path CONTRACT = Path.of("src/main/resources/api/openapi.yaml");

    @Test
    void theContractPassesRedoclysRecommendedRules() throws Exception {
        Path redocly = Path.of(System.getenv().getOrDefault("REDOCLY", ".ci/npm/node_modules/.bin/redocly"));
        if (!Files.isExecutable(redocly)) {
            String message = "cannot lint the API contract: no " + redocly.toAbsolutePath().normalize()
                    + " (npm install --prefix .ci/npm @redocly/cli)";
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
        Process lint = new ProcessBuilder(redocly.toAbsolutePath().toString(), "lint", "--extends=recommended",
                "--format=stylish", CONTRACT.toAbsolutePath().toString()).redirectErrorStream(true).start();
        String output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(lint.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, lint.exitValue(), output);
        assertTrue(output.contains("Your API description is valid"), output);
        assertTrue(output.lines().noneMatch(line -> line.matches("\\s*\\d+:\\d+\\s+warning\\s.*")), "no warnings either: " + output);
    }

    @Test
    void aCursorOpensOnlyItsOwnSort() {
        Map<String, Object> position = FleetPage.position("-avgTemperatureC",
                java.util.Base64.getUrlEncoder().encodeToString(
                        "[\"-avgTemperatureC\", 21.123456789012345678, \"CI00101\", \"D004\"]".getBytes(StandardCharsets.UTF_8)));
        assertEquals("21.123456789012345678", position.get("afterValue"), "the sort value exactly as written");
        assertEquals("CI00101", position.get("afterCustomer"));
        assertEquals("D004", position.get("afterDevice"));
        String deviceCursor = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "[\"device\", \"CI00101/D004\", \"CI00101\", \"D004\"]".getBytes(StandardCharsets.UTF_8));
        assertEquals("D004", FleetPage.position("device", deviceCursor).get("afterDevice"));
        assertNull(FleetPage.position("readings", deviceCursor), "a cursor of another sort");
        assertNull(FleetPage.position("device", "not base64!"));
        assertNull(FleetPage.position("device", java.util.Base64.getUrlEncoder().encodeToString("{}".getBytes())));
        for (String sort : FleetPage.SORTS) {
            assertTrue(FleetPage.statement(sort).contains("LIMIT :#limit"), sort);
        }
    }

    @Test
    void aParameterTheOperationDoesNotTakeIsRefused() throws Exception {
        Map<String, String> given = Map.of("limit", "5", "colour", "red");
        ApiQuery query = new ApiQuery(given::get, given.keySet()).limit(10, 10);
        ApiQuery.BadRequestException refused = assertThrows(ApiQuery.BadRequestException.class, query::values);
        assertEquals("unknown parameter 'colour': this operation takes limit", refused.getMessage());
        Map<String, String> fine = Map.of("limit", "5");
        assertEquals(5, new ApiQuery(fine::get, fine.keySet()).limit(10, 10).values().get("limit"));
        assertThrows(ApiQuery.BadRequestException.class, () -> new ApiQuery(fine::get, Set.of("x")).values(),
                "an operation without parameters refuses any");
    }
}
