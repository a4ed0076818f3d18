// Tests of the C# binding: every area of the C ABI, UTF-8, errors with status
// and message, SafeHandle disposal, and 1,000 concurrent failing calls from
// async tasks (awaits before and after each call) that each must get their own
// message. A console program (no test framework): exits 1 on the first failed check.
//
//   mcs -langversion:7 -warnaserror -out:tests.exe bindings/csharp/Ciclo/*.cs bindings/csharp/tests/Tests.cs
//   LD_LIBRARY_PATH=target/debug mono tests.exe
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Ciclo;

internal static class Tests
{
    private static int checks;

    private static void Check(bool condition, string what)
    {
        checks++;
        if (!condition)
        {
            throw new Exception("check failed: " + what);
        }
    }

    private static CicloException ExpectError(Status status, Action body)
    {
        try
        {
            body();
        }
        catch (CicloException e)
        {
            Check(e.Status == status, "expected " + status + ", got " + e.Message);
            return e;
        }
        throw new Exception("expected " + status + ", got no error");
    }

    // 2026-01-01T00:00:00Z plus n days, in milliseconds since the epoch.
    private static long Day(long n)
    {
        return (1767225600L + n * 86400L) * 1000L;
    }

    private const long April3 = 1775217600000L;

    private static int Main()
    {
        try
        {
            Check(Api.Version().Split('.').Length == 3, "version");
            Check(Api.AbiVersion() == 2, "abi version");
            Lifecycle();
            StatelessModel();
            Standardize();
            Consolidation();
            Listing();
            Retention();
            ChangeFeed();
            ConcurrentErrorsFromAsyncTasks().GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Console.Error.WriteLine(e);
            return 1;
        }
        Console.WriteLine("bindings/csharp: " + checks + " checks passed");
        return 0;
    }

