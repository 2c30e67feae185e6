package dev.heatbox.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.heatbox.cli.Main;
import dev.heatbox.util.Json;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The review server over HTTP: the token, the paths it refuses, what it serves and what an edit must be. */
class ReviewServerTest {
    @TempDir
    static Path tmp;
    static Path out;
    static ReviewServer server;
    static String url;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    /** A label run (MobileNetV1 0.25, fast) over three of the shipped photos. */
    static Path labelThreePhotos(Path dir) throws Exception {
        Path images = dir.resolve("images");
        Files.createDirectories(images);
        for (String n : new String[] {"train2017_000000252639.jpg", "val2017_000000519208.jpg", "train2017_000000425988.jpg"}) {
            Files.copy(Path.of("datasets/coco-sample/images").resolve(n), images.resolve(n));
        }
        Path o = dir.resolve("out");
        CommandLine cl = Main.commandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute("label", "--model", "models/mobilenet_v1_0.25_128", "--images", images.toString(),
                "--out", o.toString(), "--format", "coco,voc,yolo"), err.toString());
        return o;
    }

    @BeforeAll
    static void serve() throws Exception {
        out = labelThreePhotos(tmp);
        server = ReviewServer.start(ReviewStore.open(out), "127.0.0.1", 0);
        url = server.url();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> get(String u) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(u)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<String> put(String u, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(u)).PUT(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status line's code for a request sent byte for byte (no client normalizes the path). */
    static int raw(String path) throws Exception {
        URI u = URI.create(url);
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            OutputStream o = s.getOutputStream();
            o.write(("GET " + path + " HTTP/1.1\r\nHost: " + u.getHost() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            o.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void listensOnLoopbackBehindARandomToken() throws Exception {
        assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/[0-9a-f]{32}/"), url);
        String token = URI.create(url).getPath();
        assertEquals(200, get(url).statusCode());
        assertEquals(403, raw("/"));
        assertEquals(403, raw("/index.html"));
        assertEquals(403, raw("/" + "0".repeat(32) + "/api/items"));
        assertEquals(403, raw("/../" + token.substring(1) + "api/items"));
        assertEquals(302, raw(token.substring(0, token.length() - 1)));
    }

    @Test
    void servesOnlyTheRunsOwnImages() throws Exception {
        String token = URI.create(url).getPath();
        assertEquals(404, raw(token + "image/../../../../etc/passwd"));
        assertEquals(404, raw(token + "image/..%2f..%2fetc%2fpasswd"));
        assertEquals(404, raw(token + "../run.json"));
        assertEquals(404, raw(token + "static/../../run.json"));
        assertEquals(404, raw(token + "run.json"));
        assertEquals(404, raw(token + "image/999"));
        assertEquals(404, raw(token + "image/-1"));
        HttpResponse<byte[]> img = get(url + "image/1");
        assertEquals(200, img.statusCode());
        assertEquals("image/jpeg", img.headers().firstValue("Content-Type").orElse(""));
        assertEquals(200, get(url + "heat/1").statusCode(), "label kept the heatmap");
        assertTrue(Files.isRegularFile(out.resolve("maps/1.png")));
    }

    @Test
    void refusesAnEditThatDoesNotFitTheRun() throws Exception {
        JsonNode items = Json.MAPPER.readTree(get(url + "api/items").body()).get("items");
        assertEquals(3, items.size());
        JsonNode it = items.get(0);
        long id = it.get("image").get("id").asLong();
        assertEquals(400, put(url + "api/images/" + id, "{\"heatbox_review\":\"done\",\"boxes\":[{\"id\":0,"
                + "\"category_id\":99999,\"bbox\":[1,1,5,5],\"heatbox_review\":\"added\"}]}").statusCode(), "unknown category");
        assertEquals(400, put(url + "api/images/" + id, "{\"heatbox_review\":\"done\",\"boxes\":[{\"id\":12345,"
                + "\"category_id\":1,\"bbox\":[1,1,5,5],\"heatbox_review\":\"edited\"}]}").statusCode(), "a box of no image");
        assertEquals(400, put(url + "api/images/" + id, "{\"heatbox_review\":\"done\",\"boxes\":[{\"id\":0,"
                + "\"category_id\":1,\"bbox\":[-50,-50,10,10],\"heatbox_review\":\"added\"}]}").statusCode(), "outside the image");
        assertEquals(400, put(url + "api/images/" + id, "{\"heatbox_review\":\"maybe\",\"boxes\":[]}").statusCode());
        assertEquals(400, put(url + "api/images/" + id, "not json").statusCode());
        assertEquals(404, put(url + "api/images/999", "{\"heatbox_review\":\"done\",\"boxes\":[]}").statusCode());
        assertEquals(413, put(url + "api/images/" + id, "[" + " ".repeat(1 << 20) + "]").statusCode());
        assertEquals(403, HTTP.send(HttpRequest.newBuilder(URI.create(url.replaceAll("/[0-9a-f]{32}/", "/" + "f".repeat(32) + "/")
                + "api/images/" + id)).PUT(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
        // none of them changed the image
        JsonNode again = Json.MAPPER.readTree(get(url + "api/items").body()).get("items").get(0);
        assertEquals(it, again);
    }
}
