package dev.heatbox.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A real headless Chromium driven over the DevTools protocol (a WebSocket the JDK speaks), for
 * tests: navigate, run script, and send trusted keyboard and mouse input, as a person would.
 */
final class DevTools implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private final Process browser;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> waiting = new ConcurrentHashMap<>();
    /** Uncaught script errors on the page (after {@code Runtime.enable}). */
    final List<String> pageErrors = new CopyOnWriteArrayList<>();

    private final Path profile;

    private DevTools(Process browser, WebSocket socket, Path profile) {
        this.browser = browser;
        this.socket = socket;
        this.profile = profile;
    }

    /** Starts Chromium (a fresh profile in a temp folder, its log in {@code dir}) and attaches to its first page. */
    static DevTools start(Path dir, int width, int height) throws Exception {
        // the profile lives outside the test's folder: a late write by a closing browser must not fail the test
        Path profile = Files.createTempDirectory("heatbox-chromium-");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
                "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "--user-data-dir=" + profile,
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                p.destroyForcibly();
                throw new IllegalStateException("chromium did not start: " + Files.readString(dir.resolve("chromium.log")));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String ws = null;
        for (JsonNode t : Json.MAPPER.readTree(list)) {
            if (t.path("type").asText().equals("page")) {
                ws = t.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (ws == null) {
            p.destroyForcibly();
            throw new IllegalStateException("chromium has no page: " + list);
        }
        DevTools[] self = new DevTools[1];
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create(ws), new WebSocket.Listener() {
                    final StringBuilder part = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                        part.append(data);
                        if (last) {
                            self[0].reply(part.toString());
                            part.setLength(0);
                        }
                        w.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        self[0] = new DevTools(p, socket, profile);
        return self[0];
    }

    private void reply(String text) {
        try {
            JsonNode n = Json.MAPPER.readTree(text);
            if (n.path("method").asText().equals("Runtime.exceptionThrown")) {
                pageErrors.add(n.path("params").path("exceptionDetails").toString());
            } else if (n.has("id")) {
                CompletableFuture<JsonNode> f = waiting.remove(n.get("id").asInt());
                if (f != null) {
                    f.complete(n);
                }
            }
        } catch (IOException e) {
            // not JSON: nothing waits for it
        }
    }

    /** Sends one protocol command and waits for its result; a protocol error fails the test. */
    JsonNode call(String method, Map<String, ?> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = Json.MAPPER.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        msg.set("params", Json.MAPPER.valueToTree(params));
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        waiting.put(id, f);
        socket.sendText(Json.MAPPER.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode r = f.get(60, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.path("result");
    }

    /** The value of a script expression (awaited when it is a promise). */
    JsonNode eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    void waitFor(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    boolean truthy(String expression) {
        try {
            return eval(expression).asBoolean(false);
        } catch (Exception e) {
            return false; // the page is still loading
        }
    }

    /** A key press as the keyboard sends it (keyDown with its text, then keyUp). */
    void key(String key, String code, int keyCode, String text) throws Exception {
        Map<String, Object> down = new java.util.HashMap<>(Map.of("type", text.isEmpty() ? "rawKeyDown" : "keyDown", "key", key,
                "code", code, "windowsVirtualKeyCode", keyCode));
        if (!text.isEmpty()) {
            down.put("text", text);
        }
        call("Input.dispatchKeyEvent", down);
        call("Input.dispatchKeyEvent", Map.of("type", "keyUp", "key", key, "code", code, "windowsVirtualKeyCode", keyCode));
    }

    /** Presses the left button at (x0, y0), moves in steps to (x1, y1) and releases: a person's drag. */
    void drag(double x0, double y0, double x1, double y1) throws Exception {
        call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x0, "y", y0));
        call("Input.dispatchMouseEvent", Map.of("type", "mousePressed", "x", x0, "y", y0, "button", "left", "buttons", 1,
                "clickCount", 1));
        for (int i = 1; i <= 10; i++) {
            call("Input.dispatchMouseEvent", Map.of("type", "mouseMoved", "x", x0 + (x1 - x0) * i / 10, "y",
                    y0 + (y1 - y0) * i / 10, "button", "left", "buttons", 1));
        }
        call("Input.dispatchMouseEvent", Map.of("type", "mouseReleased", "x", x1, "y", y1, "button", "left", "buttons", 0,
                "clickCount", 1));
    }

    byte[] screenshot() throws Exception {
        return java.util.Base64.getDecoder().decode(call("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
    }

    /**
     * Closes the browser and every process it started (renderers, the crash handler), and waits for
     * them: one left running would still be writing into the profile folder while JUnit deletes it.
     */
    @Override
    public void close() {
        try {
            call("Browser.close", Map.of());
        } catch (Exception e) {
            // already gone, or not answering: the kill below does it
        }
        socket.abort();
        List<ProcessHandle> all = new java.util.ArrayList<>(browser.descendants().toList());
        all.add(browser.toHandle());
        try {
            browser.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle p : all) {
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> p).join();
        }
        deleteQuietly(profile);
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException e) {
            // a temp folder outside the test's own: left for the system to clean
        }
    }
}
