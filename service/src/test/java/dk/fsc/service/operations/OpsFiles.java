package dk.fsc.service.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The operators' files of ops/ as the tests read them: the alert rules' and dashboards' PromQL, and the metric names in it. */
final class OpsFiles {
    /** ops/ of this checkout (the tests run in service/). */
    static final Path OPS = Path.of("..", "ops").toAbsolutePath().normalize();
    static final Path RULES = OPS.resolve("prometheus/rules/fsc.rules.yml");
    static final Path DASHBOARDS = OPS.resolve("grafana/dashboards");

    private static final Set<String> WORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "offset", "bool", "le", "inf", "nan");
    private static final Pattern EXPR = Pattern.compile("^\\s*expr:\\s*(\\|)?\\s*(.*)$");

    private OpsFiles() {
    }

    /** Every alert rule's expression (the YAML read line by line: a block scalar after "expr: |" is its indented lines). */
    static List<String> ruleExpressions() throws IOException {
        List<String> lines = Files.readAllLines(RULES);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = EXPR.matcher(lines.get(i));
            if (!m.matches()) {
                continue;
            }
            if (m.group(1) == null) {
                found.add(m.group(2));
                continue;
            }
            int indent = lines.get(i).indexOf("expr:");
            StringBuilder block = new StringBuilder();
            while (i + 1 < lines.size() && (lines.get(i + 1).isBlank() || lines.get(i + 1).indexOf(lines.get(i + 1).strip()) > indent)) {
                block.append(lines.get(++i).strip()).append(' ');
            }
            found.add(block.toString());
        }
        return found;
    }

    /** Every dashboard panel's query. */
    static List<String> dashboardExpressions() throws IOException {
        List<String> found = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode dashboard = new ObjectMapper().readTree(file.toFile());
                for (JsonNode panel : dashboard.path("panels")) {
                    for (JsonNode target : panel.path("targets")) {
                        found.add(target.path("expr").asText());
                    }
                }
            }
        }
        return found;
    }

    /**
     * The metric names a PromQL expression reads: identifiers that are not functions (followed by
     * "("), keywords, label names (inside braces or after by/on/...), durations or numbers.
     */
    static Set<String> metricNames(String expr) {
        String s = expr.replaceAll("\"[^\"]*\"", "\"\"")                // label values and other strings
                .replaceAll("\\{[^}]*}", " ")                           // label matchers
                .replaceAll("\\[[^]]*]", " ")                           // ranges and subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " "); // label lists
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*").matcher(s);
        while (m.find()) {
            String word = m.group();
            int after = m.end();
            while (after < s.length() && s.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < s.length() && s.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1)); // 5m, 1e3
            if (!function && !number && !WORDS.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                names.add(word);
            }
        }
        return names;
    }
}
