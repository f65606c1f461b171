package io.iotpipeline.domain;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadingRowsTest {

    @Test
    void aBatchIsOneJsonArrayKeyedByTheColumnNames() {
        UUID eventId = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        DeviceReading reading = new DeviceReading(eventId, "CI00103", 10001, "device",
                LocalDateTime.of(2023, 1, 5, 11, 13, 53, 643_364_000), "D001", "F", "ERROR", 59.0, 15.0,
                "{\"humidity\":40}", new SourceRecord("device_stream", 2, 41, "CI00103", "{}", 1672917233700L), true);
        assertEquals("[{\"eventid\":\"e3cb26d3-41b2-49a2-84f3-0156ed8d7502\",\"customerid\":\"CI00103\","
                + "\"eventoffset\":10001,\"eventpublisher\":\"device\",\"eventtime\":\"2023-01-05T11:13:53.643364\","
                + "\"deviceid\":\"D001\",\"measure\":\"F\",\"status\":\"ERROR\",\"temperature\":59.0,"
                + "\"temperaturecelsius\":15.0,\"late\":true,\"extrafields\":{\"humidity\":40},"
                + "\"kafkatopic\":\"device_stream\",\"kafkapartition\":2,\"kafkaoffset\":41,"
                + "\"kafkatimestamp\":\"2023-01-05T11:13:53.700Z\"}]",
                ReadingRows.json(List.of(reading)));
        assertEquals("[]", ReadingRows.json(List.of()));
    }
}
