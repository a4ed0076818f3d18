package ciclo.ffm;

import ciclo.CicloException;
import ciclo.Event;
import ciclo.EventKind;
import ciclo.LeadScore;
import ciclo.Outcome;
import ciclo.StageSince;
import ciclo.StateAndJson;
import ciclo.Status;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tests of the FFM binding: every area of the C ABI, errors with status and
 * message, handles, and 1,000 concurrent failing calls on virtual threads that
 * each must get their own message. A plain program (no test framework):
 * exits non-zero on the first failed check.
 *
 * <pre>
 * javac -d out $(find bindings/java/common/src bindings/java/ffm/src bindings/java/ffm/test -name '*.java')
 * CICLO_LIB=target/debug/libciclo.so java --enable-native-access=ALL-UNNAMED -cp out ciclo.ffm.FfmTest
 * </pre>
 */
public final class FfmTest {
    private static int checks;

    private static void check(boolean condition, String what) {
        checks++;
        if (!condition) {
            throw new AssertionError("check failed: " + what);
        }
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private static CicloException expectError(int status, Body body) throws Exception {
        try {
            body.run();
        } catch (CicloException e) {
            check(e.status() == status, "expected status " + status + ", got " + e.getMessage());
            return e;
        }
        throw new AssertionError("expected status " + status + ", got no error");
    }

    /** 2026-01-01T00:00:00Z plus n days, in milliseconds since the epoch. */
    private static long day(long n) {
        return (1767225600L + n * 86400L) * 1000L;
    }

    private static final long APRIL_3 = 1775217600000L;

    public static void main(String[] args) throws Exception {
        version();
        lifecycle();
        model();
        standardize();
        consolidation();
        listing();
        retention();
        changeFeed();
        concurrentErrorsOnVirtualThreads();
        System.out.println("bindings/java/ffm: " + checks + " checks passed");
    }

    static void version() {
        check(Ciclo.version().split("\\.").length == 3, "version");
        check(Ciclo.abiVersion() == 2, "abi version");
    }

    static void lifecycle() throws Exception {
        try (Engine engine = new Engine()) {
            check(engine.stageCount() == 6, "six stages");
            check(engine.stageName(0).equals("awareness"), "first stage");
            expectError(Status.OUT_OF_RANGE, () -> engine.stageName(99));

            String out = engine.applyJson("{\"id\":\"e1\",\"customer\":\"maría\",\"at\":\"2026-01-03T14:00:00Z\",\"kind\":\"visit\"}");
            check(out.contains("\"created\":true") && out.contains("\"customer\":\"maría\""), out);
            engine.applyJson("{\"id\":\"e2\",\"customer\":\"maría\",\"at\":\"2026-01-05T10:00:00Z\",\"kind\":\"contact_captured\"}");
            engine.applyJson("{\"id\":\"e3\",\"customer\":\"maría\",\"at\":\"2026-01-09T18:00:00Z\",\"kind\":\"demo_requested\"}");
            String purchase = "{\"id\":\"e4\",\"customer\":\"maría\",\"at\":\"2026-01-12T11:00:00Z\",\"kind\":\"purchase\",\"amount\":8999000,\"currency\":\"ARS\",\"category\":\"electrónica\"}";
            out = engine.applyJson(purchase);
            check(out.contains("\"stage\":\"conversion\"") && out.contains("\"rule\":\"first_purchase\""), out);
            check(engine.applyJson(purchase).contains("\"applied\":\"duplicate\""), "duplicate");

            Outcome o = null;
            for (int i = 0; i < 4; i++) {
                o = engine.apply(Event.of("lucía", day(10L * i), EventKind.PURCHASE)
                        .withEventId("lg-" + i).withAmount(2100000, "ARS").withCategory("moda"));
                if (i == 0) {
                    check(o.created() && o.transitioned(), "created and moved");
                    check(engine.stageName(o.fromStage()).equals("awareness"), "from awareness");
                    check(engine.ruleName(o.rule()).equals("first_purchase"), "rule");
                }
            }
            check(engine.stageName(o.stage()).equals("growth"), "growth");
            check(!o.duplicate(), "not a duplicate");
            engine.apply(Event.of("jm", day(2), EventKind.SURVEY).withScore(9.0));
            expectError(Status.INVALID_ARGUMENT, () -> engine.apply(Event.of("jm", day(3), EventKind.SURVEY)));

            StageSince s = engine.customerStage("lucía");
            check(engine.stageName(s.stage()).equals("growth") && s.sinceMs() == day(10), "stage since");
            check(engine.customerCount() == 3, "three customers");
            check(engine.tickReportJson(day(90)).contains("\"rule\":\"lapsed\""), "lapsed");
            check(engine.tick(day(91)) == 0, "nothing more");
            check(engine.customerJson("maría").contains("\"customer\":\"maría\""), "customer json");
            check(engine.modelJson().contains("awareness"), "model json");

            CicloException e = expectError(Status.OUT_OF_ORDER,
                    () -> engine.applyJson("{\"customer\":\"maría\",\"at\":\"2025-12-01T00:00:00Z\",\"kind\":\"visit\"}"));
            check(e.errorMessage().contains("maría"), e.errorMessage());
            check(e.getMessage().equals("CICLO_STATUS_OUT_OF_ORDER: " + e.errorMessage()), e.getMessage());
            check(e.statusName().equals("CICLO_STATUS_OUT_OF_ORDER"), e.statusName());
            expectError(Status.INVALID_JSON, () -> engine.applyJson("{\"customer\":"));
            expectError(Status.NULL_ARGUMENT, () -> engine.applyJson(null));
            expectError(Status.NOT_FOUND, () -> engine.customerJson("nadie"));
            expectError(Status.UNKNOWN_STAGE, () -> new Engine(
                    "{\"name\":\"x\",\"stages\":[{\"name\":\"a\"}],\"rules\":[{\"name\":\"r\",\"to\":\"b\",\"on\":\"tick\"}]}"));

            // A string with a NUL is refused, not cut short: erasing "jm\0x" must not erase jm.
            for (Body body : new Body[] {
                    () -> engine.removeCustomer("jm\0x"),
                    () -> engine.apply(Event.of("jm\0x", day(20), EventKind.VISIT))}) {
                try {
                    body.run();
                    throw new AssertionError("a string with a NUL was accepted");
                } catch (IllegalArgumentException expected) {
                    check(expected.getMessage().contains("NUL character at 2"), expected.getMessage());
                }
            }
            check(engine.customerJson("jm").contains("\"customer\":\"jm\""), "jm kept");

            String state = engine.customerStateJson("jm");
            engine.removeCustomer("jm");
            expectError(Status.NOT_FOUND, () -> engine.customerJson("jm"));
            engine.importCustomer("jm", state);
            expectError(Status.CONFLICT, () -> engine.importCustomer("jm", state));

            engine.setLimitsJson("{\"event_json_bytes\": 64}");
            check(engine.limitsJson().contains("\"event_json_bytes\":64"), "limits");
            expectError(Status.INVALID_ARGUMENT, () -> engine.applyJson(
                    "{\"customer\":\"maría\",\"at\":\"2026-03-01T00:00:00Z\",\"kind\":\"visit\",\"category\":\"a long category name\"}"));
            engine.setLimitsJson("{}");

            byte[] snapshot = engine.snapshot();
            try (Engine restored = Engine.restore(snapshot)) {
                check(restored.customerCount() == engine.customerCount(), "restored count");
                check(restored.customerJson("maría").equals(engine.customerJson("maría")), "restored state");
            }
            snapshot[snapshot.length / 2] ^= 0x40;
            expectError(Status.CORRUPT_SNAPSHOT, () -> Engine.restore(snapshot));
            expectError(Status.CORRUPT_SNAPSHOT, () -> Engine.restore(new byte[0]));

            Engine closed = new Engine();
            closed.close();
            closed.close();
            boolean refused = false;
            try {
                closed.customerCount();
            } catch (IllegalStateException ex) {
                refused = true;
            }
            check(refused, "a closed engine refuses calls");
        }
    }

    static void model() throws Exception {
        try (Model model = new Model("{\"preset\":\"five_stage\"}")) {
            StateAndJson first = model.stepJson(null,
                    "{\"customer\":\"c-9\",\"at\":\"2026-03-01T10:00:00Z\",\"kind\":\"purchase\",\"amount\":99000,\"currency\":\"EUR\"}");
            check(first.json().contains("\"stage\":\"first_purchase\""), first.json());
            StateAndJson second = model.stepJson(first.stateJson(),
                    "{\"customer\":\"c-9\",\"at\":\"2026-03-04T10:00:00Z\",\"kind\":\"delivery\"}");
            StateAndJson ticked = model.tickJson(second.stateJson(), (1772618400L + 40 * 86400L) * 1000L);
            check(ticked.json().contains("\"transitions\""), ticked.json());
            expectError(Status.INVALID_JSON, () -> model.stepJson("{", "{\"customer\":\"c\"}"));
        }
        expectError(Status.INVALID_CONFIG, () -> new Model("{\"preset\":\"nine_stage\"}"));
    }

    static void standardize() throws Exception {
        check(Ciclo.phoneNormalize("011 15-2345-6789", "AR").equals("+5491123456789"), "phone");
        check(Ciclo.phoneNormalize("+54 9 11 2345-6789", null).equals("+5491123456789"), "phone without region");
        CicloException e = expectError(Status.INVALID_VALUE, () -> Ciclo.phoneNormalize("0341-6", "AR"));
        check(e.errorMessage().contains("phone."), e.errorMessage());
        check(Ciclo.idNormalize("ar_cuit", "20123456786").equals("20-12345678-6"), "cuit");
        expectError(Status.INVALID_VALUE, () -> Ciclo.idNormalize("ar_cuit", "20123456780"));
        String record = Ciclo.recordStandardizeJson(
                "{\"given_name\": \"maría  josé\", \"surname\": \"FERNÁNDEZ\", \"phone\": \"011 15-2345-6789\"}",
                "{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}");
        check(record.contains("\"given_name\":\"María José\"") && record.contains("\"surname\":\"Fernández\""), record);
        check(record.contains("\"valid\":true"), record);
        expectError(Status.UNKNOWN_FIELD, () -> Ciclo.recordStandardizeJson("{\"nombre\":\"x\"}", null));
        check(Ciclo.recordBlockingKeysJson("{\"given_name\": \"Pepe\", \"surname\": \"González\", \"email\": \"Pepe.Gonzalez@gmail.com\"}", null)
                .contains("email:pepegonzalez@gmail.com"), "blocking keys");
        check(Ciclo.recordsScoreJson("{\"given_name\": \"Pepe\", \"surname\": \"González\", \"national_id\": \"20-12345678-6\"}",
                "{\"given_name\": \"José\", \"surname\": \"Gonzalez\", \"national_id\": \"12.345.678\"}",
                "{\"default_country\": \"AR\"}").contains("\"decision\""), "score");
    }

    static void consolidation() throws Exception {
        try (Engine engine = new Engine()) {
            engine.configureConsolidation("{\"default_country\": \"AR\"}");
            check(engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\", \"record\": "
                    + "{\"given_name\": \"José Luis\", \"surname\": \"García Pérez\", \"email\": \"jose.garcia@gmail.com\", "
                    + "\"national_id\": \"20-12345678-6\", \"birth_date\": \"09/01/1986\"}}").contains("\"decision\":\"new\""), "new");
            check(engine.ingestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": {\"given_name\": \"Pepe\", "
                    + "\"surname\": \"GARCIA\", \"email\": \"josegarcia@gmail.com\", \"national_id\": \"12.345.678\"}}")
                    .contains("\"decision\":\"merged\""), "merged");
            check(engine.goldenOf("erp", "000233").equals("G1"), "golden of");
            check(engine.goldenJson("G1").contains("\"given_name\":\"José Luis\""), "golden json");
            engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-2001\", \"record\": {\"given_name\": \"Lucía\", \"surname\": \"Gómez\"}}");
            check(engine.merge("G1", "G2").equals("G1"), "merge");
            check(engine.unmerge("crm", "C-2001").equals("G2"), "unmerge");
            expectError(Status.CONFLICT, () -> engine.unmerge("crm", "C-2001"));
            engine.link("household", "G1", "G2");
            check(engine.hierarchyJson("household", "G2").contains("\"parent\":\"G1\""), "hierarchy");
            check(engine.rollUpJson("household", "G1").contains("\"root\":\"G1\""), "roll up");
            expectError(Status.CONFLICT, () -> engine.link("household", "G2", "G1"));
            engine.unlink("household", "G1", "G2");
            check(engine.reviewsJson().equals("[]"), "no reviews");
            expectError(Status.NOT_FOUND, () -> engine.dismissReview("crm", "C-1042"));
            engine.setMatchModelJson(engine.matchModelJson());
            check(engine.estimateModelJson("{\"u_sample\": 100}").contains("\"estimate\""), "estimate");
            check(engine.removeSource("erp", "000233").contains("\"erased\":false"), "remove source");
            engine.removeCustomer("G1");
            expectError(Status.NOT_FOUND, () -> engine.goldenJson("G1"));
            expectError(Status.NOT_FOUND, () -> engine.goldenOf("crm", "C-1042"));
        }
        String records = "{\"id\": \"r1\", \"given_name\": \"María José\", \"surname\": \"Fernández\", \"email\": \"mjf@gmail.com\", \"birth_date\": \"1990-04-02\"}\n"
                + "{\"id\": \"r2\", \"given_name\": \"Maria Jose\", \"surname\": \"FERNANDEZ\", \"email\": \"m.j.f@gmail.com\", \"birth_date\": \"02/04/1990\"}\n"
                + "{\"id\": \"r3\", \"given_name\": \"Mariano\", \"surname\": \"Fernández\", \"email\": \"mariano@yahoo.com\"}\n";
        List<String> steps = new ArrayList<>();
        String batch = Ciclo.dedupJson(records, "{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}",
                (step, done, total) -> steps.add(step));
        check(batch.contains("\"golden\":[\"r1\",\"r1\",\"r3\"]"), batch);
        check(steps.contains("standardize"), "progress steps " + steps);
        boolean thrown = false;
        try {
            Ciclo.dedupJson(records, null, (step, done, total) -> {
                throw new IllegalArgumentException("stop");
            });
        } catch (IllegalArgumentException ex) {
            thrown = ex.getMessage().equals("stop");
        }
        check(thrown, "the listener's exception comes back");
        expectError(Status.INVALID_ARGUMENT, () -> Ciclo.dedupJson("{\"surname\": \"Paz\"}\n", null, null));
    }

    static void retention() throws Exception {
        try (Engine engine = new Engine()) {
            String[] events = {
                "{\"customer\": \"ana\", \"at\": \"2026-01-05T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-01-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-02-05T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-02-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"cancellation\", \"reason\": \"precio\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\", \"kind\": \"complaint\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-04-02T10:00:00Z\", \"kind\": \"complaint\"}",
            };
            for (String e : events) {
                engine.applyJson(e);
            }
            engine.setRetentionJson("{\"rules\": [{\"name\": \"complaint_callback\", \"action\": \"call_back\", \"priority\": 95, "
                    + "\"cooldown_days\": 14, \"when\": {\"signal\": \"complaints_in_window\", \"op\": \">=\", \"value\": 2}}]}");
            check(engine.retentionJson().contains("complaint_callback"), "retention json");
            check(engine.evaluateJson(null, APRIL_3).contains("\"rule\":\"complaint_callback\""), "firing");
            check(engine.evaluateJson("ana", APRIL_3 + 86400000L).equals("{\"firings\":[]}"), "cooldown");
            check(engine.signalsJson("ana", APRIL_3).contains("\"complaints_in_window\":2.0"), "signals");
            check(engine.churnJson("ana", APRIL_3).contains("\"parts\""), "churn");
            check(engine.winBackJson(APRIL_3).contains("\"customer\":\"beto\""), "win back");
            check(engine.winBackJson(APRIL_3, 0).contains("\"candidates\":[]"), "win back limit");
            engine.recordWinBack("beto", APRIL_3, true);
            check(engine.winBackStatsJson().contains("\"won\":1"), "stats");
            expectError(Status.NOT_FOUND, () -> engine.evaluateJson("nobody", APRIL_3));
            CicloException e = expectError(Status.INVALID_ARGUMENT, () -> engine.fitModelsJson(APRIL_3, "{\"currency\": \"EUR\"}")); // nobody pays in euros
            check(e.errorMessage().contains("customers"), e.errorMessage());
            engine.setRetentionJson(null);
            check(engine.retentionJson().contains("discontent"), "defaults");
        }
        String population = "{\"customers\": ["
                + "{\"id\": \"c01\", \"frequency\": 2, \"recency\": 30.43, \"T\": 38.86, \"monetary_value\": 22.35},"
                + "{\"id\": \"c02\", \"frequency\": 1, \"recency\": 1.71, \"T\": 38.86, \"monetary_value\": 11.77},"
                + "{\"id\": \"c03\", \"frequency\": 0, \"recency\": 0, \"T\": 38.86, \"monetary_value\": 0},"
                + "{\"id\": \"c04\", \"frequency\": 7, \"recency\": 29.43, \"T\": 38.86, \"monetary_value\": 73.74},"
                + "{\"id\": \"c05\", \"frequency\": 1, \"recency\": 5, \"T\": 38.86, \"monetary_value\": 11.77},"
                + "{\"id\": \"c06\", \"frequency\": 0, \"recency\": 0, \"T\": 38.29, \"monetary_value\": 0},"
                + "{\"id\": \"c07\", \"frequency\": 2, \"recency\": 35.71, \"T\": 38.86, \"monetary_value\": 25.55},"
                + "{\"id\": \"c08\", \"frequency\": 5, \"recency\": 24.29, \"T\": 38.29, \"monetary_value\": 30.01}]}";
        String models = Ciclo.modelsFitJson(population, "{\"penalizer\": 0.001}");
        check(models.contains("\"bgnbd\""), models);
        check(Ciclo.modelsPredictJson(models, population, null).contains("\"p_alive\""), "predict");
        expectError(Status.INVALID_ARGUMENT, () -> Ciclo.modelsFitJson("{\"customers\": []}", null));
    }

    private static final int CALLS = 1000;

    /**
     * 1,000 virtual threads, started together, each failing three calls with its
     * own customer id and blocking (sleep, yield) between them, so that they
     * unmount and move between carriers: every error must carry the message of
     * its own call. Then the control: the same with raw downcalls and a sleep
     * between the failed call and reading the message, which mixes them up.
     */
    static void concurrentErrorsOnVirtualThreads() throws Exception {
        try (Engine engine = new Engine()) {
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            runOnVirtualThreads(i -> {
                String id = "missing-" + i;
                for (int round = 0; round < 3; round++) {
                    Thread.sleep(1);
                    try {
                        engine.customerJson(id);
                        wrong.incrementAndGet();
                    } catch (CicloException e) {
                        failed.incrementAndGet();
                        if (e.status() != Status.NOT_FOUND || !e.errorMessage().equals("customer `" + id + "` not found")) {
                            wrong.incrementAndGet();
                        }
                    }
                    Thread.yield();
                }
            });
            check(failed.get() == 3 * CALLS, "every call failed: " + failed.get());
            check(wrong.get() == 0, wrong.get() + " of " + 3 * CALLS + " calls got another call's message");

            // The control: what hand-written code did.
            MethodHandle customerJson = Native.fallible("ciclo_engine_customer_json", ADDRESS, ADDRESS, ADDRESS);
            AtomicInteger mixed = new AtomicInteger();
            runOnVirtualThreads(i -> {
                String id = "missing-" + i;
                int status;
                try (Arena arena = Arena.ofConfined()) {
                    try {
                        status = (int) customerJson.invokeExact(engine.handle(), arena.allocateFrom(id), arena.allocate(ADDRESS));
                    } catch (Throwable t) {
                        throw new IllegalStateException(t);
                    }
                }
                Thread.sleep(1); // a blocking call (logging, a lock, I/O) before reading the message
                String message = Native.error(status).errorMessage();
                if (!message.equals("customer `" + id + "` not found")) {
                    mixed.incrementAndGet();
                }
            });
            System.out.println("control: with a sleep between the failed downcall and reading the message, "
                    + mixed.get() + " of " + CALLS + " virtual threads read another call's message");
            check(mixed.get() > 0, "the control shows the hazard the test guards against");
        }
    }

    @FunctionalInterface
    interface Task {
        void run(int i) throws Exception;
    }

    private static void runOnVirtualThreads(Task task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CALLS; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    task.run(n);
                    return null;
                }));
            }
            start.countDown();
        }
        for (java.util.concurrent.Future<?> f : futures) {
            f.get(); // rethrows a task's failure
        }
    }

    /** Seven golden customers with a visit each, paged three at a time. */
    static void listing() throws Exception {
        String[] names = {"Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina"};
        String[] surnames = {"Pérez", "Quiroga", "Ramos", "Sosa", "Torres", "Ugarte", "Vidal"};
        try (Engine engine = new Engine()) {
            for (int i = 0; i < 7; i++) {
                engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-" + i + "\", \"record\": {\"given_name\": \""
                        + names[i] + "\", \"surname\": \"" + surnames[i] + "\"}}");
                engine.applyJson("{\"customer\": \"G" + (i + 1) + "\", \"at\": \"2026-01-02T00:00:00Z\", \"kind\": \"visit\"}");
            }
            List<String> expected = List.of("G1", "G2", "G3", "G4", "G5", "G6", "G7");
            check(allPages(cursor -> engine.listCustomersJson(cursor, 3)).equals(expected), "customers paged");
            check(allPages(cursor -> engine.listGoldenIdsJson(cursor, 3)).equals(expected), "golden ids paged");
            String sources = engine.listSourcesJson("G1", null, 3);
            check(sources.contains("\"items\":[{\"id\":\"C-0\",\"system\":\"crm\"}]")
                    && sources.contains("\"next_cursor\":null"), sources);
            check(engine.listReviewsJson(null, 3).equals("{\"items\":[],\"next_cursor\":null}"), "no reviews");
            expectError(Status.INVALID_ARGUMENT, () -> engine.listCustomersJson(null, 0));
            expectError(Status.NOT_FOUND, () -> engine.listSourcesJson("G99", null, 3));
            LeadScore lead = engine.leadScore("G1", 1767312000000L); // one visit: 2 points
            check(lead.score() == 2.0 && !lead.qualified(), "lead score " + lead);
            expectError(Status.NOT_FOUND, () -> engine.leadScore("nadie", 1767312000000L));
            String counts = engine.stageCountsJson();
            check(counts.startsWith("{\"customers\":7,\"stages\":[{\"customers\":7,\"stage\":\"awareness\"}"), counts);
        }
    }

    interface Page {
        String get(String cursor) throws CicloException;
    }

    /** Every item of every page, following next_cursor from null to null; an item seen twice fails. */
    static List<String> allPages(Page page) throws CicloException {
        List<String> all = new ArrayList<>();
        String cursor = null;
        for (int pages = 0; pages < 100; pages++) {
            String json = page.get(cursor);
            java.util.regex.Matcher items = java.util.regex.Pattern.compile("\"items\":\\[([^\\]]*)\\]").matcher(json);
            check(items.find(), json);
            java.util.regex.Matcher item = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(items.group(1));
            while (item.find()) {
                check(!all.contains(item.group(1)), "seen twice: " + item.group(1));
                all.add(item.group(1));
            }
            java.util.regex.Matcher next = java.util.regex.Pattern.compile("\"next_cursor\":(null|\"([^\"]*)\")").matcher(json);
            check(next.find(), json);
            if (next.group(2) == null) {
                return all;
            }
            cursor = next.group(2);
        }
        throw new AssertionError("more than 100 pages");
    }

    /** The seq and type of each change in a page or a batch: {"seq":7,"type":"stage_moved",...}. */
    private static final java.util.regex.Pattern CHANGE =
            java.util.regex.Pattern.compile("\\{\"seq\":(\\d+),\"type\":\"([a-z_]+)\"");

    private record Seen(long seq, String type) {}

    private static List<Seen> parseChanges(String json) {
        List<Seen> out = new ArrayList<>();
        java.util.regex.Matcher m = CHANGE.matcher(json);
        while (m.find()) {
            out.add(new Seen(Long.parseLong(m.group(1)), m.group(2)));
        }
        return out;
    }

    private static long numberAfter(String json, String key) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
        check(m.find(), "no " + key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static java.util.Set<String> typesOf(List<Seen> changes) {
        java.util.Set<String> types = new java.util.HashSet<>();
        for (Seen c : changes) {
            types.add(c.type());
        }
        return types;
    }

    private static String visit(String who, String at) {
        return "{\"customer\": \"" + who + "\", \"at\": \"" + at + "\", \"kind\": \"visit\"}";
    }

    static void changeFeed() throws Exception {
        try (Engine engine = new Engine()) {
            engine.applyJson("{\"customer\": \"ana\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 125000, \"currency\": \"ARS\"}");
            engine.applyJson(visit("ana", "2026-03-02T10:00:00Z"));
            engine.applyJson("{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 99000, \"currency\": \"ARS\"}");
            engine.configureConsolidation("{\"default_country\": \"AR\", \"customers_from_events\": true}");
            engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\", \"record\": "
                    + "{\"given_name\": \"José Luis\", \"surname\": \"García Pérez\", \"email\": \"jose.garcia@gmail.com\", \"national_id\": \"20-12345678-6\"}}");
            check(engine.ingestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": {\"given_name\": \"Pepe\", "
                    + "\"surname\": \"GARCIA\", \"email\": \"josegarcia@gmail.com\", \"national_id\": \"12.345.678\"}}")
                    .contains("\"decision\":\"merged\""), "merged");
            engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-2001\", \"record\": {\"given_name\": \"Lucía\", \"surname\": \"Gómez\"}}");
            check(engine.merge("G1", "G2").equals("G1"), "merge");

            // Polling from 0, two changes a page (more only to end with a whole call).
            List<Seen> all = new ArrayList<>();
            long after = 0;
            int pages = 0;
            while (true) {
                String page = engine.changesJson(after, 2);
                List<Seen> got = parseChanges(page);
                check(!got.isEmpty(), "a page with changes: " + page);
                for (Seen c : got) {
                    check(c.seq() == all.size() + 1, "numbers from 1, growing, no gap: " + page);
                    all.add(c);
                }
                after = numberAfter(page, "last_seq");
                check(after == all.get(all.size() - 1).seq(), "last_seq");
                pages++;
                if (!page.contains("\"more\":true")) {
                    check(numberAfter(page, "head_seq") == after, "head_seq");
                    break;
                }
            }
            check(pages >= 3, "paged: " + pages);
            check(typesOf(all).containsAll(List.of("customer_created", "stage_moved", "golden_created",
                    "golden_updated", "source_added", "golden_merged")), "types " + typesOf(all));
            String empty = engine.changesJson(after, 10);
            check(parseChanges(empty).isEmpty() && empty.contains("\"more\":false"), empty);

            // The callback from where the poll ended: the changes of further calls.
            List<long[]> batches = new ArrayList<>();
            List<Seen> given = new ArrayList<>();
            long[] customersInside = {0};
            engine.setChangeCallback(after, (first, last, json) -> {
                batches.add(new long[] {first, last});
                given.addAll(parseChanges(json));
                try {
                    customersInside[0] = engine.customerCount(); // calling the engine from inside is allowed
                } catch (CicloException e) {
                    throw new IllegalStateException(e);
                }
            });
            check(batches.isEmpty(), "nothing after the poll yet");
            engine.applyJson("{\"customer\": \"beto\", \"at\": \"2026-04-02T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000, \"currency\": \"ARS\"}");
            check(batches.size() == 1 && batches.get(0)[0] == after + 1, "first batch");
            check(customersInside[0] == 2, "customer count from inside");
            engine.removeCustomer("G1"); // an erasure: ids only
            engine.applyJson(visit("beto", "2026-04-03T10:00:00Z")); // moves nobody: no change
            check(batches.size() == 2, "two batches: " + batches.size());
            for (int i = 0; i < given.size(); i++) {
                check(given.get(i).seq() == after + 1 + i, "callback numbers in order");
            }
            check(batches.get(1)[0] == batches.get(0)[1] + 1, "batches follow each other");
            check(typesOf(given).containsAll(List.of("customer_created", "erased")), "types " + typesOf(given));
            long head = given.get(given.size() - 1).seq();

            // Registered from 0: every change kept, given from inside the call.
            List<Seen> replay = new ArrayList<>();
            engine.setChangeCallback(0, (first, last, json) -> replay.addAll(parseChanges(json)));
            check(replay.size() == head && replay.get(replay.size() - 1).seq() == head, "replay");

            // A listener that throws: the exception comes out of the call that
            // delivered (which did succeed), once; it gets nothing more.
            int[] calls = {0};
            engine.setChangeCallback(head, (first, last, json) -> {
                calls[0]++;
                throw new IllegalArgumentException("sink down");
            });
            boolean thrown = false;
            try {
                engine.applyJson(visit("carla", "2026-04-04T10:00:00Z"));
            } catch (IllegalArgumentException e) {
                thrown = e.getMessage().equals("sink down");
            }
            check(thrown && calls[0] == 1, "the listener's exception comes back");
            check(engine.customerStage("carla").stage() == 0, "the event was applied");
            engine.applyJson(visit("dora", "2026-04-04T10:00:00Z"));
            check(calls[0] == 1, "a listener that threw gets nothing more");

            // Replaced from inside itself, then removed: nothing more is given.
            int[] inner = {0};
            engine.setChangeCallback(0, (first, last, json) -> {
                try {
                    engine.setChangeCallback(0, (f, l, j) -> inner[0]++);
                } catch (CicloException e) {
                    throw new IllegalStateException(e);
                }
            });
            check(inner[0] > 0, "the new one was given the changes kept, once set");
            int beforeEva = inner[0];
            engine.applyJson(visit("eva", "2026-04-05T10:00:00Z"));
            check(inner[0] == beforeEva + 1, "the listener set from inside");
            engine.setChangeCallback(0, null);
            int beforeRemoval = inner[0];
            engine.applyJson(visit("fede", "2026-04-05T10:00:00Z"));
            check(inner[0] == beforeRemoval, "removed");

            // Retention: keep 3 changes; reading from 0 is CHANGES_DROPPED.
            check(engine.changeRetentionJson().equals("{\"max_age_ms\":null,\"max_changes\":100000}"), engine.changeRetentionJson());
            long beforeRetention = numberAfter(engine.changesJson(0, 0), "head_seq");
            engine.setChangeRetentionJson("{\"max_changes\": 3}");
            check(engine.changeRetentionJson().equals("{\"max_age_ms\":null,\"max_changes\":3}"), engine.changeRetentionJson());
            for (String who : List.of("g1", "g2", "g3", "g4")) {
                engine.applyJson(visit(who, "2026-04-06T10:00:00Z"));
            }
            String bounds = engine.changesJson(beforeRetention + 4, 0); // a visit of a new customer: one change
            long oldest = numberAfter(bounds, "oldest_seq");
            long newest = numberAfter(bounds, "head_seq");
            check(newest - oldest + 1 == 3, "three kept: " + bounds);
            CicloException dropped = expectError(Status.CHANGES_DROPPED, () -> engine.changesJson(0, 10));
            check(dropped.statusName().equals("CICLO_STATUS_CHANGES_DROPPED"), dropped.statusName());
            check(dropped.errorMessage().contains("the oldest change the feed keeps is " + oldest), dropped.errorMessage());
            check(parseChanges(engine.changesJson(oldest - 1, 10)).size() == 3, "the three kept");
            expectError(Status.CHANGES_DROPPED, () -> engine.setChangeCallback(0, (f, l, j) -> { }));
            check(expectError(Status.INVALID_ARGUMENT, () -> engine.changesJson(newest + 1, 10))
                    .errorMessage().contains("after_seq"), "after_seq named");
            check(expectError(Status.INVALID_CONFIG, () -> engine.setChangeRetentionJson("{\"max_changes\": 100000001}"))
                    .errorMessage().contains("max_changes"), "max_changes named");
            expectError(Status.UNKNOWN_FIELD, () -> engine.setChangeRetentionJson("{\"max\": 3}"));
            expectError(Status.INVALID_JSON, () -> engine.setChangeRetentionJson("{"));
            engine.setChangeRetentionJson("{}");
            check(engine.changeRetentionJson().contains("\"max_changes\":100000"), "default again");

            // Eight threads apply events; the listener gets every change once, in order.
            List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
            engine.setChangeCallback(newest, (first, last, json) -> {
                for (Seen c : parseChanges(json)) {
                    seqs.add(c.seq());
                }
            });
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int tt = t;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 25; i++) {
                        try {
                            engine.applyJson(visit("t" + tt + "-" + i, "2026-04-07T10:00:00Z"));
                        } catch (CicloException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            check(seqs.size() == 200, "every change once: " + seqs.size());
            for (int i = 0; i < seqs.size(); i++) {
                check(seqs.get(i) == newest + 1 + i, "in order");
            }
            // Closing from inside the listener is refused (ciclo_engine_free is not allowed there).
            boolean[] closeRefused = {false};
            Engine[] self = {engine}; // not the try's resource: its close is called by hand
            engine.setChangeCallback(newest + 200, (first, last, json) -> {
                try {
                    self[0].close();
                } catch (IllegalStateException e) {
                    closeRefused[0] = true;
                }
            });
            engine.applyJson(visit("h1", "2026-04-08T10:00:00Z"));
            check(closeRefused[0], "close from inside the listener refused");
            // Closed with a listener registered: released after the engine.
        }
    }
}