    private static void Lifecycle()
    {
        using (var engine = new Engine())
        {
            Check(engine.StageCount() == 6, "six stages");
            Check(engine.StageName(0) == "awareness", "first stage");
            ExpectError(Status.OutOfRange, () => engine.StageName(99));

            string output = engine.ApplyJson("{\"id\":\"e1\",\"customer\":\"maría\",\"at\":\"2026-01-03T14:00:00Z\",\"kind\":\"visit\"}");
            Check(output.Contains("\"created\":true") && output.Contains("\"customer\":\"maría\""), output);
            engine.ApplyJson("{\"id\":\"e2\",\"customer\":\"maría\",\"at\":\"2026-01-05T10:00:00Z\",\"kind\":\"contact_captured\"}");
            engine.ApplyJson("{\"id\":\"e3\",\"customer\":\"maría\",\"at\":\"2026-01-09T18:00:00Z\",\"kind\":\"demo_requested\"}");
            string purchase = "{\"id\":\"e4\",\"customer\":\"maría\",\"at\":\"2026-01-12T11:00:00Z\",\"kind\":\"purchase\",\"amount\":8999000,\"currency\":\"ARS\",\"category\":\"electrónica\"}";
            output = engine.ApplyJson(purchase);
            Check(output.Contains("\"stage\":\"conversion\"") && output.Contains("\"rule\":\"first_purchase\""), output);
            Check(engine.ApplyJson(purchase).Contains("\"applied\":\"duplicate\""), "duplicate");

            Outcome o = default(Outcome);
            for (int i = 0; i < 4; i++)
            {
                o = engine.Apply(new Event
                {
                    CustomerId = "lucía",
                    EventId = "lg-" + i,
                    AtMs = Day(10 * i),
                    Kind = EventKind.Purchase,
                    AmountMinor = 2100000,
                    Currency = "ARS",
                    Category = "moda",
                });
                if (i == 0)
                {
                    Check(o.Created && o.Transitioned, "created and moved");
                    Check(engine.StageName(o.FromStage) == "awareness", "from awareness");
                    Check(engine.RuleName(o.Rule) == "first_purchase", "rule");
                }
            }
            Check(engine.StageName(o.Stage) == "growth" && !o.Duplicate, "growth");
            Check(engine.CustomerJson("lucía").Contains("\"customer\":\"lucía\""), "struct strings are UTF-8");
            engine.Apply(new Event { CustomerId = "jm", AtMs = Day(2), Kind = EventKind.Survey, Score = 9.0 });
            ExpectError(Status.InvalidArgument, () => engine.Apply(new Event { CustomerId = "jm", AtMs = Day(3), Kind = EventKind.Survey }));

            var stage = engine.CustomerStage("lucía");
            Check(engine.StageName(stage.Item1) == "growth" && stage.Item2 == Day(10), "stage since");
            Check(engine.CustomerCount() == 3, "three customers");
            Check(engine.TickReportJson(Day(90)).Contains("\"rule\":\"lapsed\""), "lapsed");
            Check(engine.Tick(Day(91)) == 0, "nothing more");
            Check(engine.ModelJson().Contains("awareness"), "model json");

            var e = ExpectError(Status.OutOfOrder, () => engine.ApplyJson("{\"customer\":\"maría\",\"at\":\"2025-12-01T00:00:00Z\",\"kind\":\"visit\"}"));
            Check(e.ErrorMessage.Contains("maría"), e.ErrorMessage);
            Check(e.Message == "CICLO_STATUS_OUT_OF_ORDER: " + e.ErrorMessage, e.Message);
            Check(e.StatusName == "CICLO_STATUS_OUT_OF_ORDER", e.StatusName);
            ExpectError(Status.InvalidJson, () => engine.ApplyJson("{\"customer\":"));
            ExpectError(Status.NullArgument, () => engine.ApplyJson(null));
            ExpectError(Status.NotFound, () => engine.CustomerJson("nadie"));

            // A string with a NUL is refused, not cut short by the marshaller:
            // erasing "jm\0x" must not erase jm (as an argument and in the event struct).
            foreach (Action body in new Action[] {
                () => engine.RemoveCustomer("jm\0x"),
                () => engine.CustomerJson("jm\0x"),
                () => engine.Apply(new Event { CustomerId = "jm\0x", AtMs = Day(20), Kind = EventKind.Visit }),
                () => Api.PhoneNormalize("+54 9 11 2345-6789\0", null) })
            {
                try
                {
                    body();
                    throw new Exception("a string with a NUL was accepted");
                }
                catch (ArgumentException expected)
                {
                    Check(expected.Message.Contains("NUL character at"), expected.Message);
                }
            }
            Check(engine.CustomerJson("jm").Contains("\"customer\":\"jm\""), "jm kept");
            ExpectError(Status.UnknownStage, () => new Engine("{\"name\":\"x\",\"stages\":[{\"name\":\"a\"}],\"rules\":[{\"name\":\"r\",\"to\":\"b\",\"on\":\"tick\"}]}"));

            string state = engine.CustomerStateJson("jm");
            engine.RemoveCustomer("jm");
            ExpectError(Status.NotFound, () => engine.CustomerJson("jm"));
            engine.ImportCustomer("jm", state);
            ExpectError(Status.Conflict, () => engine.ImportCustomer("jm", state));

            engine.SetLimitsJson("{\"event_json_bytes\": 64}");
            Check(engine.LimitsJson().Contains("\"event_json_bytes\":64"), "limits");
            ExpectError(Status.InvalidArgument, () => engine.ApplyJson("{\"customer\":\"maría\",\"at\":\"2026-03-01T00:00:00Z\",\"kind\":\"visit\",\"category\":\"a long category name\"}"));
            engine.SetLimitsJson("{}");

            byte[] snapshot = engine.Snapshot();
            using (var restored = Engine.Restore(snapshot))
            {
                Check(restored.CustomerCount() == engine.CustomerCount(), "restored count");
                Check(restored.CustomerJson("maría") == engine.CustomerJson("maría"), "restored state");
            }
            snapshot[snapshot.Length / 2] ^= 0x40;
            ExpectError(Status.CorruptSnapshot, () => Engine.Restore(snapshot));
            ExpectError(Status.CorruptSnapshot, () => Engine.Restore(new byte[0]));
        }

        var closed = new Engine();
        closed.Dispose();
        closed.Dispose();
        bool refused = false;
        try
        {
            closed.CustomerCount();
        }
        catch (ObjectDisposedException)
        {
            refused = true;
        }
        Check(refused, "a disposed engine refuses calls");
    }

    private static void StatelessModel()
    {
        using (var model = new Model("{\"preset\":\"five_stage\"}"))
        {
            var first = model.StepJson(null, "{\"customer\":\"c-9\",\"at\":\"2026-03-01T10:00:00Z\",\"kind\":\"purchase\",\"amount\":99000,\"currency\":\"EUR\"}");
            Check(first.Json.Contains("\"stage\":\"first_purchase\""), first.Json);
            var second = model.StepJson(first.StateJson, "{\"customer\":\"c-9\",\"at\":\"2026-03-04T10:00:00Z\",\"kind\":\"delivery\"}");
            var ticked = model.TickJson(second.StateJson, (1772618400L + 40 * 86400L) * 1000L);
            Check(ticked.Json.Contains("\"transitions\""), ticked.Json);
            ExpectError(Status.InvalidJson, () => model.StepJson("{", "{\"customer\":\"c\"}"));
        }
        ExpectError(Status.InvalidConfig, () => new Model("{\"preset\":\"nine_stage\"}"));
    }

