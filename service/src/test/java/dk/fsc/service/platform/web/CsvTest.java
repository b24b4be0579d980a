package dk.fsc.service.platform.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The two CSV dialects: what programs read, and what a Danish Excel opens by a double-click. */
class CsvTest {
    private record Row(String name, double value, long count) {
    }

    private static final List<Row> ROWS = List.of(new Row("Århus; syd", 37.5, 3), new Row("=cmd", 0.25, 1));

    @Test
    void rfc4180UsesCommasAndDecimalPoints() {
        String body = Csv.file(Csv.Dialect.RFC4180, "x.csv", List.of("name", "value", "count"), ROWS,
                r -> List.of(r.name(), r.value(), r.count())).body();
        assertEquals("name,value,count\r\nÅrhus; syd,37.5,3\r\n'=cmd,0.25,1\r\n", body);
    }

    @Test
    void danishExcelUsesSemicolonsDecimalCommasAndAByteOrderMark() {
        String body = Csv.file(Csv.Dialect.EXCEL_DA, "x.csv", List.of("name", "value", "count"), ROWS,
                r -> List.of(r.name(), r.value(), r.count())).body();
        assertTrue(body.startsWith("\uFEFF"), "a BOM, so Excel reads UTF-8 (æøå)");
        assertEquals("\uFEFFname;value;count\r\n\"Århus; syd\";37,5;3\r\n'=cmd;0,25;1\r\n", body,
                "a semicolon in a value is quoted; a formula is defused as in the RFC dialect");
    }

    @Test
    void theFormatNamesTheDialect() {
        assertEquals(Csv.Dialect.EXCEL_DA, Csv.dialect("excel"));
        assertEquals(Csv.Dialect.RFC4180, Csv.dialect("csv"));
        assertTrue(Csv.wanted("excel"));
    }
}
