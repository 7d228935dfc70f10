using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CreditCheck.Benchmarks.Compare;

/// <summary>The table (Markdown, so it pastes into a note) and the flat JSON object.</summary>
internal static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Table(CompareHarness.Results r, int listed)
    {
        var table = new StringBuilder();
        table.AppendLine(Invariant, $"CreditCheck compare: {listed:N0} listed subjects, redis {Text(r, "redis_version")} ({Text(r, "redis_deployment")}), {Environment.ProcessorCount} cores, {Text(r, "runtime")}");
        table.AppendLine();
        table.AppendLine("| figure | SDK | naive (HGETALL per check) | SDK / naive | target (DESIGN §7) | met |");
        table.AppendLine("|---|---:|---:|---:|---|:-:|");

        var sdkClean = r.Get("clean_checks_per_sec_sdk");
        var naiveClean = r.Get("clean_checks_per_sec_naive");
        Row(table, "clean subject, checks/s on one thread", N(sdkClean), N(naiveClean), Times(sdkClean / naiveClean), "≥ 1,000,000/s", sdkClean >= 1_000_000);

        var bytes = r.Get("allocated_bytes_per_clean_check");
        Row(table, "clean subject, bytes allocated per check", N(bytes), N(r.Get("allocated_bytes_per_clean_check_naive")), string.Empty, "≤ 256 B", bytes <= 256);
        Row(table, "clean subject, embedded store, checks/s", N(r.Get("clean_checks_per_sec_inmemory")), string.Empty, string.Empty, string.Empty, null);
        Row(table, "clean subject incl. SubjectId.Parse, checks/s", N(r.Get("clean_checks_per_sec_sdk_with_parse")), string.Empty, string.Empty, string.Empty, null);

        var cached = r.Get("listed_cached_us_p50");
        Row(table, "listed subject, cached, p50 µs", F(cached, 2), string.Empty, string.Empty, "≤ 10 µs", cached <= 10);

        var cold = r.Get("listed_cold_us_p50");
        var roundTrip = r.Get("naive_roundtrip_us_p50");
        Row(table, "listed subject, Redis round trip, p50 µs", F(cold, 1), F(roundTrip, 1) + " (bare HGETALL)", F(cold / roundTrip, 2), "≤ 1.5 × bare round trip", cold <= 1.5 * roundTrip);
        Row(table, "listed subject, Redis round trip, p99 µs", F(r.Get("listed_cold_us_p99"), 1), F(r.Get("naive_roundtrip_us_p99"), 1), string.Empty, string.Empty, null);

        var batch = r.Get("batch10k_ms_sdk");
        var naiveBatch = r.Get("batch10k_ms_naive");
        Row(table, "10,000-subject batch (1 % listed), ms", F(batch, 2), F(naiveBatch, 1) + " (sequential)", $"{F(batch / naiveBatch, 4)} ({F(naiveBatch / batch, 0)}× faster)", "≤ 20 ms and ≥ 50× faster", batch <= 20 && naiveBatch / batch >= 50);
        var pipelined = r.Get("batch10k_ms_naive_pipelined");
        Row(table, "10,000-subject batch, naive pipelined, ms", string.Empty, F(pipelined, 1) + " (pipelined)", $"{F(batch / pipelined, 3)} ({F(pipelined / batch, 1)}× faster)", "≤ 4 ms and ≥ 6× faster (issue 11)", batch <= 4 && pipelined / batch >= 6);

        var p99 = r.Get("propagation_ms_p99");
        Row(table, $"change reaches all {N(r.Get("propagation_hosts"))} SDK instances, p50 / p99 ms", $"{F(r.Get("propagation_ms_p50"), 2)} / {F(p99, 2)}", string.Empty, string.Empty, "p99 ≤ 20 ms", p99 <= 20 && r.Get("propagation_timeouts") == 0);

        var filter = r.Get("filter_bytes_per_listed");
        Row(table, "local filter, bytes per listed subject", F(filter, 3), string.Empty, string.Empty, "≤ 2 B", filter <= 2);
        var fp = r.Get("filter_false_positive_rate");
        Row(table, "local filter, measured false-positive rate", (fp * 100).ToString("0.000", Invariant) + " %", string.Empty, string.Empty, "≤ 1 %", fp <= 0.01);

        var beyond = r.Get("sdk_heap_beyond_filter_and_instance_bytes_per_listed");
        Row(table, "host heap beyond the filter, bytes per listed subject (all of it / what grows with the lists)", $"{F(r.Get("sdk_heap_beyond_filter_bytes_per_listed"), 3)} / {F(beyond, 3)}", string.Empty, string.Empty, "≤ 4 B", beyond <= 4);
        var sync = r.Get("first_sync_seconds");
        Row(table, "first sync of one host, s", F(sync, 3), F(r.Get("bare_read_seconds"), 3) + " (bare GETRANGE of the filter sources)", F(r.Get("first_sync_over_bare_read"), 2), "≤ 5 s at 10,000,000 listed", sync <= 5);
        Row(table, r.Items.Any(i => i.Key == "redis_deployment" && i.Value is string d && d.StartsWith("cluster", StringComparison.Ordinal))
            ? "Redis memory per listed subject (INFO used_memory of the namespace's primary, replicas not counted), B"
            : "Redis memory per listed subject (INFO used_memory), B", N(r.Get("redis_bytes_per_listed")), string.Empty, string.Empty, string.Empty, null);

        var import = r.Get("import_rows_per_sec");
        Row(table, "import (RedisCreditPublisher.ImportListAsync), rows/s", N(import), string.Empty, string.Empty, "≥ 100,000 entries/s (CLI)", import >= 100_000);

        table.AppendLine();
        table.AppendLine("Where the time goes (p50):");
        table.AppendLine(Invariant, $"- listed, Redis round trip: SDK check {F(cold, 1)} µs = store lookup alone {F(r.Get("listed_cold_lookup_us_p50"), 1)} µs + decision; bare HGETALL of a never-seen subject {F(roundTrip, 1)} µs (of a key Redis has just served: {F(r.Get("naive_roundtrip_warm_us_p50"), 1)} µs); PING {F(r.Get("ping_us_p50"), 1)} µs");
        table.AppendLine(Invariant, $"- 10,000-subject batch: {F(batch, 2)} ms with 100 listed, {F(r.Get("batch10k_ms_sdk_all_clean"), 2)} ms all clean (no Redis read)");
        table.AppendLine(Invariant, $"- listed, cached: {N(r.Get("allocated_bytes_per_cached_check"))} B allocated per check; clean: {N(bytes)} B (embedded store {N(r.Get("allocated_bytes_per_clean_check_inmemory"))} B)");
        table.AppendLine(Invariant, $"- memory: one SDK instance on a namespace of one listed subject keeps {N(r.Get("sdk_fixed_heap_bytes"))} B (connection, catalog, DI); the measured instance +{N(r.Get("sdk_heap_growth_bytes"))} B after the first sync ({F(r.Get("sdk_heap_bytes_per_listed"), 3)} B per listed subject, the filter included), peak +{N(r.Get("first_sync_peak_heap_growth_bytes"))} B while it ran; Redis MEMORY USAGE per listed subject: its entry hash {N(r.Get("redis_entry_hash_bytes"))} B, list index {F(r.Get("redis_index_bytes_per_listed"), 1)} B, filter source {F(r.Get("redis_filter_source_bytes_per_listed"), 2)} B");
        table.AppendLine(Invariant, $"- propagation: each instance alone p99 {F(r.Get("propagation_host_ms_p99"), 2)} ms; the publisher's UpsertAsync call itself {F(r.Get("upsert_call_ms_p50"), 2)} ms; slowest sample {F(r.Get("propagation_ms_max"), 1)} ms; {N(r.Get("propagation_timeouts"))} timeouts (2 s); a bare PING in the same stage p99 {F(r.Get("propagation_stage_ping_ms_p99"), 2)} ms, max {F(r.Get("propagation_stage_ping_ms_max"), 1)} ms");
        return table.ToString();
    }

    public static void WriteJson(CompareHarness.Results r, string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        foreach (var (key, value) in r.Items)
        {
            switch (value)
            {
                case double d when double.IsFinite(d):
                    writer.WriteNumber(key, Math.Abs(d) >= 1000 || d == Math.Floor(d) ? Math.Round(d) : Math.Round(d, 6));
                    break;
                case double:
                    writer.WriteNull(key);
                    break;
                default:
                    writer.WriteString(key, value.ToString());
                    break;
            }
        }

        writer.WriteEndObject();
    }

    private static void Row(StringBuilder table, string figure, string sdk, string naive, string ratio, string target, bool? met) =>
        table.AppendLine(Invariant, $"| {figure} | {sdk} | {naive} | {ratio} | {target} | {(met is null ? string.Empty : met.Value ? "yes" : "**no**")} |");

    private static string N(double value) => double.IsFinite(value) ? value.ToString("N0", Invariant) : "n/a";

    private static string F(double value, int decimals) => double.IsFinite(value) ? value.ToString("N" + decimals.ToString(Invariant), Invariant) : "n/a";

    private static string Times(double value) => double.IsFinite(value) ? value.ToString("N0", Invariant) + "×" : "n/a";

    private static string Text(CompareHarness.Results r, string key) =>
        r.Items.FirstOrDefault(i => i.Key == key).Value?.ToString() ?? "?";
}
