package dev.cipherline.it;

/**
 * Switches for the fault scenarios, passed by failsafe from the Maven command line: {@code -Dsoak}
 * runs the long versions, {@code -Dfaults.seed=N} replays another fault schedule.
 */
final class Soak {
    private Soak() {}

    /** Whether the long (soak) versions of the fault scenarios run. */
    static boolean on() {
        String value = System.getProperty("soak", "false");
        return value.isEmpty() || Boolean.parseBoolean(value);
    }

    /** The seed of every random fault schedule. */
    static long seed() {
        String value = System.getProperty("faults.seed", "");
        return value.isBlank() ? 20261122L : Long.parseLong(value.trim());
    }

    /** {@code normal} in the default run, {@code soak} under {@code -Dsoak}. */
    static int pick(int normal, int soak) {
        return on() ? soak : normal;
    }
}
