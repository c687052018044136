package dev.cipherline.protocol;

import static dev.cipherline.protocol.Checks.bytes;
import static dev.cipherline.protocol.Checks.list;
import static dev.cipherline.protocol.Checks.preKeyUpload;
import static dev.cipherline.protocol.Checks.present;
import static dev.cipherline.protocol.Checks.requireAccountId;
import static dev.cipherline.protocol.Checks.requireDeviceId;
import static dev.cipherline.protocol.Checks.requireRegistrationId;
import static dev.cipherline.protocol.Checks.token;

import dev.cipherline.protocol.Frame.PreKey;
import dev.cipherline.protocol.Frame.SignedPreKey;
import java.util.List;

/**
 * The JSON body of {@code POST /v1/devices}: registers one device of an account with its keys and
 * first prekeys. The relay checks that {@code accountId} is derived from {@code identityKey} and
 * that {@code signature} is the identity key's XEdDSA signature over {@link
 * SignedPayloads#registration}. Registering an existing device again with a valid signature
 * replaces its keys and empties its queue (a reinstall).
 *
 * @param authKey the device's 32-byte Ed25519 public key, used to answer challenges
 * @param invite an invite token from the relay's operator, or null: required by a relay whose
 *     registration policy is {@code invite}, ignored by an open one; 1-64 characters of A-Z a-z 0-9
 *     _ -
 * @param deviceList the account's signed device list with this device in it (its version one more
 *     than the list the relay holds, or any version if it holds none), or null for an account
 *     without lists; 172..5212 bytes, see docs/PROTOCOL.md
 */
public record Registration(
        String accountId,
        int deviceId,
        int registrationId,
        byte[] identityKey,
        byte[] authKey,
        byte[] signature,
        SignedPreKey signedPreKey,
        SignedPreKey lastResortKyberPreKey,
        List<PreKey> ecPreKeys,
        List<SignedPreKey> kyberPreKeys,
        String invite,
        byte[] deviceList) {
    public Registration {
        requireAccountId(accountId, "accountId");
        requireDeviceId(deviceId, "deviceId");
        requireRegistrationId(registrationId, "registrationId");
        identityKey = bytes(identityKey, "identityKey", 33, 33);
        authKey = bytes(authKey, "authKey", 32, 32);
        signature = bytes(signature, "signature", 64, 64);
        present(signedPreKey, "signedPreKey");
        present(lastResortKyberPreKey, "lastResortKyberPreKey");
        ecPreKeys = list(ecPreKeys == null ? List.of() : ecPreKeys, "ecPreKeys");
        kyberPreKeys = list(kyberPreKeys == null ? List.of() : kyberPreKeys, "kyberPreKeys");
        preKeyUpload(signedPreKey, lastResortKyberPreKey, ecPreKeys, kyberPreKeys);
        if (invite != null) {
            token(invite, "invite");
        }
        if (deviceList != null) {
            deviceList = Checks.deviceList(deviceList, "deviceList");
        }
    }

    /** A registration without an invite, for a relay whose registration is open. */
    public Registration(
            String accountId,
            int deviceId,
            int registrationId,
            byte[] identityKey,
            byte[] authKey,
            byte[] signature,
            SignedPreKey signedPreKey,
            SignedPreKey lastResortKyberPreKey,
            List<PreKey> ecPreKeys,
            List<SignedPreKey> kyberPreKeys) {
        this(
                accountId,
                deviceId,
                registrationId,
                identityKey,
                authKey,
                signature,
                signedPreKey,
                lastResortKyberPreKey,
                ecPreKeys,
                kyberPreKeys,
                null,
                null);
    }

    /** This registration carrying {@code invite} (null for none). */
    public Registration withInvite(String invite) {
        return new Registration(
                accountId,
                deviceId,
                registrationId,
                identityKey,
                authKey,
                signature,
                signedPreKey,
                lastResortKyberPreKey,
                ecPreKeys,
                kyberPreKeys,
                invite,
                deviceList);
    }

    /** This registration carrying the signed device list {@code deviceList} (null for none). */
    public Registration withDeviceList(byte[] deviceList) {
        return new Registration(
                accountId,
                deviceId,
                registrationId,
                identityKey,
                authKey,
                signature,
                signedPreKey,
                lastResortKyberPreKey,
                ecPreKeys,
                kyberPreKeys,
                invite,
                deviceList);
    }

    /** The JSON answer to a successful registration ({@code 201 Created}). */
    public record Result(String accountId, int deviceId) {}

    /** The JSON body of every HTTP error answer. */
    public record HttpError(ErrorCode code, String message) {}
}
