package dev.cipherline.cli.internal.command;

import dev.cipherline.cli.internal.error.CliError;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code cipherline} command: holds the options every subcommand shares. */
@Command(
        name = "cipherline",
        mixinStandardHelpOptions = true,
        versionProvider = RootCommand.Version.class,
        description = "End-to-end encrypted chat from the terminal.",
        subcommands = {
            InitCommand.class,
            WhoamiCommand.class,
            ContactCommand.class,
            GroupCommand.class,
            SendCommand.class,
            RecvCommand.class,
            HistoryCommand.class,
            ReadCommand.class,
            TimerCommand.class,
            VerifyCommand.class,
            PassphraseCommand.class,
            DeleteCommand.class,
            ChatCommand.class,
            LinkCommand.class,
            DeviceCommand.class
        })
public final class RootCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(
            names = "--home",
            paramLabel = "DIR",
            description =
                    "Directory holding the account (default: $CIPHERLINE_HOME, else"
                            + " ~/.cipherline).")
    private Path home;

    private final CliEnvironment environment;

    /** Creates the root command over the given process environment. */
    public RootCommand(CliEnvironment environment) {
        this.environment = Objects.requireNonNull(environment);
    }

    /** Returns the account directory chosen by {@code --home}, the environment or the default. */
    Path home() {
        return Homes.resolve(home, environment.getenv(), environment.userHome());
    }

    CliEnvironment environment() {
        return environment;
    }

    /**
     * Opens the account in the home directory for a command that consumes no messages (no listener,
     * so incoming messages stay for {@code recv}).
     *
     * @throws CliError.WrongState if the home directory holds no account
     */
    ChatClient open() {
        return builder().build();
    }

    /**
     * Opens the account in the home directory with {@code listener}; the SDK starts connecting in
     * the background.
     *
     * @throws CliError.WrongState if the home directory holds no account
     */
    ChatClient open(ChatListener listener) {
        return builder().listener(listener).build();
    }

    /**
     * A builder for the account in the home directory.
     *
     * @throws CliError.WrongState if the home directory holds no account
     */
    ChatClient.Builder builder() {
        Path dir = home();
        if (!ChatClient.isInitialized(dir)) {
            throw new CliError.WrongState(
                    "no account in " + dir + "; run 'cipherline init --relay URL' first");
        }
        return ChatClient.builder()
                .home(dir)
                .relayTrust(RelayTrustFiles.load(dir))
                .protection(Passphrases.forOpening(environment, dir))
                // a changed identity is accepted explicitly (verify --confirm, contact accept)
                .holdOnIdentityChange(true);
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "Missing a command");
    }

    /** Reads the version from the jar manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RootCommand.class.getPackage().getImplementationVersion();
            return new String[] {
                "cipherline " + (version == null ? "(development build)" : version)
            };
        }
    }
}
