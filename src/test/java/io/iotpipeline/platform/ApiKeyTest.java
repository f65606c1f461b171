package io.iotpipeline.platform;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApiKeyTest {

    @Test
    void aBlankKeyLeavesTheApiOpen() {
        assertFalse(new ApiKey(" ").required());
        assertTrue(new ApiKey("").admits(null));
    }

    @Test
    void aConfiguredKeyAdmitsOnlyItselfAndIsNeverPrinted() {
        ApiKey key = new ApiKey("s3cret");
        assertTrue(key.admits("s3cret"));
        assertFalse(key.admits(null));
        assertFalse(key.admits(""));
        assertFalse(key.admits("s3cre"));
        assertFalse(key.admits("s3cret2"));
        assertFalse(key.toString().contains("s3cret"));
    }
}
