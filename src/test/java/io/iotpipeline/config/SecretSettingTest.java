package io.iotpipeline.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.iotpipeline.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SecretSettingTest {

    @Test
    void aSecretComesFromItsFileWhenOneIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db_password");
        Files.writeString(file, "s3cr3t with spaces\n");
        assertEquals("s3cr3t with spaces", SecretSetting.read(Map.of("db.password", "ignored",
                "db.password.file", file.toString())::get, "db.password"));
        assertEquals("plain", SecretSetting.read(Map.of("db.password", "plain", "db.password.file", "")::get,
                "db.password"));
    }

    @Test
    void anUnreadableFileIsAClearErrorWithoutTheSecret(@TempDir Path dir) {
        String message = assertThrows(IllegalArgumentException.class, () -> SecretSetting.read(Map.of(
                "db.password", "", "db.password.file", dir.resolve("missing").toString())::get, "db.password")).getMessage();
        assertEquals("db.password.file: cannot read " + dir.resolve("missing") + " (NoSuchFileException)", message);
    }

    @Test
    void aPasswordInTheJdbcUrlIsNeverShown() {
        String url = "jdbc:postgresql://db:5432/iot?user=iot&password=hunter2&ssl=true";
        assertEquals("jdbc:postgresql://db:5432/iot?user=iot&password=***&ssl=true", Database.redacted(url));
        assertFalse(Database.redacted("jdbc:postgresql://db/iot?PASSWORD=hunter2").contains("hunter2"));
    }
}
