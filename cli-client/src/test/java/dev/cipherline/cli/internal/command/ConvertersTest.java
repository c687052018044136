package dev.cipherline.cli.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class ConvertersTest {
    @Test
    void secondsMayBeFractional() {
        Converters.SecondsConverter seconds = new Converters.SecondsConverter();

        assertEquals(Duration.ofSeconds(30), seconds.convert("30"));
        assertEquals(Duration.ofMillis(500), seconds.convert("0.5"));
        assertEquals(Duration.ZERO, seconds.convert("0"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "ten", "", "1e400"})
    void badSecondsAreRefused(String value) {
        assertThrows(
                TypeConversionException.class,
                () -> new Converters.SecondsConverter().convert(value));
    }

    @Test
    void secondsArePrintedPlainly() {
        assertEquals("30 s", Converters.seconds(Duration.ofSeconds(30)));
        assertEquals("0.5 s", Converters.seconds(Duration.ofMillis(500)));
    }

    @Test
    void relayUrlsAreHttpHttpsWsOrWss() {
        Converters.RelayUrlConverter urls = new Converters.RelayUrlConverter();

        assertEquals(URI.create("http://127.0.0.1:7400"), urls.convert("http://127.0.0.1:7400"));
        assertEquals(URI.create("https://relay.example"), urls.convert(" https://relay.example "));
        // the relay is a WebSocket server: its ws/wss URL is accepted, and the SDK stores the
        // http/https base URL it stands for
        assertEquals(URI.create("ws://relay.example"), urls.convert("ws://relay.example"));
        assertEquals(URI.create("wss://relay.example"), urls.convert("WSS://relay.example"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:7400", "ftp://relay.example", "http://", "http:// bad"})
    void otherUrlsAreRefused(String value) {
        assertThrows(
                TypeConversionException.class,
                () -> new Converters.RelayUrlConverter().convert(value));
    }

    @Test
    void accountIdsAreNormalized() {
        assertEquals(
                "abcdefghijklmnopqrstuvwxyz234567",
                new Converters.AccountIdConverter()
                        .convert("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567")
                        .value());
    }
}
