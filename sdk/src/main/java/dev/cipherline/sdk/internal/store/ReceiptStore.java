package dev.cipherline.sdk.internal.store;

import static dev.cipherline.sdk.internal.store.Sql.execute;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Receipts this device owes its peers. A row is written in the same transaction as what it
 * acknowledges (a stored message, a conversation marked read), so no receipt is lost to a crash;
 * rows are later turned into outbox entries in batches, one receipt for many messages.
 */
public final class ReceiptStore {
    /** One owed receipt: {@code type} is the receipt type byte of the content encoding. */
    public record Owed(long id, String peer, int type, String clientMsgId) {}

    /** Owes {@code peer} a receipt of {@code type} for its message {@code clientMsgId}. */
    public void owe(Tx tx, String peer, int type, String clientMsgId) {
        tx.run(
                c ->
                        execute(
                                c,
                                "INSERT INTO receipt_queue (peer, type, client_msg_id) VALUES (?, ?, ?)",
                                peer,
                                type,
                                clientMsgId));
    }

    /** Every owed receipt, oldest first. */
    public List<Owed> owed(Tx tx) {
        return tx.sql(
                c -> {
                    List<Owed> out = new ArrayList<>();
                    try (PreparedStatement ps =
                                    c.prepareStatement(
                                            "SELECT id, peer, type, client_msg_id FROM receipt_queue ORDER BY"
                                                    + " id");
                            ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.add(
                                    new Owed(
                                            rs.getLong(1),
                                            rs.getString(2),
                                            rs.getInt(3),
                                            rs.getString(4)));
                        }
                    }
                    return out;
                });
    }

    /** Forgets owed receipts up to {@code lastId}, once they are in the outbox. */
    public void forget(Tx tx, long lastId) {
        tx.run(c -> execute(c, "DELETE FROM receipt_queue WHERE id <= ?", lastId));
    }
}