    private static void Standardize()
    {
        Check(Api.PhoneNormalize("011 15-2345-6789", "AR") == "+5491123456789", "phone");
        Check(Api.PhoneNormalize("+54 9 11 2345-6789") == "+5491123456789", "phone without region");
        var e = ExpectError(Status.InvalidValue, () => Api.PhoneNormalize("0341-6", "AR"));
        Check(e.ErrorMessage.Contains("phone."), e.ErrorMessage);
        Check(Api.IdNormalize("ar_cuit", "20123456786") == "20-12345678-6", "cuit");
        ExpectError(Status.InvalidValue, () => Api.IdNormalize("ar_cuit", "20123456780"));
        string record = Api.RecordStandardizeJson(
            "{\"given_name\": \"maría  josé\", \"surname\": \"FERNÁNDEZ\", \"phone\": \"011 15-2345-6789\"}",
            "{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}");
        Check(record.Contains("\"given_name\":\"María José\"") && record.Contains("\"surname\":\"Fernández\""), record);
        Check(record.Contains("\"valid\":true"), record);
        ExpectError(Status.UnknownField, () => Api.RecordStandardizeJson("{\"nombre\":\"x\"}"));
        e = ExpectError(Status.NotFound, () => new Engine().CustomerJson("Ñandú"));
        Check(e.ErrorMessage == "customer `Ñandú` not found", "messages are read as UTF-8: " + e.ErrorMessage);
        Check(Api.RecordBlockingKeysJson("{\"given_name\": \"Pepe\", \"surname\": \"González\", \"email\": \"Pepe.Gonzalez@gmail.com\"}")
            .Contains("email:pepegonzalez@gmail.com"), "blocking keys");
        Check(Api.RecordsScoreJson("{\"given_name\": \"Pepe\", \"surname\": \"González\", \"national_id\": \"20-12345678-6\"}",
            "{\"given_name\": \"José\", \"surname\": \"Gonzalez\", \"national_id\": \"12.345.678\"}",
            "{\"default_country\": \"AR\"}").Contains("\"decision\""), "score");
    }

