package dev.cipherline.relay;

/**
 * A part of a running relay that takes new settings on SIGHUP without dropping connections.
 * Register one with {@link RelayServer#addReloadable}; mark the options it reads as reloadable in
 * {@code RelayOptions}.
 */
@FunctionalInterface
public interface Reloadable {
    /**
     * Applies the settings of {@code config} that this part can change at run time. Called on the
     * reload thread after every value was checked, once per SIGHUP that changed a reloadable
     * option; options that need a restart still hold their running values in {@code config}. Must
     * not block for long; should not throw (a failure is logged and the other parts still reload).
     */
    void reload(RelayConfig config);
}
