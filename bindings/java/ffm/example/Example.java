import ciclo.CicloException;
import ciclo.Event;
import ciclo.EventKind;
import ciclo.Outcome;
import ciclo.Status;
import ciclo.ffm.Ciclo;
import ciclo.ffm.Engine;

/**
 * ciclo from Java 22+ with the Foreign Function and Memory API: a CRM's day.
 *
 * <p>Standardises a customer typed at the point of entry, ingests the records
 * two systems hold of one person (one golden customer), applies their events
 * (JSON and the struct fast path), ticks the clock, evaluates the retention
 * triggers, snapshots and restores the engine, erases the customer, and shows
 * an error with its status and message. Copy it as a start.
 *
 * <pre>
 * javac -d out $(find bindings/java/common/src bindings/java/ffm/src -name '*.java') \
 *     bindings/java/ffm/example/Example.java
 * CICLO_LIB=target/debug/libciclo.so java --enable-native-access=ALL-UNNAMED -cp out Example
 * </pre>
 */
public final class Example {
    public static void main(String[] args) throws Exception {
        System.out.println("ciclo " + Ciclo.version());

        // Standardisation at the point of entry.
        System.out.println("phone: " + Ciclo.phoneNormalize("011 15-2345-6789", "AR"));
        System.out.println("CUIT:  " + Ciclo.idNormalize("ar_cuit", "20123456786"));
        System.out.println("record: " + Ciclo.recordStandardizeJson(
                "{\"given_name\": \"maría josé\", \"surname\": \"FERNÁNDEZ\"}", "{\"default_country\": \"AR\"}"));

        // One engine, shared by the CRM's threads (platform or virtual).
        try (Engine engine = new Engine()) {
            engine.configureConsolidation("{\"default_country\": \"AR\"}");
            engine.ingestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"record\": {\"given_name\": \"José Luis\", "
                    + "\"surname\": \"García Pérez\", \"national_id\": \"20-12345678-6\", \"email\": \"jose.garcia@gmail.com\"}}");
            System.out.println("ingest: " + engine.ingestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": "
                    + "{\"given_name\": \"Pepe\", \"surname\": \"GARCIA\", \"national_id\": \"12.345.678\", "
                    + "\"email\": \"josegarcia@gmail.com\"}}"));
            String golden = engine.goldenOf("erp", "000233");
            System.out.println("golden record: " + engine.goldenJson(golden));

            // Events: JSON, and the struct fast path.
            engine.applyJson("{\"customer\": \"" + golden + "\", \"at\": \"2026-01-12T11:00:00Z\", \"kind\": \"purchase\", "
                    + "\"amount\": 8999000, \"currency\": \"ARS\"}");
            Outcome o = engine.apply(Event.of(golden, 1769000000000L, EventKind.PURCHASE)
                    .withAmount(1250000, "ARS").withCategory("hogar"));
            System.out.println("stage: " + engine.stageName(o.stage()));
            System.out.println("tick: " + engine.tick(1780000000000L) + " transitions");
            System.out.println("triggers: " + engine.evaluateJson(null, 1780000000000L));

            // Snapshot and restore.
            try (Engine restored = Engine.restore(engine.snapshot())) {
                System.out.println("restored " + restored.customerCount() + " customers");
            }

            // The right to be forgotten.
            engine.removeCustomer(golden);
            try {
                engine.goldenJson(golden);
            } catch (CicloException e) {
                if (e.status() != Status.NOT_FOUND) {
                    throw e;
                }
                System.out.println("error: " + e.errorMessage() + " (" + e.statusName() + ")");
            }
        }
    }
}
