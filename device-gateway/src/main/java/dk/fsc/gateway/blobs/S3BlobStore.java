package dk.fsc.gateway.blobs;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW), path-style addressing,
 * requests signed with AWS Signature Version 4. The object key is the prefix plus the SHA-256.
 */
public final class S3BlobStore implements BlobStore {
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI endpoint;
    private final String bucket;
    private final String prefix;
    private final String region;
    private final String accessKey;
    private final String secretKey;

    public S3BlobStore(URI endpoint, String bucket, String prefix, String region, String accessKey, String secretKey) {
        this.endpoint = URI.create(endpoint.toString().replaceAll("/+$", ""));
        this.bucket = bucket;
        this.prefix = prefix == null ? "" : prefix;
        this.region = region;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    @Override
    public String put(byte[] bytes) throws IOException {
        String sha = BlobStore.sha256(bytes);
        HttpResponse<byte[]> response = send("PUT", sha, bytes, sha);
        if (response.statusCode() / 100 != 2) {
            throw failure("PUT", sha, response);
        }
        return sha;
    }

    @Override
    public byte[] get(String sha256) throws IOException {
        BlobStore.requireName(sha256);
        HttpResponse<byte[]> response = send("GET", sha256, new byte[0], null);
        if (response.statusCode() == 404) {
            throw new MissingBlobException(sha256);
        }
        if (response.statusCode() / 100 != 2) {
            throw failure("GET", sha256, response);
        }
        return BlobStore.verified(sha256, response.body());
    }

    @Override
    public void delete(String sha256) throws IOException {
        BlobStore.requireName(sha256);
        HttpResponse<byte[]> response = send("DELETE", sha256, new byte[0], null);
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw failure("DELETE", sha256, response);
        }
    }

    /**
     * Creates the bucket if it does not exist yet. Fails with the store's answer when the bucket
     * cannot be reached or is not ours (wrong keys, no rights).
     */
    public void ensureBucket() throws IOException {
        HttpResponse<byte[]> head = send("HEAD", "", new byte[0], null);
        if (head.statusCode() == 404) {
            HttpResponse<byte[]> created = send("PUT", "", new byte[0], null);
            if (created.statusCode() / 100 != 2) {
                throw failure("PUT bucket", bucket, created);
            }
        } else if (head.statusCode() / 100 != 2) {
            throw failure("HEAD bucket", bucket, head);
        }
    }

    @Override
    public String describe() {
        return "S3 bucket " + bucket + " at " + endpoint;
    }

    /** One signed request; an empty name addresses the bucket itself. */
    private HttpResponse<byte[]> send(String method, String sha, byte[] body, String bodySha) throws IOException {
        String path = endpoint.getRawPath() + "/" + bucket + (sha.isEmpty() ? "" : "/" + prefix + sha);
        URI uri = endpoint.resolve(path);
        String payloadHash = bodySha != null ? bodySha : BlobStore.sha256(body);
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        String amzDate = AMZ_DATE.format(now);
        String day = amzDate.substring(0, 8);
        String host = uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        String canonical = method + "\n" + path + "\n\n"
                + "host:" + host + "\n" + "x-amz-content-sha256:" + payloadHash + "\n" + "x-amz-date:" + amzDate + "\n\n"
                + signedHeaders + "\n" + payloadHash;
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + BlobStore.sha256(canonical.getBytes(StandardCharsets.UTF_8));
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, toSign));
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(60))
                .header("x-amz-content-sha256", payloadHash)
                .header("x-amz-date", amzDate)
                .header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
                        + ", SignedHeaders=" + signedHeaders + ", Signature=" + signature)
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while talking to the object store", e);
        }
    }

    private static IOException failure(String method, String name, HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return new IOException("object store answered " + response.statusCode() + " to " + method + " of " + name
                + (body.isBlank() ? "" : ": " + body.substring(0, Math.min(300, body.length()))));
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
