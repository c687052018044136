package dev.cipherline.relay.internal.delivery.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KafkaBusSettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        KafkaBusSettings settings = KafkaBusSettings.of("kafka-1:9092,kafka-2:9092", "relay-1");
        assertEquals("cipherline.deliveries", settings.topic());
        assertEquals(6, settings.partitions());
        assertEquals(Duration.ofSeconds(15), settings.leaseDuration());
        assertEquals(Duration.ofSeconds(2), settings.fallbackPoll());
        assertEquals(Duration.ofSeconds(1), settings.healthCheck());
    }

    @Test
    void theBuilderChangesOnlyWhatItIsTold() {
        KafkaBusSettings settings =
                KafkaBusSettings.builder("k:9092", "relay-1")
                        .topic("other.topic", 3)
                        .leaseDuration(Duration.ofSeconds(3))
                        .build();
        assertEquals("other.topic", settings.topic());
        assertEquals(3, settings.partitions());
        assertEquals(Duration.ofSeconds(3), settings.leaseDuration());
        assertEquals(Duration.ofSeconds(2), settings.fallbackPoll());
    }

    @Test
    void valuesOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KafkaBusSettings.of(" ", "relay-1"));
        assertThrows(IllegalArgumentException.class, () -> KafkaBusSettings.of("k:9092", "a/b"));
        assertThrows(IllegalArgumentException.class, () -> KafkaBusSettings.of("k:9092", ""));
        assertThrows(
                IllegalArgumentException.class,
                () -> KafkaBusSettings.builder("k:9092", "n").topic("bad topic", 6).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> KafkaBusSettings.builder("k:9092", "n").topic("t", 0).build());
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        KafkaBusSettings.builder("k:9092", "n")
                                .leaseDuration(Duration.ofMillis(10))
                                .build());
        assertThrows(
                IllegalArgumentException.class,
                () -> KafkaBusSettings.builder("k:9092", "n").fallbackPoll(null).build());
    }
}
