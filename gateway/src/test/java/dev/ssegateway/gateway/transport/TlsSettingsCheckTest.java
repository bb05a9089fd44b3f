package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.InvalidSettingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("SSE_TLS_CERT and SSE_TLS_KEY are read and matched at start")
class TlsSettingsCheckTest {
  @TempDir
  static Path dir;
  private static SelfSignedCert a;
  private static SelfSignedCert b;

  @BeforeAll
  static void certificates() throws Exception {
    a = SelfSignedCert.create(Files.createDirectory(dir.resolve("a")));
    b = SelfSignedCert.create(Files.createDirectory(dir.resolve("b")));
  }

  @Test
  @DisplayName("a certificate with its own key is accepted, as PKCS#8 and as PKCS#1 (BEGIN RSA PRIVATE KEY)")
  void matchingPairAccepted() throws Exception {
    assertThatCode(() -> tls(a.certPem(), a.keyPem())).doesNotThrowAnyException();
    Path pkcs1 = Files.writeString(dir.resolve("a-pkcs1.pem"), pem("RSA PRIVATE KEY", pkcs1Of(a.keyPem())));
    assertThatCode(() -> tls(a.certPem(), pkcs1)).doesNotThrowAnyException();
  }

  @Test
  @DisplayName("another certificate's key is refused with one line naming SSE_TLS_KEY")
  void mismatchedPairRefused() throws Exception {
    assertThat(refusal(a.certPem(), b.keyPem())).startsWith("SSE_TLS_KEY: '" + b.keyPem() + "' is not the private key of the certificate");
    Path otherPkcs1 = Files.writeString(dir.resolve("b-pkcs1.pem"), pem("RSA PRIVATE KEY", pkcs1Of(b.keyPem())));
    assertThat(refusal(a.certPem(), otherPkcs1)).startsWith("SSE_TLS_KEY: ").contains("is not the private key");
  }

  @Test
  @DisplayName("files swapped, or not PEM, are refused naming the variable")
  void swappedOrGarbage() throws Exception {
    assertThat(refusal(a.keyPem(), a.certPem())).startsWith("SSE_TLS_CERT: ").contains("is not a PEM certificate");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
    assertThat(refusal(a.certPem(), garbage)).startsWith("SSE_TLS_KEY: ").contains("holds no PEM block");
  }

  private static void tls(Path cert, Path key) {
    GatewayConfig.from(Map.of("SSE_TLS_CERT", cert.toString(), "SSE_TLS_KEY", key.toString()));
  }

  private static String refusal(Path cert, Path key) {
    InvalidSettingException e = catchThrowableOfType(InvalidSettingException.class, () -> tls(cert, key));
    assertThat(e).as("refused").isNotNull();
    return e.getMessage();
  }

  /** The PKCS#1 RSAPrivateKey inside a PKCS#8 PrivateKeyInfo: the OCTET STRING after version and algorithm. */
  private static byte[] pkcs1Of(Path pkcs8Pem) throws Exception {
    String text = Files.readString(pkcs8Pem).replaceAll("-----[A-Z ]+-----", "");
    byte[] der = Base64.getMimeDecoder().decode(text);
    int i = 1 + lengthBytes(der, 1); // outer SEQUENCE header
    i += 3 + 15;                     // INTEGER 0, AlgorithmIdentifier { rsaEncryption, NULL }
    assertThat(der[i]).as("OCTET STRING").isEqualTo((byte) 0x04);
    int header = 1 + lengthBytes(der, i + 1);
    int length = der.length - (i + header);
    return Arrays.copyOfRange(der, i + header, i + header + length);
  }

  private static int lengthBytes(byte[] der, int at) {
    return (der[at] & 0x80) == 0 ? 1 : 1 + (der[at] & 0x7f);
  }

  private static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }
}
