// ciclo from C#: a CRM's day with the P/Invoke binding (Mono or .NET 8).
//
// Standardises a customer typed at the point of entry, ingests the records two
// systems hold of one person (one golden customer), applies their events (JSON
// and the struct fast path), ticks the clock, evaluates the retention triggers,
// snapshots and restores the engine, erases the customer, and shows an error
// with its status and message. Copy it as a start.
//
//   mcs -out:example.exe bindings/csharp/Ciclo/*.cs bindings/csharp/example/Example.cs
//   LD_LIBRARY_PATH=target/debug mono example.exe
using System;
using Ciclo;

internal static class Example
{
    private static int Main()
    {
        Console.WriteLine("ciclo " + Api.Version());

        // Standardisation at the point of entry.
        Console.WriteLine("phone: " + Api.PhoneNormalize("011 15-2345-6789", "AR"));
        Console.WriteLine("CUIT:  " + Api.IdNormalize("ar_cuit", "20123456786"));
        Console.WriteLine("record: " + Api.RecordStandardizeJson(
            "{\"given_name\": \"maría josé\", \"surname\": \"FERNÁNDEZ\"}", "{\"default_country\": \"AR\"}"));

        // One engine, shared by the CRM's threads and tasks.
        using (var engine = new Engine())
        {
            engine.ConfigureConsolidation("{\"default_country\": \"AR\"}");
            engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"record\": {\"given_name\": \"José Luis\", "
                + "\"surname\": \"García Pérez\", \"national_id\": \"20-12345678-6\", \"email\": \"jose.garcia@gmail.com\"}}");
            Console.WriteLine("ingest: " + engine.IngestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": "
                + "{\"given_name\": \"Pepe\", \"surname\": \"GARCIA\", \"national_id\": \"12.345.678\", "
                + "\"email\": \"josegarcia@gmail.com\"}}"));
            string golden = engine.GoldenOf("erp", "000233");
            Console.WriteLine("golden record: " + engine.GoldenJson(golden));

            // Events: JSON, and the struct fast path.
            engine.ApplyJson("{\"customer\": \"" + golden + "\", \"at\": \"2026-01-12T11:00:00Z\", \"kind\": \"purchase\", "
                + "\"amount\": 8999000, \"currency\": \"ARS\"}");
            Outcome o = engine.Apply(new Event
            {
                CustomerId = golden,
                AtMs = 1769000000000L,
                Kind = EventKind.Purchase,
                AmountMinor = 1250000,
                Currency = "ARS",
                Category = "hogar",
            });
            Console.WriteLine("stage: " + engine.StageName(o.Stage));
            Console.WriteLine("tick: " + engine.Tick(1780000000000L) + " transitions");
            Console.WriteLine("triggers: " + engine.EvaluateJson(null, 1780000000000L));

            // Snapshot and restore.
            using (var restored = Engine.Restore(engine.Snapshot()))
            {
                Console.WriteLine("restored " + restored.CustomerCount() + " customers");
            }

            // The right to be forgotten.
            engine.RemoveCustomer(golden);
            try
            {
                engine.GoldenJson(golden);
            }
            catch (CicloException e)
            {
                Console.WriteLine("error: " + e.ErrorMessage + " (" + e.StatusName + ")");
                return e.Status == Status.NotFound ? 0 : 1;
            }
        }
        return 1;
    }
}
