package dev.heatbox.cli;

import dev.heatbox.review.ReviewServer;
import dev.heatbox.review.ReviewStore;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "review", mixinStandardHelpOptions = true,
        description = {"Review and fix a finished label run in the browser: images lowest score first, boxes over",
            "the image (heatmap on demand), keyboard accept / reject / next, drag a corner to fix a box, change its class.",
            "Every edit is saved at once to OUT/reviewed/annotations.json (COCO); `heatbox export --from OUT --reviewed`",
            "then writes any format from it. Serves on 127.0.0.1 with a random token in the URL; Ctrl-C stops it."})
public final class ReviewCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "OUT", description = "a heatbox label output folder")
    Path out;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = {"address to listen on (default ${DEFAULT-VALUE}:",
        "this machine only; 0.0.0.0 lets others reach it, with the token)"})
    String host;

    @Option(names = "--port", defaultValue = "8765", description = "port (default ${DEFAULT-VALUE}; 0: any free port)")
    int port;

    @Override
    public Integer call() throws InterruptedException {
        ReviewStore store = ReviewStore.open(out);
        store.save(); // the reviewed file exists from the start, every image pending until accepted
        ReviewServer server = ReviewServer.start(store, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }));
        System.out.println("reviewing " + store.items().size() + " images (" + store.doneCount() + " accepted so far); edits go to "
                + out.resolve(ReviewStore.FILE));
        System.out.println("open " + server.url());
        System.out.println("Ctrl-C stops the server; every edit is already saved.");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
