package dev.cipherline.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.signal.libsignal.protocol.state.KyberPreKeyRecord;
import org.signal.libsignal.protocol.state.PreKeyRecord;
import org.signal.libsignal.protocol.state.SignedPreKeyRecord;

class PreKeyFactoryTest {
    private static final Identity IDENTITY = Identity.generate();

    @Test
    void prekeysAreSignedByTheIdentity() throws Exception {
        SignedPreKeyRecord signed = PreKeyFactory.signedPreKey(IDENTITY, 5, 1234L);
        assertEquals(5, signed.getId());
        assertEquals(1234L, signed.getTimestamp());
        assertTrue(
                Identity.verify(
                        IDENTITY.publicKey(),
                        signed.getKeyPair().getPublicKey().serialize(),
                        signed.getSignature()));
        KyberPreKeyRecord kyber = PreKeyFactory.kyberPreKey(IDENTITY, 6, 1234L);
        assertTrue(
                Identity.verify(
                        IDENTITY.publicKey(),
                        kyber.getKeyPair().getPublicKey().serialize(),
                        kyber.getSignature()));
    }

    @Test
    void batchIdsAreConsecutiveAndWrapAfterTheMaximum() {
        List<PreKeyRecord> ec = PreKeyFactory.ecPreKeys(PreKeyFactory.MAX_ID - 1, 3);
        assertEquals(
                List.of(PreKeyFactory.MAX_ID - 1, PreKeyFactory.MAX_ID, 1),
                ec.stream().map(PreKeyRecord::getId).toList());
        List<KyberPreKeyRecord> kyber = PreKeyFactory.kyberPreKeys(IDENTITY, 100, 2, 0L);
        assertEquals(List.of(100, 101), kyber.stream().map(KyberPreKeyRecord::getId).toList());
        assertEquals(1, PreKeyFactory.nextId(PreKeyFactory.MAX_ID, 1));
    }

    @Test
    void idsOutsideTheMediumRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> PreKeyFactory.ecPreKeys(0, 1));
        assertThrows(
                IllegalArgumentException.class,
                () -> PreKeyFactory.signedPreKey(IDENTITY, PreKeyFactory.MAX_ID + 1, 0L));
        assertThrows(IllegalArgumentException.class, () -> PreKeyFactory.ecPreKeys(1, -1));
    }
}
