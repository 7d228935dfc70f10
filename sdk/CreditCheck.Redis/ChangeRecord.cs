using System.Text.Json.Serialization;

namespace CreditCheck.Redis;

/// <summary>A record of the change log, as the scripts write it: <c>{"q":seq,"op":…}</c>.</summary>
/// <param name="Q">The sequence.</param>
/// <param name="Op"><c>entry</c>, <c>catalog</c> or <c>list</c>.</param>
/// <param name="L">The list, for entry and list changes.</param>
/// <param name="K">The subject's storage key, for entry changes.</param>
/// <param name="F">The subject's filter fingerprint (hex), for entry writes.</param>
/// <param name="V">The catalog version, for catalog changes.</param>
internal sealed record ChangeRecord(long Q, string? Op, string? L, string? K, string? F, string? V);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ChangeRecord))]
internal sealed partial class ChangeJsonContext : JsonSerializerContext;
