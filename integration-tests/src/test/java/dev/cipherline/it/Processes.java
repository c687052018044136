package dev.cipherline.it;

import java.nio.file.Path;

/** Where the JVM for child processes is. */
final class Processes {
    private Processes() {}

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
