package dev.cipherline.bench.internal.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cipherline.bench.internal.compare.RatioTable.Unit;
import java.util.List;
import org.junit.jupiter.api.Test;

class RatioTableTest {
    private static RatioTable table() {
        return new RatioTable(
                        List.of("Cipherline", "Mosquitto", "NATS"),
                        List.of(
                                new RatioTable.Ratio("Cipherline", "Mosquitto"),
                                new RatioTable.Ratio("Cipherline", "NATS")))
                .metric("rate", "W1: msgs/s", Unit.RATE)
                .metric("cpu", "W1: CPU per message", Unit.MICROS);
    }

    @Test
    void printsEachSystemAndTheRatiosCipherlineOverOther() {
        RatioTable t = table();
        t.put("Cipherline", "rate", 14_500.0);
        t.put("Mosquitto", "rate", 22_600.0);
        t.put("NATS", "rate", 11_900.0);
        t.put("Cipherline", "cpu", 66.0);
        t.put("Mosquitto", "cpu", 23.0);
        t.put("NATS", "cpu", 76.0);

        assertEquals(
                """
                | metric | Cipherline | Mosquitto | NATS | Cipherline / Mosquitto | Cipherline / NATS |
                | --- | --- | --- | --- | --- | --- |
                | W1: msgs/s | 14.5k | 22.6k | 11.9k | 0.64 | 1.22 |
                | W1: CPU per message | 66.0 µs | 23.0 µs | 76.0 µs | 2.87 | 0.87 |
                """,
                t.markdown());
    }

    @Test
    void aMissingFigureOrAZeroDenominatorPrintsADashNotInfinity() {
        RatioTable t = table();
        t.put("Cipherline", "cpu", 66.0);
        t.put("Mosquitto", "cpu", 0.0);

        assertNull(t.ratio("cpu", new RatioTable.Ratio("Cipherline", "Mosquitto")));
        assertNull(t.ratio("cpu", new RatioTable.Ratio("Cipherline", "NATS")));
        assertEquals(
                "| W1: CPU per message | 66.0 µs | 0.0 µs | — | — | — |",
                t.markdown().lines().toList().get(2));
    }

    @Test
    void leavesOutTheRowsOfAWorkloadThatWasNotRun() {
        RatioTable t = table();
        t.put("NATS", "cpu", 76.0);

        List<String> lines = t.markdown().lines().toList();
        assertEquals(3, lines.size());
        assertEquals("| W1: CPU per message | — | — | 76.0 µs | — | — |", lines.get(2));
    }

    @Test
    void formatsEachUnit() {
        assertEquals("950", RatioTable.format(950.0, Unit.RATE));
        assertEquals("36.4k", RatioTable.format(36_400.0, Unit.RATE));
        assertEquals("1.20M", RatioTable.format(1_200_000.0, Unit.RATE));
        assertEquals("4.60 ms", RatioTable.format(4.6, Unit.MILLIS));
        assertEquals("3.6 KB", RatioTable.format(3.6, Unit.SIZE));
        assertEquals("173.5 MB", RatioTable.format(173.5 * 1024, Unit.SIZE));
        assertEquals("—", RatioTable.format(null, Unit.MICROS));
        assertEquals("—", RatioTable.format(Double.NaN, Unit.MILLIS));
    }

    @Test
    void refusesUnknownRowsColumnsAndRatios() {
        RatioTable t = table();
        assertThrows(IllegalArgumentException.class, () -> t.put("Kafka", "rate", 1.0));
        assertThrows(IllegalArgumentException.class, () -> t.put("NATS", "latency", 1.0));
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new RatioTable(
                                List.of("Cipherline"),
                                List.of(new RatioTable.Ratio("Cipherline", "NATS"))));
    }
}
