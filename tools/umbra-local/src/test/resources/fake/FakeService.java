import com.sun.net.httpserver.HttpServer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Stands in for a service in ServiceProcessTest: reports ready on QUARKUS_HTTP_PORT after FAKE_READY_AFTER_MS,
 * prints its instance id, or exits at once with code 3 when FAKE_FAIL is set.
 */
public class FakeService {
    public static void main(String[] args) throws Exception {
        System.out.println("instance " + System.getenv("UMBRA_INSTANCE_ID") + " tenant " + System.getenv("UMBRA_TENANT")
                + " stray " + System.getenv("UMBRA_STRAY"));
        if (System.getenv("FAKE_FAIL") != null) {
            System.out.println("fake failure: the broker is unreachable");
            System.exit(3);
        }
        long readyAt = System.currentTimeMillis() + Long.parseLong(System.getenv().getOrDefault("FAKE_READY_AFTER_MS", "0"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"))), 0);
        server.createContext("/q/health/ready", exchange -> {
            boolean ready = System.currentTimeMillis() >= readyAt;
            byte[] body = ("{\"status\":\"" + (ready ? "UP" : "DOWN") + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("graceful stop")));
        Thread.sleep(Long.MAX_VALUE);
    }
}
