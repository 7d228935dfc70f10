using CreditCheck.Catalog;
using CreditCheck.Stores;
using Microsoft.Extensions.Options;

namespace CreditCheck.Tests.Support;

/// <summary>A real checker over a real in-memory store, on a clock the test controls.</summary>
internal sealed class CheckerHarness
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(8));

    private int _nextEntry;

    public CheckerHarness(CreditCatalog? catalog = null, UnavailablePolicy policy = UnavailablePolicy.FailClosed)
    {
        Store = new InMemoryCreditStore(catalog ?? TestCatalog.Create());
        Time = new FakeTimeProvider(Now);
        Checker = new CreditChecker(Store, Options.Create(new CreditCheckOptions { OnUnavailable = policy }), Time);
    }

    public InMemoryCreditStore Store { get; }

    public FakeTimeProvider Time { get; }

    public ICreditChecker Checker { get; }

    public async Task<ListEntry> ListAsync(
        SubjectId subject,
        string list,
        EntryStatus status = EntryStatus.Active,
        DateTimeOffset? from = null,
        DateTimeOffset? until = null,
        RelatedParty? related = null)
    {
        var entry = new ListEntry
        {
            EntryId = $"e-{++_nextEntry}",
            ListCode = list,
            SubjectKind = subject.Kind,
            SubjectName = "示例主体",
            Authority = "认定部门",
            DecisionReference = $"文号{_nextEntry}",
            ValidFrom = from ?? Now.AddYears(-1),
            ValidUntil = until ?? Now.AddYears(1),
            Status = status,
            RelatedTo = related,
        };
        await Store.UpsertAsync(new ListRecord(subject, entry));
        return entry;
    }

    public ValueTask<CreditDecision> CheckAsync(SubjectId subject, string scenario) =>
        Checker.CheckAsync(new CheckRequest(subject, scenario));
}
