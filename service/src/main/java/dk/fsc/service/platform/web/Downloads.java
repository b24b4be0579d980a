package dk.fsc.service.platform.web;

import io.micronaut.http.HttpResponse;
import java.util.Map;

/** A file as the answer to a GET: its bytes, type and the headers its maker chose (photos: no cache, no sniffing, its digest). */
public final class Downloads {
    private Downloads() {
    }

    public static HttpResponse<byte[]> inline(byte[] bytes, String contentType, Map<String, String> headers) {
        return HttpResponse.ok(bytes).contentType(contentType).headers(h -> headers.forEach(h::add));
    }
}
