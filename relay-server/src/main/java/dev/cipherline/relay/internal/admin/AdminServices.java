package dev.cipherline.relay.internal.admin;

import dev.cipherline.relay.internal.delivery.DeliveryBus;
import dev.cipherline.relay.internal.metrics.RelayMetrics;
import dev.cipherline.relay.internal.store.AdminStore;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * What the admin listener's handlers share, made once per relay.
 *
 * @param metrics the relay's metrics, written at {@code /metrics}
 * @param store totals, the readiness probe and invites
 * @param bus asked whether it is connected, for {@code /readyz}
 * @param invites makes invites
 * @param token the admin token the {@code /v1/admin/} endpoints require
 * @param connections how many connections the public listener holds now
 * @param registration the registration policy in force now, as a word
 * @param clock for the uptime
 * @param startedAt when the relay started, in Unix milliseconds
 */
public record AdminServices(
        RelayMetrics metrics,
        AdminStore store,
        DeliveryBus bus,
        Invites invites,
        AdminToken token,
        IntSupplier connections,
        Supplier<String> registration,
        Clock clock,
        long startedAt) {}
