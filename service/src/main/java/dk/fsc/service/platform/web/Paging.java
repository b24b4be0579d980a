package dk.fsc.service.platform.web;

import dk.fsc.service.platform.errors.Refusal;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.uri.UriBuilder;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * Paging of the API's plain lists ({@code /api/alerts}, {@code /api/loans}, {@code /api/tickets}):
 * {@code ?limit&offset}, the page as the body (a JSON array, as before paging), and while more
 * follow a {@code Link: <...>; rel="next"} header (RFC 8288) with the next page's address, the
 * query as asked with the offset moved on. A client follows it until there is none. Until
 * 2026-12-05 these lists stopped at 5 000 with no way on: a region's active loans are more.
 * (The device search answers {@code {total, offset, devices}}: it counts for its page numbers.)
 */
@Singleton
public class Paging {
    /** Far enough for any list here; beyond it the database's offset scan grows slow and a narrower filter is the answer. */
    static final int MAX_OFFSET = 1_000_000;
    private final PublicUrl publicUrl;

    Paging(PublicUrl publicUrl) {
        this.publicUrl = publicUrl;
    }

    /** A page asked for: {@code limit} rows from {@code offset}. */
    public record Page(int limit, int offset) {
        /** Rows to read: one more than shown, to know whether more follow. */
        public int read() {
            return limit + 1;
        }
    }

    /**
     * The page a request asks for, checked.
     *
     * @throws Refusal invalid (400) for a limit outside 1..max or a negative or too large offset
     */
    public static Page page(@Nullable Integer limit, @Nullable Integer offset, int defaultLimit, int maxLimit) {
        int rows = limit == null ? defaultLimit : limit;
        if (rows < 1 || rows > maxLimit) {
            throw Refusal.invalid("limit must be between 1 and " + maxLimit);
        }
        int from = offset == null ? 0 : offset;
        if (from < 0 || from > MAX_OFFSET) {
            throw Refusal.invalid("offset must be between 0 and " + MAX_OFFSET);
        }
        return new Page(rows, from);
    }

    /** The answer: the rows of the page (of {@link Page#read()} read), with a next link when more were found. */
    public <T> MutableHttpResponse<List<T>> answer(List<T> read, Page page, HttpRequest<?> request) {
        boolean more = read.size() > page.limit();
        MutableHttpResponse<List<T>> response = HttpResponse.ok(more ? read.subList(0, page.limit()) : read);
        if (more && page.offset() + page.limit() <= MAX_OFFSET) { // past it the list ends here: a narrower filter reaches the rest
            UriBuilder next = UriBuilder.of(request.getPath());
            for (String name : request.getParameters().names()) {
                if (!name.equals("offset")) {
                    request.getParameters().getAll(name).forEach(value -> next.queryParam(name, value));
                }
            }
            next.queryParam("offset", page.offset() + page.limit());
            response.header("Link", "<" + publicUrl.of(request) + next.build() + ">; rel=\"next\"");
        }
        return response;
    }
}
