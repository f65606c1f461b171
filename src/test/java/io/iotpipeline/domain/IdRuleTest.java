package io.iotpipeline.domain;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ingest, the API contract and the dashboard hold one id rule, written the same in each. */
class IdRuleTest {

    @Test
    void theContractAndTheDashboardWriteTheSameIdRuleAsIngest() throws Exception {
        String contract = Files.readString(Path.of("src/main/resources/api/openapi.yaml"));
        String dashboard = Files.readString(Path.of("src/main/resources/dashboard/dashboard.js"));
        assertTrue(contract.contains("pattern: '^" + Ids.RULE + "$'"), "openapi.yaml's Id pattern");
        assertTrue(dashboard.contains("const ID_RULE = /^" + Ids.RULE + "$/;"), "dashboard.js's ID_RULE");
    }

    @Test
    void markupSpacesControlAndDirectionCharactersAreNoIds() {
        assertTrue(Ids.isId("CI00103") && Ids.isId("D001") && Ids.isId("site-1.rack:2_a"));
        for (String odd : new String[] {"<b>C</b>", "D 01", "D\u202E01", "D\u000701", "", "D0123456789012345678901"}) {
            assertFalse(Ids.isId(odd), odd);
        }
    }

    @Test
    void theCheckPerCharacterIsTheRule() {
        // every character up to U+00FF alone, between others, and at each length around the limit
        for (char c = 0; c < 256; c++) {
            for (String text : new String[] {String.valueOf(c), "D" + c + "1", "A".repeat(19) + c, "A".repeat(20) + c}) {
                assertEquals(Ids.PATTERN.matcher(text).matches(), Ids.isId(text), () -> "U+" + Integer.toHexString(text
                        .charAt(text.length() - 1)) + " in " + text.length() + " characters");
            }
        }
    }
}
