using Microsoft.Extensions.Options;

namespace CreditCheck.Stores;

/// <summary>Checks that the folders and files the in-memory store is told to read exist.</summary>
internal sealed class InMemoryStoreOptionsValidator : IValidateOptions<InMemoryStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, InMemoryStoreOptions options)
    {
        var failures = new List<string>();
        if (options.DataDirectory is { } directory && !Directory.Exists(directory))
        {
            failures.Add($"InMemoryStoreOptions.DataDirectory '{Path.GetFullPath(directory)}' does not exist.");
        }

        if (options.CatalogPath is { } catalog && !File.Exists(catalog))
        {
            failures.Add($"InMemoryStoreOptions.CatalogPath '{Path.GetFullPath(catalog)}' does not exist.");
        }

        if (!Enum.IsDefined(options.IdentifierMode))
        {
            failures.Add($"InMemoryStoreOptions.IdentifierMode {(int)options.IdentifierMode} is not Strict or LenientCheckCharacter.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
