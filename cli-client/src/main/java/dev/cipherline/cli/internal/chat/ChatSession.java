package dev.cipherline.cli.internal.chat;

import dev.cipherline.cli.internal.error.ErrorMapper;
import dev.cipherline.cli.internal.output.TerminalText;
import dev.cipherline.sdk.AccountId;
import dev.cipherline.sdk.ChatClient;
import dev.cipherline.sdk.ChatListener;
import dev.cipherline.sdk.Contact;
import dev.cipherline.sdk.Direction;
import dev.cipherline.sdk.Group;
import dev.cipherline.sdk.IncomingMessage;
import dev.cipherline.sdk.Nullable;
import dev.cipherline.sdk.StoredMessage;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jline.keymap.KeyMap;
import org.jline.reader.Binding;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.Widget;
import org.jline.terminal.Size;
import org.jline.utils.InfoCmp;

/**
 * One run of {@code cipherline chat}. The calling thread reads lines and runs commands; one UI
 * thread ({@code cipherline-chat-ui}) draws the screen, marks the open conversation read as
 * messages arrive, and expires typing indicators. Every frame is drawn from the SDK's store plus
 * the {@link ChatState}, so a redraw after any event (or a resize) shows the truth. A failure while
 * running a command or drawing becomes one line on the screen, never a stack trace.
 */
public final class ChatSession implements AutoCloseable {
    private static final long RESIZE_POLL_MILLIS = 300;

    private final LineReader reader;
    private final ChatScreen screen;
    private final Clock clock;
    private final ChatState state = new ChatState();
    private final ScheduledExecutorService ui =
            Executors.newSingleThreadScheduledExecutor(
                    task -> {
                        Thread thread = new Thread(task, "cipherline-chat-ui");
                        thread.setDaemon(true);
                        return thread;
                    });
    private final AtomicBoolean redrawPending = new AtomicBoolean();
    private final TypingNotifier typing;
    private volatile @Nullable ChatClient client;
    private volatile @Nullable Size drawnSize;
    private String self = "me";

    /** Creates a session on {@code reader}'s terminal; {@link #run} starts it. */
    public ChatSession(LineReader reader, Clock clock) {
        this.reader = reader;
        this.screen = new ChatScreen(reader.getTerminal(), reader);
        this.clock = clock;
        this.typing = new TypingNotifier(this::sendTyping, ui, System::nanoTime);
    }

    /** The listener to build the {@link ChatClient} with. */
    public ChatListener listener() {
        return new ChatEvents(
                state, clock, this::messageArrived, this::requestRedraw, this::typingChanged);
    }

    /** Runs the chat on {@code chatClient} until the user quits (or presses Ctrl-D). */
    public void run(ChatClient chatClient) {
        client = chatClient;
        String name = chatClient.whoami().name();
        self = name == null ? "me" : TerminalText.safe(name);
        Widget insert = reader.getWidgets().get(LineReader.SELF_INSERT);
        reader.getWidgets().put(LineReader.SELF_INSERT, () -> typed(insert));
        ui.scheduleWithFixedDelay(
                this::redrawIfResized,
                RESIZE_POLL_MILLIS,
                RESIZE_POLL_MILLIS,
                TimeUnit.MILLISECONDS);
        requestRedraw();
        ChatCommands commands = new ChatCommands(chatClient, state, typing, this::pageSize);
        bindScrollKeys();
        boolean running = true;
        while (running) {
            String line;
            try {
                line = reader.readLine("> ");
            } catch (UserInterruptException e) {
                // Ctrl-C clears a half-typed line; on an empty line it quits
                running = !e.getPartialLine().isEmpty();
                continue;
            } catch (EndOfFileException e) {
                break;
            }
            state.notices(List.of());
            try {
                running = commands.run(ChatInput.parse(line));
            } catch (RuntimeException e) {
                state.notices(List.of("error: " + oneLine(e)));
            }
            requestRedraw();
        }
        typing.stop();
        // the last frame stays on screen; nothing is drawn while the client closes
        client = null;
    }

    /** Stops the UI thread. */
    @Override
    public void close() {
        ui.shutdownNow();
    }

    private boolean typed(Widget insert) {
        boolean inserted = insert.apply();
        AccountId peer = state.openPeer();
        if (peer != null && !reader.getBuffer().toString().startsWith("/")) {
            typing.keystroke(peer);
        }
        return inserted;
    }

    private void sendTyping(AccountId peer, boolean isTyping) {
        ChatClient c = client;
        if (c != null) {
            try {
                c.sendTyping(peer, isTyping);
            } catch (RuntimeException e) {
                // best effort, like the indicator itself
            }
        }
    }

    private void messageArrived(IncomingMessage message) {
        post(
                () -> {
                    ChatClient c = client;
                    if (c != null
                            && message.group() == null
                            && message.from().equals(state.openPeer())) {
                        c.markRead(message.from());
                    }
                    Group open = state.openGroup();
                    if (c != null && open != null && open.id().equals(message.group())) {
                        c.groups().markRead(open.id());
                    }
                    redraw();
                });
    }

