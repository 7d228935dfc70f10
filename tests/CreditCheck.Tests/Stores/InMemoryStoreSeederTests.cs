using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static CreditCheck.Tests.Stores.StoreTestData;

namespace CreditCheck.Tests.Stores;

public sealed class InMemoryStoreSeederTests : IDisposable
{
    private const string Header = "list,kind,subject,name,reference,listedOn,validUntil,status,entryId";

    private readonly string _folder = Directory.CreateTempSubdirectory("creditcheck-seed-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The seeder leaves CSV files open (see Create_AfterSeeding_SeedFilesClosed); where open files
            // cannot be deleted, let the finalizers close them first.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Directory.Delete(_folder, recursive: true);
        }
    }

    private string Write(string fileName, string content)
    {
        var path = Path.Combine(_folder, fileName);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }

    private InMemoryCreditStore Seed(SubjectIdParseMode mode = SubjectIdParseMode.Strict) =>
        Seed(out _, mode);

    private InMemoryCreditStore Seed(out int files, SubjectIdParseMode mode = SubjectIdParseMode.Strict) =>
        InMemoryStoreSeeder.Create(new InMemoryStoreOptions { DataDirectory = _folder, IdentifierMode = mode }, out files);

    // ---- The sample data ---------------------------------------------------------------------

    [Fact]
    public async Task Create_SampleDataFolder_Loads278Entries()
    {
        var store = InMemoryStoreSeeder.Create(new InMemoryStoreOptions { DataDirectory = SampleData }, out var files);

        Assert.Equal(2, files);
        Assert.Equal(278, store.EntryCount);
        Assert.Same(CreditCatalog.Default, store.Catalog);
        var counts = store.CountByList();
        Assert.Equal(278, counts.Values.Sum());
        Assert.Equal(13, counts.Count(c => c.Value > 0));

        var debtor = await store.LookupAsync(SubjectId.Parse("91310115768487450W", SubjectKind.LegalEntity), Ct);
        Assert.Equal("court-dishonest-debtors", Assert.Single(debtor.Entries).Entry.ListCode);

        var related = await store.LookupAsync(SubjectId.Parse("310115197503096038", SubjectKind.NaturalPerson), Ct);
        var relatedEntry = Assert.Single(related.Entries).Entry;
        Assert.Equal(RelatedRole.LegalRepresentative, relatedEntry.RelatedTo?.Role);
        Assert.Equal("91310115768487450W", relatedEntry.RelatedTo?.EnterpriseCode);

        var redRed = await store.LookupAsync(SubjectId.Parse("91110105336900600J", SubjectKind.LegalEntity), Ct);
        Assert.Equal(["contract-honoring", "tax-grade-a"], redRed.Entries.Select(f => f.Entry.ListCode).Order(StringComparer.Ordinal));

        var fromJson = await store.LookupAsync(SubjectId.Parse("61011319620814837X", SubjectKind.NaturalPerson), Ct);
        Assert.Contains(fromJson.Entries, f => f.Entry.EntryId == "cdd-2025-0036");

        Assert.Empty((await store.LookupAsync(SubjectId.Parse("91110108MAWUCQ148A", SubjectKind.LegalEntity), Ct)).Entries);
    }

    [Fact]
    public async Task UseInMemory_SampleDataFolder_StoreAndPublisherAreTheSeededStore()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = SampleData);
        await using var provider = services.BuildServiceProvider();

        var store = provider.GetRequiredService<ICreditStore>();
        var publisher = provider.GetRequiredService<ICreditPublisher>();

        var memory = Assert.IsType<InMemoryCreditStore>(store);
        Assert.Same(memory, publisher);
        Assert.Same(memory, provider.GetRequiredService<InMemoryCreditStore>());
        Assert.Equal(278, memory.EntryCount);
    }

    [Fact]
    public async Task UseInMemory_NoDataDirectory_EmptyStoreThatPublisherFills()
    {
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory();
        await using var provider = services.BuildServiceProvider();

        var publisher = provider.GetRequiredService<ICreditPublisher>();
        await publisher.UpsertAsync(Record(Company, "wage-arrears", "wa-1"), Ct);

        var lookup = await provider.GetRequiredService<ICreditStore>().LookupAsync(Company, Ct);
        Assert.Single(lookup.Entries);
    }

    [Fact]
    public async Task UseInMemory_MissingDataDirectory_OptionsValidationFails()
    {
        var missing = Path.Combine(_folder, "missing");
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = missing);
        await using var provider = services.BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICreditStore>());

        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseInMemory_BadRowInDataDirectory_ResolvingStoreThrows()
    {
        Write("wage-arrears.csv", "统一社会信用代码,文号\n9144030071526726XA,文号1\n");
        var services = new ServiceCollection();
        services.AddCreditCheck().UseInMemory(o => o.DataDirectory = _folder);
        await using var provider = services.BuildServiceProvider();

        Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<ICreditStore>());
    }

    // ---- Catalog ----------------------------------------------------------------------------

    [Fact]
    public void Create_GbkCsvInTheFolder_RefusedAsNotUtf8_NotLoadedWithReplacementCharacters()
    {
        // Found from outside: a GBK export loaded with U+FFFD in its names, shown to clerks as such.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        File.WriteAllBytes(Path.Combine(_folder, "wage-arrears.csv"), Encoding.GetEncoding(936).GetBytes(
            Header + "\nwage-arrears,LegalEntity,9144030071526726XG,深圳市示例有限公司,深人社欠〔2024〕9号,2024-01-02,2099-12-31,Active,e-1\n"));

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains("wage-arrears.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("not UTF-8 text", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_NoDataDirectory_EmptyStoreWithDefaultCatalog()
    {
        var store = InMemoryStoreSeeder.Create(new InMemoryStoreOptions(), out var files);

        Assert.Equal(0, files);
        Assert.Equal(0, store.EntryCount);
        Assert.Same(CreditCatalog.Default, store.Catalog);
    }

    [Fact]
    public void Create_CatalogJsonInFolder_UsedAndNotReadAsList()
    {
        Write("catalog.json", ModifiedCatalog("folder-catalog").ToJson());
        Write("wage-arrears.csv", "统一社会信用代码,文号\n9144030071526726XG,文号1\n");

        var store = Seed(out var files);

        Assert.Equal("folder-catalog", store.Catalog.Version);
        Assert.Equal(1, files);
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public void Create_CatalogOption_TakesPrecedenceOverFolderCatalog()
    {
        Write("catalog.json", ModifiedCatalog("folder-catalog").ToJson());
        var given = ModifiedCatalog("given");

        var store = InMemoryStoreSeeder.Create(new InMemoryStoreOptions { DataDirectory = _folder, Catalog = given }, out _);

        Assert.Same(given, store.Catalog);
    }

    [Fact]
    public void Create_CatalogPath_UsedWithoutDataDirectory()
    {
        var path = Write("elsewhere.catalog", ModifiedCatalog("from-path").ToJson());

        var store = InMemoryStoreSeeder.Create(new InMemoryStoreOptions { CatalogPath = path }, out _);

        Assert.Equal("from-path", store.Catalog.Version);
    }

    // ---- List files -------------------------------------------------------------------------

    [Fact]
    public async Task Create_FilesNamedAfterLists_ListColumnOptional()
    {
        Write("wage-arrears.csv", "统一社会信用代码,名称,文号,列入日期,有效期至\n9144030071526726XG,示例有限公司,深人社欠〔2024〕1号,2024-01-02,2026年1月1日\n");
        Write("court-dishonest-debtors.json", """[ { "身份证号码": "11010519491231002X", "案号": "(2024)京0105执1号" } ]""");
        Write("abnormal-operations.csv", "list,subject,entryId\nabnormal-operations,91330100716105852F,ao-1\n");

        var store = Seed(out var files);

        Assert.Equal(3, files);
        Assert.Equal(3, store.EntryCount);
        var company = Assert.Single((await store.LookupAsync(Company, Ct)).Entries).Entry;
        Assert.Equal("wage-arrears", company.ListCode);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 0, 0, 0, China), company.ValidUntil);
        Assert.Equal("court-dishonest-debtors", Assert.Single((await store.LookupAsync(Person, Ct)).Entries).Entry.ListCode);
        Assert.Equal("abnormal-operations", Assert.Single((await store.LookupAsync(Company2, Ct)).Entries).Entry.ListCode);
    }

    [Fact]
    public async Task Create_FileWithListColumn_RowsGoToTheirLists()
    {
        Write("export.csv", Header + "\n"
            + "wage-arrears,LegalEntity,9144030071526726XG,示例,r1,2024-01-02,2027-01-01,Active,wa-1\n"
            + "tax-grade-a,LegalEntity,9144030071526726XG,示例,r2,2024-01-02,,Active,ta-1\n");

        var store = Seed();

        Assert.Equal(["tax-grade-a/ta-1", "wage-arrears/wa-1"], await EntryIdsAsync(store, Company));
    }

    [Fact]
    public void Create_OtherFilesInFolder_Ignored()
    {
        Write("README.md", "# notes");
        Write("notes.txt", "not a list");
        Write("wage-arrears.csv.bak", "garbage");
        Write("wage-arrears.csv", "统一社会信用代码,文号\n9144030071526726XG,文号1\n");

        var store = Seed(out var files);

        Assert.Equal(1, files);
        Assert.Equal(1, store.EntryCount);
    }

    [Fact]
    public void Create_EmptyFolder_EmptyStore()
    {
        var store = Seed(out var files);

        Assert.Equal(0, files);
        Assert.Equal(0, store.EntryCount);
    }

    [Fact]
    public void Create_NonConformingCheckCharacterInLenientMode_Loaded()
    {
        Write("wage-arrears.csv", "统一社会信用代码,文号\n9144030071526726XA,文号1\n");

        Assert.Throws<InvalidOperationException>(() => Seed(SubjectIdParseMode.Strict));
        Assert.Equal(1, Seed(SubjectIdParseMode.LenientCheckCharacter).EntryCount);
    }

    // ---- Bad rows ---------------------------------------------------------------------------

    [Fact]
    public void Create_OneBadRow_ThrowsNamingFileLineAndColumnAndLoadsNothing()
    {
        var path = Write("wage-arrears.csv", "统一社会信用代码,名称,文号\n"
            + "9144030071526726XG,示例一,文号1\n"
            + "91330100716105852X,示例二,文号2\n"
            + "914403001922038216,示例三,文号3\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains($"{path}:3, column 统一社会信用代码:", e.Message, StringComparison.Ordinal);
        Assert.Contains("check character", e.Message, StringComparison.Ordinal);
        Assert.Contains("1 bad rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was loaded", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":2,", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":4,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BadRowsInSeveralFiles_EveryOneListed()
    {
        var csv = Write("wage-arrears.csv", "统一社会信用代码,文号,有效期至\n"
            + "9144030071526726XG,文号1,2027-01-01\n"
            + "91330100716105852F,文号2,2027-02-30\n");
        var json = Write("court-dishonest-debtors.json", """
            [ { "身份证号码": "11010519491231002X", "案号": "a-1" },
              { "身份证号码": "110105194912310021", "案号": "a-2" } ]
            """);
        var other = Write("tax-grade-a.csv", Header + "\n" + "wage-arrears,LegalEntity,914403001922038216,示例,r,2024-01-02,,Active,x-1\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains("3 bad rows", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{csv}:3, column 有效期至: '2027-02-30'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{json}:2, column ", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{other}:2, column list:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_HeaderProblem_ThrowsNamingFile()
    {
        var path = Write("wage-arrears.csv", "名称,文号\n示例,文号1\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains($"{path}:1: No identifier column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_FileNotNamedAfterListWithoutListColumn_Throws()
    {
        var path = Write("export.csv", "统一社会信用代码,文号\n9144030071526726XG,文号1\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("No list column", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ManyBadRows_FirstShownAndRestCounted()
    {
        var text = new StringBuilder("统一社会信用代码,文号\n");
        for (var i = 0; i < 30; i++)
        {
            text.Append("9144030071526726XA,文号").Append(i).Append('\n');
        }

        Write("wage-arrears.csv", text.ToString());

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains("30 bad rows", e.Message, StringComparison.Ordinal);
        Assert.Contains(":26, column", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(":27, column", e.Message, StringComparison.Ordinal);
        Assert.Contains("and 5 more", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RowRefusedByCatalog_ThrowsNamingEntry()
    {
        Write("tax-grade-a.csv", "身份证号码,文号\n11010519491231002X,文号-person\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains("文号-person", e.Message, StringComparison.Ordinal);
        Assert.Contains("tax-grade-a", e.Message, StringComparison.Ordinal);
        Assert.Contains("tax-grade-a.csv:2", e.Message, StringComparison.Ordinal); // refused rows are named with file and line
    }

    [Fact]
    public void Create_SameEntryWithDifferentContentInTwoFiles_Throws()
    {
        Write("a.csv", Header + "\nwage-arrears,LegalEntity,9144030071526726XG,示例一,r,2024-01-02,,Active,wa-1\n");
        Write("b.csv", Header + "\nwage-arrears,LegalEntity,9144030071526726XG,示例二,r,2024-01-02,,Active,wa-1\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains("wa-1", e.Message, StringComparison.Ordinal);
    }
    // ---- Regressions ------------------------------------------------------------------------------

    // InMemoryStoreSeeder.Create passes `new StreamReader(path, ...)` to ListFileReader.ReadCsv and never
    // disposes it, so every seeded CSV file stays open (with its FileShare.Read lock) until the
    // finalizer runs: an operator cannot replace or delete the seed files (on Windows, or anywhere an
    // exclusive open is tried) while the host runs.
    [Fact]
    public void Create_AfterSeeding_SeedFilesClosed()
    {
        var path = Write("wage-arrears.csv", "统一社会信用代码,文号\n9144030071526726XG,文号1\n");

        Seed();

        using var exclusive = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Assert.True(exclusive.CanWrite);
    }

    // Rows that parse but that the catalog refuses (a person on a list for legal entities, an unknown
    // list code, an end before the start, a related enterprise on a legal entity) are only caught by
    // ImportListAsync after reading: the exception names the first such entry only, without its file
    // and line, although the seeder promises to name every bad row.
    [Fact]
    public void Create_RowsRefusedByCatalog_EveryOneNamedWithFileAndLine()
    {
        var persons = Write("tax-grade-a.csv", "身份证号码,文号\n11010519491231002X,p-1\n440524188001010014,p-2\n");
        var unknown = Write("export.csv", "list,subject,entryId\nno-such-list,9144030071526726XG,e-1\n");

        var e = Assert.Throws<InvalidOperationException>(() => Seed());

        Assert.Contains($"{persons}:2", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{persons}:3", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{unknown}:2", e.Message, StringComparison.Ordinal);
    }
}
