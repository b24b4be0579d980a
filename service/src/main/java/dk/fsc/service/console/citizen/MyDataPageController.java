package dk.fsc.service.console.citizen;

import dk.fsc.service.audit.AccessLogReader;
import dk.fsc.service.audit.AccessLogReader.CitizenEntry;
import dk.fsc.service.audit.LogRange;
import dk.fsc.service.console.Pages;
import dk.fsc.service.platform.errors.Refusal;
import dk.fsc.service.platform.security.CitizenCpr;
import dk.fsc.service.platform.time.DanishTime;
import dk.fsc.service.platform.web.Csv;
import dk.fsc.service.staff.StaffUser;
import io.micronaut.context.MessageSource;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The citizen's own page (the API's {@code GET /api/me/access-log}): who has looked at their data,
 * in every organisation that keeps a record of them, in plain words: who, from where, in what role,
 * what and why, newest first; and the same as a file. The citizen is found by the CPR number they
 * signed in with (kept encrypted with their session), never by anything in the URL.
 */
@Controller(value = "/my-data", produces = MediaType.TEXT_HTML)
@Secured(StaffUser.Role.CITIZEN)
@ExecuteOn(TaskExecutors.BLOCKING)
class MyDataPageController {
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");
    private final Pages pages;
    private final AccessLogReader reader;
    private final CitizenCpr citizenCpr;
    private final MessageSource texts;

    MyDataPageController(Pages pages, AccessLogReader reader, CitizenCpr citizenCpr, MessageSource texts) {
        this.pages = pages;
        this.reader = reader;
        this.citizenCpr = citizenCpr;
        this.texts = texts;
    }

    @Get
    HttpResponse<String> show(HttpRequest<?> request, Authentication auth) {
        Optional<String> cpr = citizenCpr.of(auth);
        Map<String, Object> model = new HashMap<>();
        model.put("noCpr", cpr.isEmpty());
        model.put("lines", cpr.map(c -> lines(c, pages.locale(request), 1000)).orElse(List.of()));
        model.put("shown", 1000);
        return pages.page(request, "citizen/my-data", model);
    }

    /**
     * The same lines as a file, in the page's language.
     *
     * @param format excel (default: semicolons, for a Danish Excel) or csv (RFC 4180, commas)
     */
    @Get(value = "/download{?format}", produces = "text/csv")
    HttpResponse<String> download(HttpRequest<?> request, @Nullable @QueryValue String format, Authentication auth) {
        String as = format == null ? "excel" : format;
        if (!as.equals("excel") && !as.equals("csv")) {
            throw Refusal.invalid("format must be excel or csv");
        }
        Locale locale = pages.locale(request);
        List<MyDataLine> lines = lines(citizenCpr.require(auth), locale, LogRange.MAX_ROWS);
        List<String> header = List.of("at", "person", "organisation", "role", "action", "purpose").stream()
                .map(c -> text("myData.col." + c, locale, c)).toList();
        return Csv.file(Csv.dialect(as), text("myData.file", locale, "who-has-seen-my-data") + ".csv", header, lines,
                l -> l.values(FILE_TIME.format(l.at().atZone(DanishTime.ZONE))));
    }

    private List<MyDataLine> lines(String cpr, Locale locale, int limit) {
        List<CitizenEntry> entries = reader.entriesOfCitizen(cpr, new LogRange(Instant.EPOCH, Instant.now(), limit));
        return entries.stream().map(e -> new MyDataLine(e.at(), e.person(), e.organisation(),
                text("myData.role." + e.role(), locale, e.role()),
                words(PlainWords.action(e.action()), locale, e.action()),
                words(PlainWords.purpose(e.purpose()), locale, e.purpose()))).toList();
    }

    private String words(@Nullable String key, Locale locale, String otherwise) {
        return key == null ? otherwise : text(key, locale, otherwise);
    }

    private String text(String key, Locale locale, String otherwise) {
        return texts.getMessage(key, locale).orElse(otherwise);
    }
}
