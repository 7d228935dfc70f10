using System.Text;
using CreditCheck.Catalog;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Catalog;

public sealed class CatalogStrictParsingTests
{
    [Fact]
    public void Parse_TopLevelPropertyTwice_RefusedNamingItsPath()
    {
        var json = TestCatalog.Json.Replace("\"version\": \"test-1\",", "\"version\": \"test-1\", \"version\": \"test-2\",", StringComparison.Ordinal);

        var error = Assert.Throws<CatalogValidationException>(() => CreditCatalog.Parse(json));

        var problem = Assert.Single(error.Problems);
        Assert.Equal("$.version", problem.Path);
        Assert.Contains("twice", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedPropertyTwice_RefusedNamingItsPath()
    {
        var json = TestCatalog.Json.Replace("\"effect\": \"Deny\",", "\"effect\": \"Deny\", \"effect\": \"Notify\",", StringComparison.Ordinal);

        var problem = Assert.Single(CreditCatalog.Validate(json));

        Assert.StartsWith("$.measures[0]", problem.Path, StringComparison.Ordinal);
        Assert.Contains("effect", problem.Path + problem.Message, StringComparison.Ordinal);
        Assert.Contains("twice", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownPropertyTwice_Refused()
    {
        var json = TestCatalog.Json.Replace("\"version\": \"test-1\",", "\"note\": 1, \"note\": 2, \"version\": \"test-1\",", StringComparison.Ordinal);

        var problems = CreditCatalog.ValidateUtf8(Encoding.UTF8.GetBytes(json));

        Assert.Contains(problems, p => p.Message.Contains("twice", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Utf8BytesOfAValidCatalog_Accepted()
    {
        var withBom = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(TestCatalog.Json)).ToArray();

        var catalog = CreditCatalog.ParseUtf8(withBom);

        Assert.Equal("test-1", catalog.Version);
        Assert.Equal("失信被执行人名单", catalog.FindList("debtors")?.Name);
    }

    [Fact]
    public async Task LoadFileAsync_InvalidUtf8_RefusedNamingTheByteOffset()
    {
        var bytes = Encoding.UTF8.GetBytes(TestCatalog.Json);
        var at = Encoding.UTF8.GetByteCount(TestCatalog.Json[..TestCatalog.Json.IndexOf("失信被执行人名单", StringComparison.Ordinal)]);
        bytes[at + 1] = 0x28; // breaks the three-byte sequence of 失
        var path = Path.Combine(Path.GetTempPath(), $"catalog-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        try
        {
            var error = await Assert.ThrowsAsync<CatalogValidationException>(() => CreditCatalog.LoadFileAsync(path, TestContext.Current.CancellationToken));

            var problem = Assert.Single(error.Problems);
            Assert.Contains($"byte offset {at}", problem.Message, StringComparison.Ordinal);
            Assert.Contains("0xE5 0x28", problem.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("\uFFFD", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Validate_LoneContinuationByte_ProblemNamesOffset()
    {
        var bytes = Encoding.UTF8.GetBytes(TestCatalog.Json).ToList();
        bytes.Insert(5, 0x80);

        var problem = Assert.Single(CreditCatalog.ValidateUtf8(bytes.ToArray()));

        Assert.Contains("byte offset 5", problem.Message, StringComparison.Ordinal);
    }
}
