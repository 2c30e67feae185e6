package dev.heatbox.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Spark standalone cluster on loopback: one master and two workers, each its own JVM, whose
 * executors are JVMs of their own. The label job submitted to it gives the single-JVM output,
 * also when a worker and its executor are killed in the middle of the job.
 */
class StandaloneClusterTest {
    /** The module openings Spark needs on Java 17 (spark-submit adds the same). */
    static final Path OPENS = Path.of("tools/spark/java17-opens.txt");

    /** A started daemon JVM (master or worker) and its log. */
    record Daemon(Process process, Path log) implements AutoCloseable {
        /** Kills the JVM and every process it started (a worker's executors): a machine that died. */
        void kill() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        @Override
        public void close() {
            kill();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A Spark home holding nothing but links to the jars this JVM runs with: the workers build
     * their executors' classpath from its jars/ folder, as on an installed cluster.
     */
    static Path sparkHome(Path dir) throws IOException {
        Path jars = dir.resolve("jars");
        Files.createDirectories(jars);
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                Files.createSymbolicLink(jars.resolve((n++) + "-" + p.getFileName()), p.toAbsolutePath());
            }
        }
        return dir;
    }

    static Daemon start(Path home, Path log, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", home.resolve("jars").toString() + File.separator + "*"));
        cmd.addAll(Files.readAllLines(OPENS).stream().filter(l -> !l.isBlank()).toList());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_HOME", home.toString());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1"); // daemons, their web UIs and executors on loopback only
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        return new Daemon(pb.start(), log);
    }

    static void awaitPort(int port, Daemon d) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException e) {
                assertTrue(d.process().isAlive(), "daemon died: " + Files.readString(d.log()));
                Thread.sleep(200);
            }
        }
        throw new AssertionError("nothing listens on " + port + ": " + Files.readString(d.log()));
    }

    @Test
    void aTwoWorkerClusterGivesTheSingleJvmOutputEvenWhenAWorkerDies(@TempDir Path tmp) throws Exception {
        // more images than the cluster labels at once, so the job is still running when a worker is killed
        Path images = tmp.resolve("images");
        Files.createDirectories(images);
        try (Stream<Path> s = Files.list(Path.of("datasets/coco-sample/images"))) {
            for (Path p : s.toList()) {
                for (int copy = 0; copy < 3; copy++) {
                    Files.copy(p, images.resolve(copy + "_" + p.getFileName()));
                }
            }
        }
        Files.writeString(images.resolve("notes.jpg"), "not an image\n");
        // a relative --images: the executors run in folders of their own, so the driver must hand them absolute paths
        Path relative = Path.of("").toAbsolutePath().relativize(images);
        String[] label = {"label", "--model", "models/mobilenet_v1_0.25_128", "--images", relative.toString(), "--batch", "2",
            "--format", "coco,voc,yolo,labelstudio"};
        Path single = tmp.resolve("single");
        SparkLabelTest.Run one = SparkLabelTest.heatbox(concat(label, "--out", single.toString()));
        assertEquals(4, one.code(), one.err());

        Path home = sparkHome(tmp.resolve("spark-home"));
        int masterPort = freePort();
        String master = "spark://127.0.0.1:" + masterPort;
        try (Daemon m = start(home, tmp.resolve("master.log"), "org.apache.spark.deploy.master.Master",
                "--host", "127.0.0.1", "--port", String.valueOf(masterPort), "--webui-port", "0")) {
            awaitPort(masterPort, m);
            List<Daemon> workers = new ArrayList<>();
            try {
                for (int w = 1; w <= 2; w++) {
                    workers.add(start(home, tmp.resolve("worker" + w + ".log"), "org.apache.spark.deploy.worker.Worker", master,
                            "--host", "127.0.0.1", "--port", "0", "--webui-port", "0", "--cores", "1", "--memory", "1536m",
                            "--work-dir", tmp.resolve("work" + w).toString()));
                }
                Path out = tmp.resolve("cluster");
                CompletableFuture<SparkLabelTest.Run> job = CompletableFuture.supplyAsync(() -> SparkLabelTest.heatbox(concat(label,
                        "--out", out.toString(), "--spark", master, "--partition-batches", "1",
                        "--spark-conf", "spark.executor.cores=1", "--spark-conf", "spark.executor.memory=1g",
                        "--spark-conf", "spark.driver.host=127.0.0.1", "--spark-conf", "spark.driver.bindAddress=127.0.0.1",
                        "--spark-conf", "spark.executor.extraClassPath=" + Path.of("target/classes").toAbsolutePath(),
                        "--spark-conf", "spark.cores.max=2")));
                // kill worker 1 (and its executor) once some partitions are done and others are not
                Path parts = out.resolve(PartitionLabeller.PARTS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
                long done = 0;
                while (!job.isDone() && System.nanoTime() < deadline) {
                    done = Files.isDirectory(parts) ? countParts(parts) : 0;
                    if (done >= 3) {
                        break;
                    }
                    Thread.sleep(100);
                }
                assertTrue(!job.isDone() && done >= 3, "the job was running with partitions done when the worker was killed");
                assertTrue(workers.get(0).process().descendants().findAny().isPresent(), "worker 1 ran an executor");
                workers.get(0).kill();
                SparkLabelTest.Run r = job.get(300, TimeUnit.SECONDS);
                assertEquals(4, r.code(), r.err() + r.log());
                SparkLabelTest.assertSameFiles(single, out);
            } finally {
                workers.forEach(Daemon::close);
            }
        }
    }

    static long countParts(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".jsonl")).count();
        }
    }

    static String[] concat(String[] a, String... b) {
        String[] r = new String[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
