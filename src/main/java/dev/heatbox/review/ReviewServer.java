package dev.heatbox.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.heatbox.data.Coco;
import dev.heatbox.report.Overlay;
import dev.heatbox.util.BadInputException;
import dev.heatbox.util.Cv;
import dev.heatbox.util.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * {@code heatbox review}'s web server (the JDK's HttpServer): the review page, the run's images,
 * their heatmaps, and an API that saves every edit. Every URL starts with a random token, so
 * another local user or a web page cannot reach the run; a wrong token is 403. Images are named
 * by their COCO id, never by a path, so the server reads only the run's own images: any other
 * URL, {@code ../} included, is 404.
 */
public final class ReviewServer implements AutoCloseable {
    private static final Pattern ROUTE = Pattern.compile("/([0-9a-f]{32})(/.*)?");
    private static final Map<String, String> STATIC = Map.of(
            "/", "review.html", "/static/review.js", "review.js", "/static/review.css", "review.css");
    private static final Pattern IMAGE = Pattern.compile("/(image|heat)/(\\d{1,18})");
    private static final Pattern API_IMAGE = Pattern.compile("/api/images/(\\d{1,18})");
    private static final int MAX_BODY = 1 << 20;

    private final ReviewStore store;
    private final HttpServer server;
    private final ExecutorService pool;
    private final String token;

    private ReviewServer(ReviewStore store, HttpServer server, String token) {
        this.store = store;
        this.server = server;
        this.token = token;
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "heatbox-review");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code store} on host:port (port 0: any free port). */
    public static ReviewServer start(ReviewStore store, String host, int port) {
        byte[] t = new byte[16];
        new SecureRandom().nextBytes(t);
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new BadInputException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); try another --port, or --port 0 for any free one");
        }
        ReviewServer s = new ReviewServer(store, http, HexFormat.of().formatHex(t));
        http.start();
        return s;
    }

    /** The page's address, token included. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getHostString();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort() + "/" + token + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            ex.getResponseHeaders().set("Referrer-Policy", "no-referrer"); // the token is in the URL
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            String path = ex.getRequestURI().getRawPath();
            Matcher m = ROUTE.matcher(path == null ? "" : path);
            if (!m.matches() || !MessageDigest.isEqual(m.group(1).getBytes(StandardCharsets.US_ASCII),
                    token.getBytes(StandardCharsets.US_ASCII))) {
                send(ex, 403, "text/plain", "forbidden: this address needs the URL heatbox review printed\n");
                return;
            }
            String rest = m.group(2);
            if (rest == null) {
                ex.getResponseHeaders().set("Location", "/" + token + "/");
                send(ex, 302, "text/plain", "");
                return;
            }
            route(ex, ex.getRequestMethod(), rest);
        } catch (RuntimeException e) {
            send(ex, 500, "text/plain", "error: " + e.getClass().getSimpleName() + "\n");
        }
    }

    private void route(HttpExchange ex, String method, String rest) throws IOException {
        if (method.equals("GET") && STATIC.containsKey(rest)) {
            String name = STATIC.get(rest);
            try (InputStream in = ReviewServer.class.getResourceAsStream(name)) {
                String type = name.endsWith(".js") ? "text/javascript" : name.endsWith(".css") ? "text/css" : "text/html";
                ex.getResponseHeaders().set("Content-Security-Policy",
                        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'");
                send(ex, 200, type + "; charset=utf-8", in.readAllBytes());
            }
            return;
        }
        if (method.equals("GET") && rest.equals("/api/items")) {
            sendJson(ex, 200, itemsJson());
            return;
        }
        Matcher img = IMAGE.matcher(rest);
        if (method.equals("GET") && img.matches()) {
            byte[] body = image(Long.parseLong(img.group(2)), img.group(1).equals("heat"));
            if (body == null) {
                send(ex, 404, "text/plain", "no such image\n");
            } else {
                send(ex, 200, "image/jpeg", body);
            }
            return;
        }
        Matcher api = API_IMAGE.matcher(rest);
        if (api.matches() && (method.equals("PUT") || method.equals("POST"))) {
            save(ex, Long.parseLong(api.group(1)));
            return;
        }
        send(ex, 404, "text/plain", "not found\n");
    }

    private Map<String, Object> itemsJson() {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("run", store.out().toAbsolutePath().normalize().getFileName().toString());
        List<Coco.Category> cats = new ArrayList<>();
        store.categories().forEach((id, name) -> cats.add(new Coco.Category(id, name)));
        r.put("categories", cats);
        r.put("items", store.items());
        r.put("saved_to", ReviewStore.FILE);
        return r;
    }

    private void save(HttpExchange ex, long imageId) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            send(ex, 413, "text/plain", "edit too large\n");
            return;
        }
        try {
            JsonNode n = Json.MAPPER.readTree(body);
            String review = n.path("heatbox_review").asText("pending");
            List<ReviewStore.Box> boxes = new ArrayList<>();
            for (JsonNode b : n.path("boxes")) {
                boxes.add(Json.MAPPER.treeToValue(b, ReviewStore.Box.class));
            }
            if (store.item(imageId) == null) {
                send(ex, 404, "text/plain", "no such image\n");
                return;
            }
            sendJson(ex, 200, store.update(imageId, review, boxes));
        } catch (IllegalArgumentException e) {
            send(ex, 400, "text/plain", "bad edit: " + e.getMessage() + "\n");
        } catch (IOException e) {
            send(ex, 400, "text/plain", "bad edit: not the JSON the page sends\n");
        }
    }

    /** The image as JPEG (with its heatmap blended in for {@code heat}), or null when the run has no such image or map. */
    private byte[] image(long id, boolean heat) {
        Path p = store.imagePath(id);
        if (p == null) {
            return null;
        }
        Mat img;
        try {
            img = Cv.read(p, false);
        } catch (BadInputException e) {
            return null;
        }
        if (heat) {
            ReviewMaps.Stored map = ReviewMaps.read(store.out(), id);
            if (map == null) {
                return null;
            }
            img = Overlay.render(img, map.map(), map.height(), map.width(), List.of(), List.of(), 1);
        }
        MatOfByte buf = new MatOfByte();
        Imgcodecs.imencode(".jpg", img, buf, new MatOfInt(Imgcodecs.IMWRITE_JPEG_QUALITY, 92));
        return buf.toArray();
    }

    private static void sendJson(HttpExchange ex, int code, Object body) throws IOException {
        send(ex, code, "application/json", Json.MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        send(ex, code, type + "; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int code, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        }
    }
}
