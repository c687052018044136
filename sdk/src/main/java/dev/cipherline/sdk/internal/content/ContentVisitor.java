package dev.cipherline.sdk.internal.content;

/**
 * One method for each type of {@link Content}, called by {@link Content#accept}: the switch over
 * the sealed content family, checked by the compiler (Java 17 has no pattern switch).
 *
 * @param <R> what handling a content gives
 */
public interface ContentVisitor<R> {
    R text(Content.Text text);

    R receipt(Content.Receipt receipt);

    R typing(Content.Typing typing);

    R groupText(Content.GroupText text);

    R groupUpdate(Content.GroupUpdate update);

    R groupLeave(Content.GroupLeave leave);

    R senderKey(Content.SenderKey key);

    R sentTranscript(Content.SentTranscript transcript);

    R readSync(Content.ReadSync sync);

    R deviceHello(Content.DeviceHello hello);

    R contactSync(Content.ContactSync sync);

    R verifiedSync(Content.VerifiedSync sync);

    R deleteSync(Content.DeleteSync sync);

    R timerSetting(Content.TimerSetting setting);

    R unknown(Content.Unknown unknown);
}
