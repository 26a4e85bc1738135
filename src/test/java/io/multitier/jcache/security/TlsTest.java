package io.multitier.jcache.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.multitier.jcache.TieredCache;
import io.multitier.jcache.spi.Health;
import io.multitier.jcache.testing.ManagerFiles;
import io.multitier.jcache.testing.RedisServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider over TLS ({@code rediss://}) to a redis-server started with a certificate this test
 * generates with openssl (self-signed, for IP 127.0.0.1, checked by the client: Redisson's strict
 * verification, against a trust store holding only that certificate).
 */
final class TlsTest {

  private static final String CACHES = "caches:\n"
      + "  users:\n"
      + "    keyType: java.lang.String\n"
      + "    valueType: java.lang.String\n";

  private static RedisServer server;
  private static ManagerFiles managers;
  private static int tlsPort;
  private static Path trustStore;

  @BeforeAll
  static void start() throws Exception {
    managers = new ManagerFiles();
    Path dir = managers.directory();
    Path cert = dir.resolve("redis.crt");
    Path key = dir.resolve("redis.key");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        "-keyout", key.toString(), "-out", cert.toString());
    tlsPort = RedisServer.freePort();
    server = RedisServer.start(List.of("--tls-port", Integer.toString(tlsPort),
        "--tls-cert-file", cert.toString(), "--tls-key-file", key.toString(),
        "--tls-ca-cert-file", cert.toString(), "--tls-auth-clients", "no"));
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
      store.setCertificateEntry("redis", certificate);
    }
    trustStore = dir.resolve("truststore.p12");
    try (OutputStream out = Files.newOutputStream(trustStore)) {
      store.store(out, "changeit".toCharArray());
    }
  }

  @AfterAll
  static void stop() {
    try {
      if (managers != null) {
        managers.close();
      }
    } finally {
      if (server != null) {
        server.stop();
      }
    }
  }

  @Test
  void theCacheWorksOverTls() throws IOException {
    String tls = "sslTruststore: \"" + trustStore.toUri() + "\"\n"
        + "sslTruststorePassword: \"changeit\"\n"
        + "timeout: 3000\n";
    String address = "rediss://127.0.0.1:" + tlsPort;
    Cache<String, String> a = managers.open(managers.single(address, "tls:", tls) + CACHES).getCache("users", String.class, String.class);
    Cache<String, String> b = managers.open(managers.single(address, "tls:", tls) + CACHES).getCache("users", String.class, String.class);

    Workload.run(a, b);
    a.put("k", "over tls");
    assertThat(b.get("k")).isEqualTo("over tls");
    assertThat(a.unwrap(TieredCache.class).health()).allMatch(Health::healthy);

    // every client connection but the harness's own came in on the TLS port
    String clients = (String) server.call("CLIENT", "LIST");
    List<String> provider = clients.lines().filter(line -> !line.contains("cmd=client|list")).toList();
    assertThat(provider).isNotEmpty().allMatch(line -> line.contains("laddr=127.0.0.1:" + tlsPort + " "));
    // and the TLS port speaks no plain text
    assertThat(plainPing(tlsPort)).doesNotContain("PONG");
  }

  /** Under {@code invalidation: tracking} the tracking connections come in over TLS too, and a write reaches the holder. */
  @Test
  void trackingWorksOverTls() {
    String tls = "sslTruststore: \"" + trustStore.toUri() + "\"\n"
        + "sslTruststorePassword: \"changeit\"\n"
        + "timeout: 3000\n";
    String address = "rediss://127.0.0.1:" + tlsPort;
    String tracking = "  invalidation: tracking\n";
    Cache<String, String> a = managers.open(managers.single(address, "tls-tracked:", tls) + tracking + CACHES)
        .getCache("users", String.class, String.class);
    Cache<String, String> b = managers.open(managers.single(address, "tls-tracked:", tls) + tracking + CACHES)
        .getCache("users", String.class, String.class);

    Workload.run(a, b);
    a.put("k", "over tls");
    assertThat(b.get("k")).isEqualTo("over tls");
    a.put("k", "changed over tls");
    await().atMost(Duration.ofSeconds(2)).until(() -> "changed over tls".equals(b.get("k")));

    String clients = (String) server.call("CLIENT", "LIST");
    List<String> tracked = clients.lines().filter(line -> line.matches(".* flags=[^ ]*t[^ ]* .*")).toList();
    assertThat(tracked).as("the tracked connections").hasSizeGreaterThanOrEqualTo(2)
        .allMatch(line -> line.contains("laddr=127.0.0.1:" + tlsPort + " "));
  }

  private static String plainPing(int port) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(2000);
      socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] reply = new byte[64];
      int read;
      try {
        read = socket.getInputStream().read(reply);
      } catch (IOException e) {
        return "";
      }
      return (read <= 0) ? "" : new String(reply, 0, read, StandardCharsets.ISO_8859_1);
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
