package dev.cipherline.sdk;

/**
 * How far one of this account's group messages got: of the {@code recipients} members it was sent
 * to, how many stored it ({@code delivered}, which includes those who read it) and how many read
 * it. Kept by the sender's SDK from the members' end-to-end encrypted receipts, as compact bitmaps
 * of member indexes, so reading it is one row and no scan.
 *
 * @param delivered members whose device stored it
 * @param read members who read it
 * @param recipients the members it was sent to (the group without this account, at send time)
 */
public record GroupReadState(int delivered, int read, int recipients) {
    /** Checks the counts. */
    public GroupReadState {
        if (read < 0 || delivered < read || recipients < 0) {
            throw new IllegalArgumentException("0 <= read <= delivered, recipients >= 0");
        }
    }

    /** For a user: {@code read by 37 of 120}, or {@code delivered to 80 of 120}. */
    @Override
    public String toString() {
        return read > 0
                ? "read by " + read + " of " + recipients
                : "delivered to " + delivered + " of " + recipients;
    }
}
