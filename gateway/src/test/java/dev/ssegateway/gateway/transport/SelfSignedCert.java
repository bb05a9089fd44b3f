package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's own {@code keytool}
 * (no openssl needed), written as the two PEM files the gateway reads (SSE_TLS_CERT, SSE_TLS_KEY).
 */
record SelfSignedCert(Path certPem, Path keyPem) {
  private static final char[] PASSWORD = "changeit".toCharArray();

  static SelfSignedCert create(Path dir) throws Exception {
    Path keystore = dir.resolve("test.p12");
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "gateway", "-keyalg", "RSA",
        "-keysize", "2048", "-validity", "2", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1,dns:localhost",
        "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", new String(PASSWORD),
        "-keypass", new String(PASSWORD))
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD);
    }
    PrivateKey key = (PrivateKey) ks.getKey("gateway", PASSWORD);
    Certificate cert = ks.getCertificate("gateway");
    Path certPem = dir.resolve("cert.pem");
    Path keyPem = dir.resolve("key.pem");
    Files.writeString(certPem, pem("CERTIFICATE", cert.getEncoded()));
    Files.writeString(keyPem, pem("PRIVATE KEY", key.getEncoded())); // PKCS#8
    return new SelfSignedCert(certPem, keyPem);
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
