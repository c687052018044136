package dev.cipherline.cli;

import dev.cipherline.cli.internal.command.CliEnvironment;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the CLI in this process with a given environment and captures what it prints. */
final class CliHarness {
    /** What one run printed and how it exited. */
    record Result(int exitCode, String stdout, String stderr) {
        List<String> errLines() {
            return stderr.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    private final Map<String, String> env;
    private final Path userHome;

    CliHarness(Map<String, String> env, Path userHome) {
        this.env = env;
        this.userHome = userHome;
    }

    Result run(String... args) {
        return runWithStdin("", args);
    }

    Result runWithStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliEnvironment environment =
                new CliEnvironment(
                        env::get,
                        userHome,
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int exitCode =
                Main.run(environment, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(exitCode, out.toString(), err.toString());
    }
}
