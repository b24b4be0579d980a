package dk.fsc.service.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The deploy files (ops/compose, ops/k8s, ops/emqx, the images the poms build) as far as this machine can check them
 * without a container engine or a cluster: they parse; every FSC_* variable they set is one the
 * code reads; no secret is written in them; ports, probes and images agree with the code and with
 * each other; every workload has probes, resources and a PodDisruptionBudget; every file a compose
 * service mounts exists.
 */
class DeployFilesTest {
    private static final Path OPS = OpsFiles.OPS;
    private static final Pattern SECRETISH = Pattern.compile(".*(PASSWORD|SECRET|_KEY).*");

    @Test
    @SuppressWarnings("unchecked")
    void composeRunsTheWholeSystemWithSecretsFromItsEnvFileOnly() throws IOException {
        Map<String, Object> compose = yaml(OPS.resolve("compose/compose.yaml")).get(0);
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
        assertTrue(services.keySet().containsAll(List.of("postgres", "broker", "service-1", "service-2", "gateway-1", "gateway-2",
                "prometheus", "grafana")), services.keySet().toString());
        Set<String> known = variablesTheCodeReads();
        Set<String> clientIds = new HashSet<>();
        for (var entry : services.entrySet()) {
            Map<String, Object> s = entry.getValue();
            Map<String, Object> env = (Map<String, Object>) s.getOrDefault("environment", Map.of());
            for (var e : env.entrySet()) {
                assertFalse(SECRETISH.matcher(e.getKey()).matches() && !e.getKey().endsWith("_USER"),
                        entry.getKey() + " writes the secret " + e.getKey() + " in compose.yaml: it belongs in secrets.env");
                if (e.getKey().startsWith("FSC_") && !entry.getKey().equals("grafana")) {
                    assertTrue(known.contains(e.getKey()), entry.getKey() + ": " + e.getKey() + " is read by no code");
                }
            }
            if (env.containsKey("FSC_GATEWAY_CLIENT_ID")) {
                assertTrue(clientIds.add(env.get("FSC_GATEWAY_CLIENT_ID").toString()), "two gateways share a client id (session)");
            }
            for (Object volume : (List<Object>) s.getOrDefault("volumes", List.of())) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(OPS.resolve("compose").resolve(source)), entry.getKey() + " mounts " + source + ", which is missing");
                }
            }
        }
        assertEquals(2, clientIds.size());
        // Prometheus inside compose scrapes the services and gateways on the ports they serve.
        String prometheus = Files.readString(OPS.resolve("compose/prometheus.yml"));
        assertTrue(prometheus.contains("service-1:" + env(services, "service-1", "FSC_HTTP_PORT")), prometheus);
        assertTrue(prometheus.contains("gateway-1:" + env(services, "gateway-1", "FSC_GATEWAY_HTTP_PORT")), prometheus);
        // Every job an alert rule reads is scraped there too (the disks' rule read a job compose did not have).
        java.util.regex.Matcher job = java.util.regex.Pattern.compile("job=\"([a-z-]+)\"").matcher(Files.readString(OpsFiles.RULES));
        while (job.find()) {
            assertTrue(prometheus.contains("job_name: " + job.group(1) + "\n"), "the rules read job " + job.group(1) + ", which compose's Prometheus does not scrape");
        }
        assertTrue(prometheus.contains("node-exporter:9100") && services.containsKey("node-exporter"), "the host's disks are scraped from compose's node-exporter");
        assertTrue(Files.readString(OPS.resolve("../.gitignore")).contains("ops/compose/secrets.env"), "secrets.env must never be committed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesWorkloadsHaveProbesResourcesDisruptionBudgetsAndSecretsByReference() throws IOException {
        List<Map<String, Object>> all = new ArrayList<>();
        try (var files = Files.list(OPS.resolve("k8s"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                all.addAll(yaml(f));
            }
        }
        Set<String> known = variablesTheCodeReads();
        List<Map<String, Object>> workloads = all.stream().filter(d -> Set.of("Deployment", "StatefulSet").contains(d.get("kind"))).toList();
        assertEquals(2, workloads.size(), "the service and the gateways");
        for (Map<String, Object> w : workloads) {
            String name = (String) ((Map<String, Object>) w.get("metadata")).get("name");
            Map<String, Object> template = (Map<String, Object>) ((Map<String, Object>) w.get("spec")).get("template");
            Map<String, Object> podLabels = (Map<String, Object>) ((Map<String, Object>) template.get("metadata")).get("labels");
            Map<String, Object> pod = (Map<String, Object>) template.get("spec");
            Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
            List<Map<String, Object>> ports = (List<Map<String, Object>>) container.get("ports");
            int port = ((Number) ports.get(0).get("containerPort")).intValue();
            String image = (String) container.get("image");
            assertTrue(image.startsWith("fsc/service:") || image.startsWith("fsc/device-gateway:"), name + ": " + image);
            assertEquals("/health/readiness", probePath(container, "readinessProbe"), name);
            assertEquals("/health/liveness", probePath(container, "livenessProbe"), name);
            Map<String, Object> resources = (Map<String, Object>) container.get("resources");
            for (String side : List.of("requests", "limits")) {
                Map<String, Object> r = (Map<String, Object>) resources.get(side);
                assertTrue(r != null && r.containsKey("cpu") && r.containsKey("memory"), name + " has no " + side);
            }
            boolean portSet = false;
            for (Map<String, Object> e : (List<Map<String, Object>>) container.get("env")) {
                String var = (String) e.get("name");
                assertTrue(known.contains(var), name + ": " + var + " is read by no code");
                if (SECRETISH.matcher(var).matches()) {
                    assertTrue(e.containsKey("valueFrom") && e.get("valueFrom").toString().contains("secretKeyRef"),
                            name + ": " + var + " must come from a Secret by reference");
                }
                if (var.equals("FSC_HTTP_PORT") || var.equals("FSC_GATEWAY_HTTP_PORT")) {
                    assertEquals(String.valueOf(port), e.get("value"), name + ": the port it listens on is the container's");
                    portSet = true;
                }
            }
            assertTrue(portSet, name + " sets no HTTP port");
            assertTrue(all.stream().anyMatch(d -> "PodDisruptionBudget".equals(d.get("kind")) && selects(d, podLabels)), name + " has no PDB");
            assertTrue(all.stream().anyMatch(d -> "Service".equals(d.get("kind")) && selects(d, podLabels) && targets(d, port)),
                    name + " has no Service to port " + port);
        }
        for (Map<String, Object> d : all) {
            if ("Secret".equals(d.get("kind"))) {
                throw new AssertionError("a Secret is written in ops/k8s; secrets come from the region's secret store");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void composeAndKubernetesRunTheImagesMavenBuildsWithThePortsTheyExpose() throws IOException {
        String parent = Files.readString(OPS.resolve("../pom.xml"));
        Matcher version = Pattern.compile("<version>([^<]+)</version>").matcher(parent.substring(parent.indexOf("</parent>")));
        assertTrue(version.find());
        Map<String, String> images = Map.of("service", "fsc/service", "device-gateway", "fsc/device-gateway");
        Map<String, String> ports = Map.of("service", "8080", "device-gateway", "8081");
        for (String module : images.keySet()) {
            String pom = Files.readString(OPS.resolve("../" + module + "/pom.xml"));
            assertTrue(pom.contains("<image>" + images.get(module) + ":${project.version}</image>"), module + " builds another image");
            assertTrue(pom.contains("<port>" + ports.get(module) + "</port>"), module + "'s image exposes another port");
        }
        assertTrue(parent.contains("<user>10001</user>"), "the images run as user 10001, not root");
        Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) yaml(OPS.resolve("compose/compose.yaml")).get(0).get("services");
        List<String> used = new ArrayList<>();
        services.values().forEach(s -> used.add(s.get("image").toString()));
        for (String file : List.of("k8s/service.yaml", "k8s/gateway.yaml")) {
            Matcher m = Pattern.compile("image: (\\S+)").matcher(Files.readString(OPS.resolve(file)));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        for (String image : used) {
            if (image.startsWith("fsc/")) {
                String expected = image.startsWith("fsc/service") ? "fsc/service" : "fsc/device-gateway";
                assertTrue(image.equals(expected + ":" + version.group(1)) || image.equals(expected + ":${FSC_VERSION:-" + version.group(1) + "}"),
                        image + " is not the image the build makes (" + expected + ":" + version.group(1) + ")");
            }
        }
        assertTrue(Files.isExecutable(OPS.resolve("images/make-base-image")), "the images' base is made by ops/images/make-base-image");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEmqxClusterAsksTheServiceAtTheRouteWithTheHeaderAndFieldsItServes() throws IOException {
        String conf = Files.readString(OPS.resolve("emqx/emqx.conf"));
        String controller = Files.readString(OPS.resolve("../service/src/main/java/dk/fsc/service/devices/BrokerLoginController.java"));
        String logins = Files.readString(OPS.resolve("../service/src/main/java/dk/fsc/service/devices/BrokerLogins.java"));
        assertTrue(controller.contains("@Controller(\"/api/broker\")") && controller.contains("@Post(\"/login\")"), "the route moved");
        // In Kubernetes the Service fsc-service (port 80); in compose the nodes name service-1 (FSC_BROKER_LOGIN_URL).
        assertTrue(conf.contains("url = \"http://fsc-service/api/broker/login\""), "emqx.conf asks another route");
        String k8s = Files.readString(OPS.resolve("k8s/service.yaml"));
        assertTrue(k8s.contains("name: fsc-service") && k8s.contains("{name: http, port: 80, targetPort: 8080}"), "the Service's port moved");
        assertTrue(k8s.contains("- name: FSC_BROKER_LOGIN_TOKEN"), "the service in Kubernetes has no broker-login token: every login refused");
        Matcher header = Pattern.compile("TOKEN_HEADER = \"([^\"]+)\"").matcher(logins);
        assertTrue(header.find());
        assertTrue(conf.contains("\"" + header.group(1) + "\" = ${FSC_BROKER_LOGIN_TOKEN}"),
                "emqx.conf sends the token in " + header.group(1) + ", from the environment (unquoted), never written in the file");
        Matcher fields = Pattern.compile("record Request\\(([^)]*)\\)").matcher(controller);
        assertTrue(fields.find());
        for (String field : fields.group(1).replace("@Nullable", "").replace("String", "").split(",")) {
            assertTrue(conf.contains(field.strip() + " = \"${" + field.strip() + "}\""), "emqx.conf sends no " + field.strip());
        }
        assertTrue(conf.contains("no_match = deny"), "what the login's ACL does not allow is denied");
        assertTrue(variablesTheCodeReads().contains("FSC_BROKER_LOGIN_TOKEN"));
        Map<String, Map<String, Object>> composeServices = (Map<String, Map<String, Object>>) yaml(OPS.resolve("compose/compose.yaml")).get(0)
                .get("services");
        Map<String, Object> compose = yaml(OPS.resolve("emqx/compose.yaml")).get(0);
        Map<String, Map<String, Object>> nodes = (Map<String, Map<String, Object>>) compose.get("services");
        assertEquals(3, nodes.size(), "three nodes");
        for (var node : nodes.entrySet()) {
            Map<String, Object> environment = (Map<String, Object>) node.getValue().get("environment");
            String name = environment.get("EMQX_NODE__NAME").toString();
            assertEquals("http://service-1:" + env(composeServices, "service-1", "FSC_HTTP_PORT") + "/api/broker/login",
                    String.valueOf(environment.get("EMQX_AUTHENTICATION__1__URL")), node.getKey() + " asks no service of ops/compose");
            assertTrue(conf.contains("\"" + name + "\""), node.getKey() + " (" + name + ") is not among the cluster's seeds");
            for (Object volume : (List<Object>) node.getValue().get("volumes")) {
                String source = volume.toString().split(":")[0];
                if (source.startsWith(".")) {
                    assertTrue(Files.exists(OPS.resolve("emqx").resolve(source)), node.getKey() + " mounts " + source + ", which is missing");
                }
            }
        }
        String secrets = Files.readString(OPS.resolve("compose/make-secrets"));
        assertTrue(secrets.contains("FSC_BROKER_LOGIN_TOKEN=") && secrets.contains("EMQX_NODE__COOKIE="), "make-secrets writes the cluster's secrets");
        assertFalse(Pattern.compile("(?i)(cookie|password|token)\\s*=\\s*\"[^$]").matcher(conf).find(), "a secret is written in emqx.conf");
    }

    /** Every FSC_* the service and the gateway read: their configuration files and the run command's own. */
    static Set<String> variablesTheCodeReads() throws IOException {
        StringBuilder code = new StringBuilder();
        for (String f : List.of("service/src/main/resources/application.yml", "device-gateway/src/main/resources/application-gateway.yml",
                "service/src/main/java/dk/fsc/service/platform/startup/Settings.java",
                "service/src/main/java/dk/fsc/service/platform/startup/Launcher.java")) {
            code.append(Files.readString(OPS.resolve("..").resolve(f)));
        }
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("FSC_[A-Z0-9_]+").matcher(code);
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }

    @SuppressWarnings("unchecked")
    private static String probePath(Map<String, Object> container, String probe) {
        Map<String, Object> p = (Map<String, Object>) container.get(probe);
        assertNotNull(p, probe);
        return (String) ((Map<String, Object>) p.get("httpGet")).get("path");
    }

    @SuppressWarnings("unchecked")
    private static boolean selects(Map<String, Object> doc, Map<String, Object> podLabels) {
        Map<String, Object> spec = (Map<String, Object>) doc.get("spec");
        Object selector = spec.get("selector");
        Map<String, Object> labels = selector instanceof Map<?, ?> s && s.containsKey("matchLabels")
                ? (Map<String, Object>) s.get("matchLabels") : (Map<String, Object>) selector;
        return labels != null && podLabels.entrySet().containsAll(labels.entrySet());
    }

    @SuppressWarnings("unchecked")
    private static boolean targets(Map<String, Object> service, int port) {
        List<Map<String, Object>> ports = (List<Map<String, Object>>) ((Map<String, Object>) service.get("spec")).get("ports");
        return ports.stream().anyMatch(p -> String.valueOf(port).equals(String.valueOf(p.get("targetPort"))));
    }

    @SuppressWarnings("unchecked")
    private static String env(Map<String, Map<String, Object>> services, String service, String name) {
        return String.valueOf(((Map<String, Object>) services.get(service).get("environment")).get(name));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> yaml(Path file) throws IOException {
        List<Map<String, Object>> docs = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file)) {
            for (Object doc : new Yaml().loadAll(r)) {
                if (doc != null) {
                    docs.add((Map<String, Object>) doc);
                }
            }
        }
        assertFalse(docs.isEmpty(), file + " is empty");
        return docs;
    }
}