    private void typingChanged(AccountId peer) {
        requestRedraw();
        try {
            ui.schedule(
                    this::requestRedraw,
                    ChatState.TYPING_LASTS.toMillis() + 100,
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    private void requestRedraw() {
        if (redrawPending.compareAndSet(false, true)) {
            post(
                    () -> {
                        redrawPending.set(false);
                        redraw();
                    });
        }
    }

    private void redrawIfResized() {
        Size drawn = drawnSize;
        if (drawn != null && !drawn.equals(screen.size())) {
            redraw();
        }
    }

    /** Draws one frame; runs on the UI thread only. */
    private void redraw() {
        ChatClient c = client;
        if (c == null) {
            return;
        }
        Size size = screen.size();
        drawnSize = size;
        AccountId peer = state.openPeer();
        Group group = state.openGroup();
        List<StoredMessage> messages = List.of();
        List<String> notices = state.notices();
        Map<String, String> senderNames = new HashMap<>();
        Map<String, String> groupMarks = new HashMap<>();
        List<Group> groups = c.groups().list().stream().filter(Group::active).toList();
        if (peer == null && group == null) {
            for (Group g : groups) {
                int unread = c.groups().unreadCount(g.id());
                if (unread > 0) {
                    groupMarks.put(g.id().value(), unread + " unread");
                }
            }
        }
        if (peer != null || group != null) {
            int back = state.scrolledBack();
            int rows = Math.max(1, size.getRows());
            int page = Math.min(ChatState.SCROLLBACK_LIMIT, rows + back);
            List<StoredMessage> newest =
                    group == null
                            ? c.history().page(peer, page, null)
                            : c.groups().history(group.id(), page, null);
            if (group != null) {
                for (AccountId member : group.members()) {
                    senderNames.put(member.value(), displayName(c, member));
                }
                for (StoredMessage m : newest) {
                    if (m.direction() == Direction.OUTGOING) {
                        c.groups()
                                .readState(m.id())
                                .ifPresent(s -> groupMarks.put(m.id().value(), s.toString()));
                    }
                }
            }
            messages = state.withReportedStates(ChatState.window(newest, back));
            if (back > 0) {
                notices = new ArrayList<>(notices);
                notices.add(
                        "(older messages; "
                                + Math.min(back, newest.size())
                                + " newer below: PageDown or /latest)");
            }
        }
        ChatView view =
                new ChatView(
                        self,
                        state.connection(),
                        peer,
                        group != null
                                ? "#" + TerminalText.safe(group.name())
                                : peer == null ? null : displayName(c, peer),
                        messages,
                        peer != null && state.isTyping(peer, clock.instant()),
                        c.conversations(),
                        groups,
                        group,
                        senderNames,
                        groupMarks,
                        notices,
                        size.getColumns(),
                        size.getRows(),
                        clock.getZone(),
                        group != null
                                ? c.groups().disappearingTimer(group.id())
                                : peer != null ? c.disappearingTimer(peer) : Duration.ZERO);
        screen.draw(ScreenRenderer.render(view), size.getColumns());
    }

    /** How many messages one screen shows, roughly: one scroll step. */
    private int pageSize() {
        Size size = drawnSize;
        return Math.max(1, (size == null ? 24 : size.getRows()) - 4);
    }

    /** PageUp and PageDown scroll the open conversation without touching the typed line. */
    private void bindScrollKeys() {
        reader.getWidgets()
                .put(
                        "cipherline-scroll-back",
                        () -> {
                            if (state.anyOpen()) {
                                state.scroll(pageSize());
                                requestRedraw();
                            }
                            return true;
                        });
        reader.getWidgets()
                .put(
                        "cipherline-scroll-forward",
                        () -> {
                            state.scroll(-pageSize());
                            requestRedraw();
                            return true;
                        });
        KeyMap<Binding> keys = reader.getKeyMaps().get(LineReader.MAIN);
        String pageUp = KeyMap.key(reader.getTerminal(), InfoCmp.Capability.key_ppage);
        String pageDown = KeyMap.key(reader.getTerminal(), InfoCmp.Capability.key_npage);
        if (pageUp != null && !pageUp.isEmpty()) {
            keys.bind(new Reference("cipherline-scroll-back"), pageUp);
        }
        if (pageDown != null && !pageDown.isEmpty()) {
            keys.bind(new Reference("cipherline-scroll-forward"), pageDown);
        }
    }

    private static String displayName(ChatClient c, AccountId peer) {
        return c.contacts()
                .byAccount(peer)
                .map(Contact::name)
                .map(TerminalText::safe)
                .orElse(ScreenRenderer.shortId(peer.value()));
    }

    private void post(Runnable task) {
        try {
            ui.execute(
                    () -> {
                        try {
                            task.run();
                        } catch (RuntimeException e) {
                            // drawing failed: say so in one line rather than die silently
                            reader.printAbove("cipherline: " + oneLine(e));
                        }
                    });
        } catch (RejectedExecutionException e) {
            // the session is closing; nothing left to draw
        }
    }

    private static String oneLine(RuntimeException e) {
        String sentence = ErrorMapper.toCliError(e).getMessage();
        return sentence == null ? "unknown error" : sentence.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }
}
