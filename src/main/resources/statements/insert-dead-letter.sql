-- A dead letter is keyed by where it came from and why (DeadLetter.deadLetterKey): a batch read again adds nothing.
INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength, eventId, deviceId, kafkaTopic,
                              kafkaPartition, kafkaOffset)
VALUES (:#deadLetterKey, :#reason, :#payload, :#payloadLength, :#eventId, :#deviceId, :#kafkaTopic,
        :#kafkaPartition, :#kafkaOffset)
ON CONFLICT (deadLetterKey) DO NOTHING