    private static void Consolidation()
    {
        using (var engine = new Engine())
        {
            engine.ConfigureConsolidation("{\"default_country\": \"AR\"}");
            Check(engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\", \"record\": "
                + "{\"given_name\": \"José Luis\", \"surname\": \"García Pérez\", \"email\": \"jose.garcia@gmail.com\", "
                + "\"national_id\": \"20-12345678-6\", \"birth_date\": \"09/01/1986\"}}").Contains("\"decision\":\"new\""), "new");
            Check(engine.IngestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": {\"given_name\": \"Pepe\", "
                + "\"surname\": \"GARCIA\", \"email\": \"josegarcia@gmail.com\", \"national_id\": \"12.345.678\"}}")
                .Contains("\"decision\":\"merged\""), "merged");
            Check(engine.GoldenOf("erp", "000233") == "G1", "golden of");
            Check(engine.GoldenJson("G1").Contains("\"given_name\":\"José Luis\""), "golden json");
            engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-2001\", \"record\": {\"given_name\": \"Lucía\", \"surname\": \"Gómez\"}}");
            Check(engine.Merge("G1", "G2") == "G1", "merge");
            Check(engine.Unmerge("crm", "C-2001") == "G2", "unmerge");
            ExpectError(Status.Conflict, () => engine.Unmerge("crm", "C-2001"));
            engine.Link("household", "G1", "G2");
            Check(engine.HierarchyJson("household", "G2").Contains("\"parent\":\"G1\""), "hierarchy");
            Check(engine.RollUpJson("household", "G1").Contains("\"root\":\"G1\""), "roll up");
            ExpectError(Status.Conflict, () => engine.Link("household", "G2", "G1"));
            engine.Unlink("household", "G1", "G2");
            Check(engine.ReviewsJson() == "[]", "no reviews");
            ExpectError(Status.NotFound, () => engine.DismissReview("crm", "C-1042"));
            engine.SetMatchModelJson(engine.MatchModelJson());
            Check(engine.EstimateModelJson("{\"u_sample\": 100}").Contains("\"estimate\""), "estimate");
            Check(engine.RemoveSource("erp", "000233").Contains("\"erased\":false"), "remove source");
            engine.RemoveCustomer("G1");
            ExpectError(Status.NotFound, () => engine.GoldenJson("G1"));
            ExpectError(Status.NotFound, () => engine.GoldenOf("crm", "C-1042"));
        }
        string records = "{\"id\": \"r1\", \"given_name\": \"María José\", \"surname\": \"Fernández\", \"email\": \"mjf@gmail.com\", \"birth_date\": \"1990-04-02\"}\n"
            + "{\"id\": \"r2\", \"given_name\": \"Maria Jose\", \"surname\": \"FERNANDEZ\", \"email\": \"m.j.f@gmail.com\", \"birth_date\": \"02/04/1990\"}\n"
            + "{\"id\": \"r3\", \"given_name\": \"Mariano\", \"surname\": \"Fernández\", \"email\": \"mariano@yahoo.com\"}\n";
        var steps = new List<string>();
        string batch = Api.DedupJson(records, "{\"default_country\": \"AR\", \"today\": \"2026-11-23\"}", (step, done, total) => steps.Add(step));
        Check(batch.Contains("\"golden\":[\"r1\",\"r1\",\"r3\"]"), batch);
        Check(steps.Contains("standardize"), "progress steps");
        bool thrown = false;
        try
        {
            Api.DedupJson(records, null, (step, done, total) => { throw new InvalidOperationException("stop"); });
        }
        catch (InvalidOperationException ex)
        {
            thrown = ex.Message == "stop";
        }
        Check(thrown, "the listener's exception comes back");
        ExpectError(Status.InvalidArgument, () => Api.DedupJson("{\"surname\": \"Paz\"}\n"));
    }

    private static void Retention()
    {
        using (var engine = new Engine())
        {
            string[] events =
            {
                "{\"customer\": \"ana\", \"at\": \"2026-01-05T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-01-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-02-05T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-02-10T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000000, \"currency\": \"ARS\"}",
                "{\"customer\": \"beto\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"cancellation\", \"reason\": \"precio\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\", \"kind\": \"complaint\"}",
                "{\"customer\": \"ana\", \"at\": \"2026-04-02T10:00:00Z\", \"kind\": \"complaint\"}",
            };
            foreach (string e in events)
            {
                engine.ApplyJson(e);
            }
            engine.SetRetentionJson("{\"rules\": [{\"name\": \"complaint_callback\", \"action\": \"call_back\", \"priority\": 95, "
                + "\"cooldown_days\": 14, \"when\": {\"signal\": \"complaints_in_window\", \"op\": \">=\", \"value\": 2}}]}");
            Check(engine.RetentionJson().Contains("complaint_callback"), "retention json");
            Check(engine.EvaluateJson(null, April3).Contains("\"rule\":\"complaint_callback\""), "firing");
            Check(engine.EvaluateJson("ana", April3 + 86400000L) == "{\"firings\":[]}", "cooldown");
            Check(engine.SignalsJson("ana", April3).Contains("\"complaints_in_window\":2.0"), "signals");
            Check(engine.ChurnJson("ana", April3).Contains("\"parts\""), "churn");
            Check(engine.WinBackJson(April3).Contains("\"customer\":\"beto\""), "win back");
            Check(engine.WinBackJson(April3, 0).Contains("\"candidates\":[]"), "win back limit");
            engine.RecordWinBack("beto", April3, true);
            Check(engine.WinBackStatsJson().Contains("\"won\":1"), "stats");
            ExpectError(Status.NotFound, () => engine.EvaluateJson("nobody", April3));
            var err = ExpectError(Status.InvalidArgument, () => engine.FitModelsJson(April3, "{\"currency\": \"EUR\"}")); // nobody pays in euros
            Check(err.ErrorMessage.Contains("customers"), err.ErrorMessage);
            engine.SetRetentionJson(null);
            Check(engine.RetentionJson().Contains("discontent"), "defaults");
        }
        string population = "{\"customers\": ["
            + "{\"id\": \"c01\", \"frequency\": 2, \"recency\": 30.43, \"T\": 38.86, \"monetary_value\": 22.35},"
            + "{\"id\": \"c02\", \"frequency\": 1, \"recency\": 1.71, \"T\": 38.86, \"monetary_value\": 11.77},"
            + "{\"id\": \"c03\", \"frequency\": 0, \"recency\": 0, \"T\": 38.86, \"monetary_value\": 0},"
            + "{\"id\": \"c04\", \"frequency\": 7, \"recency\": 29.43, \"T\": 38.86, \"monetary_value\": 73.74},"
            + "{\"id\": \"c05\", \"frequency\": 1, \"recency\": 5, \"T\": 38.86, \"monetary_value\": 11.77},"
            + "{\"id\": \"c06\", \"frequency\": 0, \"recency\": 0, \"T\": 38.29, \"monetary_value\": 0},"
            + "{\"id\": \"c07\", \"frequency\": 2, \"recency\": 35.71, \"T\": 38.86, \"monetary_value\": 25.55},"
            + "{\"id\": \"c08\", \"frequency\": 5, \"recency\": 24.29, \"T\": 38.29, \"monetary_value\": 30.01}]}";
        string models = Api.ModelsFitJson(population, "{\"penalizer\": 0.001}");
        Check(models.Contains("\"bgnbd\""), models);
        Check(Api.ModelsPredictJson(models, population).Contains("\"p_alive\""), "predict");
        ExpectError(Status.InvalidArgument, () => Api.ModelsFitJson("{\"customers\": []}"));
    }

    private const int Calls = 1000;

    // 1,000 async tasks, each awaiting before and after a failing call with its
    // own customer id (so continuations hop between thread-pool threads): every
    // error must carry the message of its own call. Then the control: raw calls
    // with an await between the failed call and reading the message.
    private static async Task ConcurrentErrorsFromAsyncTasks()
    {
        using (var engine = new Engine())
        {
            var start = new TaskCompletionSource<bool>();
            Func<int, Task<bool>> one = async i =>
            {
                await start.Task.ConfigureAwait(false);
                string id = "missing-" + i;
                bool right = true;
                for (int round = 0; round < 3; round++)
                {
                    await Task.Yield();
                    try
                    {
                        engine.CustomerJson(id);
                        right = false;
                    }
                    catch (CicloException e)
                    {
                        right &= e.Status == Status.NotFound && e.ErrorMessage == "customer `" + id + "` not found";
                    }
                    await Task.Delay(1).ConfigureAwait(false);
                }
                return right;
            };
            var tasks = Enumerable.Range(0, Calls).Select(one).ToArray();
            start.SetResult(true);
            bool[] results = await Task.WhenAll(tasks).ConfigureAwait(false);
            int wrong = results.Count(r => !r);
            Check(wrong == 0, wrong + " of " + Calls + " tasks got another call's message");

            // The control: what hand-written code did.
            var go = new TaskCompletionSource<bool>();
            Func<int, Task<bool>> naive = async i =>
            {
                await go.Task.ConfigureAwait(false);
                string id = "missing-" + i;
                IntPtr ignored;
                int status = Native.ciclo_engine_customer_json(engine.Handle, id, out ignored);
                await Task.Delay(1).ConfigureAwait(false); // an await before reading the message
                string message = Native.Utf8(Native.ciclo_last_error_message());
                return status == (int)Status.NotFound && message == "customer `" + id + "` not found";
            };
            var naiveTasks = Enumerable.Range(0, Calls).Select(naive).ToArray();
            go.SetResult(true);
            bool[] naiveResults = await Task.WhenAll(naiveTasks).ConfigureAwait(false);
            int mixed = naiveResults.Count(r => !r);
            Console.WriteLine("control: with an await between the failed call and reading the message, "
                + mixed + " of " + Calls + " tasks read another call's message");
            Check(mixed > 0, "the control shows the hazard the test guards against");
        }
    }

    // Seven golden customers with a visit each, paged three at a time.
    private static void Listing()
    {
        string[] names = {"Ana", "Bruno", "Carla", "Diego", "Elena", "Fabio", "Gina"};
        string[] surnames = {"Pérez", "Quiroga", "Ramos", "Sosa", "Torres", "Ugarte", "Vidal"};
        using (var engine = new Engine())
        {
            for (int i = 0; i < 7; i++)
            {
                engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-" + i + "\", \"record\": {\"given_name\": \""
                    + names[i] + "\", \"surname\": \"" + surnames[i] + "\"}}");
                engine.ApplyJson("{\"customer\": \"G" + (i + 1) + "\", \"at\": \"2026-01-02T00:00:00Z\", \"kind\": \"visit\"}");
            }
            var expected = new List<string> { "G1", "G2", "G3", "G4", "G5", "G6", "G7" };
            Check(AllPages(cursor => engine.ListCustomersJson(cursor, 3)).SequenceEqual(expected), "customers paged");
            Check(AllPages(cursor => engine.ListGoldenIdsJson(cursor, 3)).SequenceEqual(expected), "golden ids paged");
            string sources = engine.ListSourcesJson("G1", null, 3);
            Check(sources.Contains("\"items\":[{\"id\":\"C-0\",\"system\":\"crm\"}]") && sources.Contains("\"next_cursor\":null"), sources);
            Check(engine.ListReviewsJson(null, 3) == "{\"items\":[],\"next_cursor\":null}", "no reviews");
            ExpectError(Status.InvalidArgument, () => engine.ListCustomersJson(null, 0));
            ExpectError(Status.NotFound, () => engine.ListSourcesJson("G99", null, 3));
            var lead = engine.LeadScore("G1", 1767312000000L); // one visit: 2 points
            Check(lead.Item1 == 2.0 && !lead.Item2, "lead score " + lead);
            ExpectError(Status.NotFound, () => engine.LeadScore("nadie", 1767312000000L));
            string counts = engine.StageCountsJson();
            Check(counts.StartsWith("{\"customers\":7,\"stages\":[{\"customers\":7,\"stage\":\"awareness\"}", StringComparison.Ordinal), counts);
        }
    }

    // Every item of every page, following next_cursor from null to null; an item seen twice fails.
    private static List<string> AllPages(Func<string, string> page)
    {
        var all = new List<string>();
        string cursor = null;
        for (int pages = 0; pages < 100; pages++)
        {
            string json = page(cursor);
            var items = System.Text.RegularExpressions.Regex.Match(json, "\"items\":\\[([^\\]]*)\\]");
            Check(items.Success, json);
            foreach (System.Text.RegularExpressions.Match item in System.Text.RegularExpressions.Regex.Matches(items.Groups[1].Value, "\"([^\"]*)\""))
            {
                Check(!all.Contains(item.Groups[1].Value), "seen twice: " + item.Groups[1].Value);
                all.Add(item.Groups[1].Value);
            }
            var next = System.Text.RegularExpressions.Regex.Match(json, "\"next_cursor\":(null|\"([^\"]*)\")");
            Check(next.Success, json);
            if (!next.Groups[2].Success)
            {
                return all;
            }
            cursor = next.Groups[2].Value;
        }
        throw new Exception("more than 100 pages");
    }

    // --- the change feed ---------------------------------------------------

    // The seq and type of each change in a page or a batch: {"seq":7,"type":"stage_moved",...}.
    private static readonly System.Text.RegularExpressions.Regex ChangePattern =
        new System.Text.RegularExpressions.Regex("\\{\"seq\":(\\d+),\"type\":\"([a-z_]+)\"");

    private static List<Tuple<ulong, string>> ParseChanges(string json)
    {
        var result = new List<Tuple<ulong, string>>();
        foreach (System.Text.RegularExpressions.Match m in ChangePattern.Matches(json))
        {
            result.Add(Tuple.Create(ulong.Parse(m.Groups[1].Value), m.Groups[2].Value));
        }
        return result;
    }

    private static ulong NumberAfter(string json, string key)
    {
        var m = System.Text.RegularExpressions.Regex.Match(json, "\"" + key + "\":(\\d+)");
        Check(m.Success, "no " + key + " in " + json);
        return ulong.Parse(m.Groups[1].Value);
    }

    private static string Visit(string who, string at)
    {
        return "{\"customer\": \"" + who + "\", \"at\": \"" + at + "\", \"kind\": \"visit\"}";
    }

    private static void ChangeFeed()
    {
        using (var engine = new Engine())
        {
            engine.ApplyJson("{\"customer\": \"ana\", \"at\": \"2026-03-01T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 125000, \"currency\": \"ARS\"}");
            engine.ApplyJson(Visit("ana", "2026-03-02T10:00:00Z"));
            engine.ApplyJson("{\"customer\": \"ana\", \"at\": \"2026-04-01T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 99000, \"currency\": \"ARS\"}");
            engine.ConfigureConsolidation("{\"default_country\": \"AR\", \"customers_from_events\": true}");
            engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-1042\", \"updated\": \"2026-03-01T10:00:00Z\", \"record\": "
                + "{\"given_name\": \"José Luis\", \"surname\": \"García Pérez\", \"email\": \"jose.garcia@gmail.com\", \"national_id\": \"20-12345678-6\"}}");
            Check(engine.IngestJson("{\"system\": \"erp\", \"id\": \"000233\", \"record\": {\"given_name\": \"Pepe\", "
                + "\"surname\": \"GARCIA\", \"email\": \"josegarcia@gmail.com\", \"national_id\": \"12.345.678\"}}")
                .Contains("\"decision\":\"merged\""), "merged");
            engine.IngestJson("{\"system\": \"crm\", \"id\": \"C-2001\", \"record\": {\"given_name\": \"Lucía\", \"surname\": \"Gómez\"}}");
            Check(engine.Merge("G1", "G2") == "G1", "merge");

            // Polling from 0, two changes a page (more only to end with a whole call).
            var all = new List<Tuple<ulong, string>>();
            ulong after = 0;
            int pages = 0;
            while (true)
            {
                string page = engine.ChangesJson(after, 2);
                var got = ParseChanges(page);
                Check(got.Count > 0, "a page with changes: " + page);
                foreach (var c in got)
                {
                    Check(c.Item1 == (ulong)all.Count + 1, "numbers from 1, growing, no gap: " + page);
                    all.Add(c);
                }
                after = NumberAfter(page, "last_seq");
                Check(after == all[all.Count - 1].Item1, "last_seq");
                pages++;
                if (!page.Contains("\"more\":true"))
                {
                    Check(NumberAfter(page, "head_seq") == after, "head_seq");
                    break;
                }
            }
            Check(pages >= 3, "paged: " + pages);
            var types = new HashSet<string>(all.Select(c => c.Item2));
            foreach (var t in new[] { "customer_created", "stage_moved", "golden_created", "golden_updated", "source_added", "golden_merged" })
            {
                Check(types.Contains(t), "type " + t);
            }
            string empty = engine.ChangesJson(after, 10);
            Check(ParseChanges(empty).Count == 0 && empty.Contains("\"more\":false"), empty);

            // The listener from where the poll ended: the changes of further calls.
            var batches = new List<Tuple<ulong, ulong>>();
            var given = new List<Tuple<ulong, string>>();
            long customersInside = 0;
            engine.SetChangeCallback(after, (first, last, json) =>
            {
                batches.Add(Tuple.Create(first, last));
                given.AddRange(ParseChanges(json));
                customersInside = engine.CustomerCount(); // calling the engine from inside is allowed
            });
            Check(batches.Count == 0, "nothing after the poll yet");
            engine.ApplyJson("{\"customer\": \"beto\", \"at\": \"2026-04-02T10:00:00Z\", \"kind\": \"purchase\", \"amount\": 5000, \"currency\": \"ARS\"}");
            Check(batches.Count == 1 && batches[0].Item1 == after + 1, "first batch");
            Check(customersInside == 2, "customer count from inside");
            engine.RemoveCustomer("G1"); // an erasure: ids only
            engine.ApplyJson(Visit("beto", "2026-04-03T10:00:00Z")); // moves nobody: no change
            Check(batches.Count == 2, "two batches: " + batches.Count);
            for (int i = 0; i < given.Count; i++)
            {
                Check(given[i].Item1 == after + 1 + (ulong)i, "listener numbers in order");
            }
            Check(batches[1].Item1 == batches[0].Item2 + 1, "batches follow each other");
            var givenTypes = new HashSet<string>(given.Select(c => c.Item2));
            Check(givenTypes.Contains("customer_created") && givenTypes.Contains("erased"), "types given");
            ulong head = given[given.Count - 1].Item1;

            // Registered from 0: every change kept, given from inside the call.
            var replay = new List<Tuple<ulong, string>>();
            engine.SetChangeCallback(0, (first, last, json) => replay.AddRange(ParseChanges(json)));
            Check((ulong)replay.Count == head && replay[replay.Count - 1].Item1 == head, "replay");

            // A listener that throws: the exception comes out of the call that
            // delivered (which did succeed), once; it gets nothing more.
            int calls = 0;
            engine.SetChangeCallback(head, (first, last, json) =>
            {
                calls++;
                throw new ArgumentException("sink down");
            });
            bool thrown = false;
            try
            {
                engine.ApplyJson(Visit("carla", "2026-04-04T10:00:00Z"));
            }
            catch (ArgumentException e)
            {
                thrown = e.Message == "sink down";
            }
            Check(thrown && calls == 1, "the listener's exception comes back");
            Check(engine.CustomerStage("carla").Item1 == 0, "the event was applied");
            engine.ApplyJson(Visit("dora", "2026-04-04T10:00:00Z"));
            Check(calls == 1, "a listener that threw gets nothing more");

            // Replaced from inside itself, then removed: nothing more is given.
            int inner = 0;
            engine.SetChangeCallback(0, (first, last, json) => engine.SetChangeCallback(0, (f, l, j) => inner++));
            Check(inner > 0, "the new one was given the changes kept, once set");
            int beforeEva = inner;
            engine.ApplyJson(Visit("eva", "2026-04-05T10:00:00Z"));
            Check(inner == beforeEva + 1, "the listener set from inside");
            engine.SetChangeCallback(0, null);
            int beforeRemoval = inner;
            engine.ApplyJson(Visit("fede", "2026-04-05T10:00:00Z"));
            Check(inner == beforeRemoval, "removed");

            // Retention: keep 3 changes; reading from 0 is ChangesDropped.
            Check(engine.ChangeRetentionJson() == "{\"max_age_ms\":null,\"max_changes\":100000}", engine.ChangeRetentionJson());
            ulong beforeRetention = NumberAfter(engine.ChangesJson(0, 0), "head_seq");
            engine.SetChangeRetentionJson("{\"max_changes\": 3}");
            Check(engine.ChangeRetentionJson() == "{\"max_age_ms\":null,\"max_changes\":3}", engine.ChangeRetentionJson());
            foreach (var who in new[] { "g1", "g2", "g3", "g4" })
            {
                engine.ApplyJson(Visit(who, "2026-04-06T10:00:00Z"));
            }
            string bounds = engine.ChangesJson(beforeRetention + 4, 0); // a visit of a new customer: one change
            ulong oldest = NumberAfter(bounds, "oldest_seq");
            ulong newest = NumberAfter(bounds, "head_seq");
            Check(newest - oldest + 1 == 3, "three kept: " + bounds);
            var dropped = ExpectError(Status.ChangesDropped, () => engine.ChangesJson(0, 10));
            Check(dropped.StatusName == "CICLO_STATUS_CHANGES_DROPPED", dropped.StatusName);
            Check(dropped.ErrorMessage.Contains("the oldest change the feed keeps is " + oldest), dropped.ErrorMessage);
            Check(ParseChanges(engine.ChangesJson(oldest - 1, 10)).Count == 3, "the three kept");
            ExpectError(Status.ChangesDropped, () => engine.SetChangeCallback(0, (f, l, j) => { }));
            Check(ExpectError(Status.InvalidArgument, () => engine.ChangesJson(newest + 1, 10)).ErrorMessage.Contains("after_seq"), "after_seq named");
            Check(ExpectError(Status.InvalidConfig, () => engine.SetChangeRetentionJson("{\"max_changes\": 100000001}")).ErrorMessage.Contains("max_changes"), "max_changes named");
            ExpectError(Status.UnknownField, () => engine.SetChangeRetentionJson("{\"max\": 3}"));
            ExpectError(Status.InvalidJson, () => engine.SetChangeRetentionJson("{"));
            engine.SetChangeRetentionJson("{}");
            Check(engine.ChangeRetentionJson().Contains("\"max_changes\":100000"), "default again");

            // Eight threads apply events; the listener gets every change once, in order.
            var seqs = new List<ulong>();
            engine.SetChangeCallback(newest, (first, last, json) =>
            {
                lock (seqs)
                {
                    seqs.AddRange(ParseChanges(json).Select(c => c.Item1));
                }
            });
            var threads = new List<Thread>();
            for (int t = 0; t < 8; t++)
            {
                int tt = t;
                threads.Add(new Thread(() =>
                {
                    for (int i = 0; i < 25; i++)
                    {
                        engine.ApplyJson(Visit("t" + tt + "-" + i, "2026-04-07T10:00:00Z"));
                    }
                }));
            }
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Check(seqs.Count == 200, "every change once: " + seqs.Count);
            for (int i = 0; i < seqs.Count; i++)
            {
                Check(seqs[i] == newest + 1 + (ulong)i, "in order");
            }

            // Disposing from inside the listener is refused (ciclo_engine_free is not allowed there).
            bool disposeRefused = false;
            engine.SetChangeCallback(newest + 200, (first, last, json) =>
            {
                try
                {
                    engine.Dispose();
                }
                catch (InvalidOperationException)
                {
                    disposeRefused = true;
                }
            });
            engine.ApplyJson(Visit("h1", "2026-04-08T10:00:00Z"));
            Check(disposeRefused, "dispose from inside the listener refused");
            // Disposed with a listener registered: released after the engine.
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}
