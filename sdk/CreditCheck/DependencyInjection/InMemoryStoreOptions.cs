using CreditCheck.Catalog;

namespace CreditCheck;

/// <summary>Options of the embedded in-memory store.</summary>
public sealed class InMemoryStoreOptions
{
    /// <summary>A folder to seed the store from at start: <c>catalog.json</c> (optional; otherwise
    /// <see cref="CatalogPath"/>, <see cref="Catalog"/> or the default catalog) and list files
    /// <c>*.csv</c> and <c>*.json</c>. A file named after a list code (<c>wage-arrears.csv</c>) may omit
    /// the list column. Default: none, an empty store.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Where the store keeps what it records — check counts, commitments and delivered feedback — so that a
    /// data folder of seed files (often one under version control, such as samples/data) is left untouched. Default:
    /// <c>DataDirectory/.creditcheck</c> when a data folder is set, else nothing is kept on disk.</summary>
    public string? StateDirectory { get; set; }

    /// <summary>A catalog file to use. Default: none.</summary>
    public string? CatalogPath { get; set; }

    /// <summary>A catalog to use, taking precedence over files. Default: none (the default catalog).</summary>
    public CreditCatalog? Catalog { get; set; }

    /// <summary>How identifiers in seed files are parsed. Default <see cref="SubjectIdParseMode.Strict"/>.</summary>
    public SubjectIdParseMode IdentifierMode { get; set; } = SubjectIdParseMode.Strict;

    /// <summary>The change sequence to continue from: a tool that saves the store's records and loads them again
    /// passes the <see cref="Stores.InMemoryCreditStore.Sequence"/> it saved, so that sequences (in decisions and evidence
    /// receipts) never go back between runs. Default 0.</summary>
    public long InitialSequence { get; set; }
}
