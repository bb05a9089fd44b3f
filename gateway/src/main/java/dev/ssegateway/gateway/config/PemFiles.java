package dev.ssegateway.gateway.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files the settings name (JWT public key, TLS certificate and key) at start, with
 * the JDK alone, so that a missing, unreadable or mismatched file stops the node with one line
 * naming the variable, instead of failing later deep inside vertx-auth-jwt or Netty.
 */
final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

  private PemFiles() {}

  /** One PEM block: its label (PUBLIC KEY, CERTIFICATE, ...) and its DER bytes. */
  record Block(String label, byte[] der) {}

  /** Checks a JWT verification key file: a PEM public key (or certificate) of the algorithm's type. */
  static void checkPublicKey(Setting setting, String file, String algorithm) {
    String wantType = algorithm.startsWith("RS") ? "RSA" : "EC";
    String accepted = "a readable PEM file with an " + wantType + " public key (BEGIN PUBLIC KEY or BEGIN CERTIFICATE)"
        + " for SSE_JWT_ALGORITHM=" + algorithm;
    List<Block> blocks = read(setting, file, accepted);
    Block b = blocks.get(0);
    PublicKey key;
    try {
      key = switch (b.label()) {
        case "PUBLIC KEY" -> KeyFactory.getInstance(wantType).generatePublic(new X509EncodedKeySpec(b.der()));
        case "CERTIFICATE" -> certificates(b).get(0).getPublicKey();
        default -> throw new InvalidSettingException(setting, "'" + file + "' holds a " + b.label() + ", not a public key", accepted);
      };
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      if (e instanceof InvalidSettingException ise) {
        throw ise;
      }
      throw new InvalidSettingException(setting, "'" + file + "' is not an " + wantType + " public key", accepted);
    }
    if (!(wantType.equals("RSA") ? key instanceof RSAKey : key instanceof ECKey)) {
      throw new InvalidSettingException(setting, "'" + file + "' holds a " + key.getAlgorithm() + " key", accepted);
    }
  }

  /**
   * Checks the TLS pair: a certificate chain, a private key, and that the key belongs to the
   * first certificate (a signature made with the key verifies with the certificate's public key).
   */
  static void checkTlsPair(String certFile, String keyFile) {
    String certAccepted = "a readable PEM file with the certificate chain (BEGIN CERTIFICATE), server certificate first";
    List<Block> certBlocks = read(Setting.TLS_CERT, certFile, certAccepted);
    List<Certificate> chain;
    try {
      if (!certBlocks.get(0).label().equals("CERTIFICATE")) {
        throw new GeneralSecurityException("not a certificate");
      }
      chain = certificates(certBlocks.get(0));
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(Setting.TLS_CERT, "'" + certFile + "' is not a PEM certificate", certAccepted);
    }
    String keyAccepted = "a readable PEM file with the certificate's private key (BEGIN PRIVATE KEY, RSA PRIVATE KEY"
        + " or EC PRIVATE KEY), unencrypted";
    Block key = read(Setting.TLS_KEY, keyFile, keyAccepted).get(0);
    switch (key.label()) {
      case "PRIVATE KEY" -> checkPair(chain.get(0).getPublicKey(), key.der(), keyFile, keyAccepted);
      case "RSA PRIVATE KEY" -> checkPair(chain.get(0).getPublicKey(), Der.rsaPkcs1ToPkcs8(key.der()), keyFile, keyAccepted);
      // SEC1 keys cannot be read by the JDK without their curve; Netty reads them. Format only.
      case "EC PRIVATE KEY" -> { }
      default -> throw new InvalidSettingException(Setting.TLS_KEY,
          "'" + keyFile + "' holds a " + key.label() + ", not a private key", keyAccepted);
    }
  }

  private static void checkPair(PublicKey certKey, byte[] pkcs8, String keyFile, String accepted) {
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance(certKey.getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(Setting.TLS_KEY, "'" + keyFile + "' is not a " + certKey.getAlgorithm()
          + " private key like the certificate's", accepted);
    }
    try {
      String algorithm = certKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(privateKey);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certKey);
      verifier.update(probe);
      if (!verifier.verify(signer.sign())) {
        throw new GeneralSecurityException("mismatch");
      }
    } catch (GeneralSecurityException e) {
      throw new InvalidSettingException(Setting.TLS_KEY,
          "'" + keyFile + "' is not the private key of the certificate in SSE_TLS_CERT", accepted);
    }
  }

  private static List<Certificate> certificates(Block first) throws GeneralSecurityException {
    Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(first.der()));
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate");
    }
    return List.copyOf(certs);
  }

  /** The file's PEM blocks, at least one; any failure names the setting. */
  static List<Block> read(Setting setting, String file, String accepted) {
    Path path = Path.of(file);
    String text;
    try {
      if (!Files.isRegularFile(path)) {
        throw new InvalidSettingException(setting, "'" + file + "' does not exist or is not a file", accepted);
      }
      text = Files.readString(path, StandardCharsets.US_ASCII);
    } catch (IOException | SecurityException e) {
      throw new InvalidSettingException(setting, "'" + file + "' cannot be read (" + e.getClass().getSimpleName() + ")", accepted);
    }
    Matcher m = BLOCK.matcher(text);
    List<Block> blocks = new java.util.ArrayList<>();
    while (m.find()) {
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new InvalidSettingException(setting, "'" + file + "' has a PEM block that is not valid base64", accepted);
      }
    }
    if (blocks.isEmpty()) {
      throw new InvalidSettingException(setting, "'" + file + "' holds no PEM block", accepted);
    }
    return blocks;
  }
}
