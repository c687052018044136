package dev.cipherline.sdk.internal.content;

/**
 * One method for each type of {@link Content}, called by {@link Content#accept}: the switch over
 * the sealed content family, checked by the compiler (Java 17 has no pattern switch).
 *
 * @param <R> what handling a content gives
 * @param <X> the checked exception handling may throw
 */
public interface ContentVisitor<R, X extends Exception> {
    R text(Content.Text text) throws X;

    R receipt(Content.Receipt receipt) throws X;

    R typing(Content.Typing typing) throws X;

    R groupText(Content.GroupText text) throws X;

    R groupUpdate(Content.GroupUpdate update) throws X;

    R groupLeave(Content.GroupLeave leave) throws X;

    R senderKey(Content.SenderKey key) throws X;

    R unknown(Content.Unknown unknown) throws X;
}
