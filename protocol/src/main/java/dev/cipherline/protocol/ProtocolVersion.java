package dev.cipherline.protocol;

import java.util.List;

/** Protocol versions. A client offers one version in {@code auth}; the relay lists its own. */
public final class ProtocolVersion {
    /** The version this build speaks. */
    public static final int CURRENT = 1;

    /** Every version this build can speak, newest first. */
    public static final List<Integer> SUPPORTED = List.of(CURRENT);

    private ProtocolVersion() {}
}
