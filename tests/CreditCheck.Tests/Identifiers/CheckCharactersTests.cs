using CreditCheck.ListFiles;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Identifiers;

/// <summary>The public helpers the operator tool builds on (no internals): check characters, and an
/// in-memory store loaded from a folder and written back as a list file.</summary>
public sealed class CheckCharactersTests
{
    [Theory]
    [InlineData("91350100M000100Y4", '3')]   // the example of GB 32100-2015
    [InlineData("91110105336900600", 'J')]
    public void UnifiedSocialCreditCode_CompletesTheStandardsExamples(string first17, char expected) =>
        Assert.Equal(expected, CheckCharacters.UnifiedSocialCreditCode(first17));

    [Fact]
    public void ResidentIdNumber_CompletesTheStandardsExample() =>
        Assert.Equal('X', CheckCharacters.ResidentIdNumber("11010519491231002")); // GB 11643-1999

    [Fact]
    public void OrganizationCode_MakesCodesTheValidatorAccepts()
    {
        for (var n = 0; n < 200; n++)
        {
            var first8 = $"{n:D8}";
            var body = "91110105" + first8 + CheckCharacters.OrganizationCode(first8);
            var code = body + CheckCharacters.UnifiedSocialCreditCode(body);

            Assert.True(SubjectId.TryParse(code, SubjectKind.LegalEntity, out _), code);
        }
    }

    [Fact]
    public async Task InMemoryStore_LoadedFromAFolder_WritesItsRecordsBackAsAListFileThatLoadsTheSame()
    {
        var folder = Directory.CreateTempSubdirectory("cc-records-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "entries.csv"),
                "list,kind,subject,name,authority,reference,listedOn,validUntil,status,entryId\n" +
                $"court-dishonest-debtors,LegalEntity,{SyntheticIds.Company(1).Value},甲公司,某法院,(2024)执1号,2024-01-02,2099-12-31,Active,e-1\n" +
                $"court-dishonest-debtors,LegalEntity,{SyntheticIds.Company(2).Value},乙公司,某法院,(2024)执2号,2024-01-03,2099-12-31,Active,e-2\n");
            var store = InMemoryCreditStore.Load(new InMemoryStoreOptions { DataDirectory = folder });
            var records = store.Records().ToList();

            var copy = Directory.CreateDirectory(Path.Combine(folder, "copy")).FullName;
            await using (var file = File.Create(Path.Combine(copy, "entries.json")))
            {
                ListFileWriter.WriteJson(file, records);
            }

            var again = InMemoryCreditStore.Load(new InMemoryStoreOptions { DataDirectory = copy }).Records().ToList();
            Assert.Equal(2, records.Count);
            Assert.Equal(records.OrderBy(r => r.Entry.EntryId, StringComparer.Ordinal), again.OrderBy(r => r.Entry.EntryId, StringComparer.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
