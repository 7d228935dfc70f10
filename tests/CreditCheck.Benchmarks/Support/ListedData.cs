using System.Globalization;
using CreditCheck.Stores;

namespace CreditCheck.Benchmarks.Support;

/// <summary>
/// N listed subjects, one entry each, spread over the punishment and watch lists the way real lists
/// are (most on 失信被执行人): four legal entities to one person, valid identifiers, entries in force.
/// </summary>
internal sealed class ListedData
{
    public const string Scenario = "procurement.bid";

    private static readonly DateTimeOffset FirstListing = new(2024, 1, 2, 0, 0, 0, TimeSpan.FromHours(8));

    private ListedData(SubjectId[] subjects, IReadOnlyList<(string ListCode, List<ListRecord> Records)> byList)
    {
        Subjects = subjects;
        ByList = byList;
    }

    /// <summary>The listed subjects, in a fixed order (index i is the i-th listed subject).</summary>
    public SubjectId[] Subjects { get; }

    /// <summary>The records, grouped per list for an import.</summary>
    public IReadOnlyList<(string ListCode, List<ListRecord> Records)> ByList { get; }

    public int Count => Subjects.Length;

    public static ListedData Create(int count)
    {
        var subjects = new SubjectId[count];
        var lists = new Dictionary<string, List<ListRecord>>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var subject = SyntheticIds.Mixed(i, SyntheticIds.Ranges.ListedCompanies, SyntheticIds.Ranges.ListedPersons);
            subjects[i] = subject;
            var list = ListFor(i, subject.Kind);
            if (!lists.TryGetValue(list, out var records))
            {
                lists[list] = records = [];
            }

            records.Add(new ListRecord(subject, Entry(list, $"{i:D8}", subject.Kind, i)));
        }

        return new ListedData(subjects, [.. lists.Select(p => (p.Key, p.Value))]);
    }

    /// <summary>The i-th listed subject (the same as <c>Create(n).Subjects[i]</c> for any n above i).</summary>
    public static SubjectId Subject(int i) => SyntheticIds.Mixed(i, SyntheticIds.Ranges.ListedCompanies, SyntheticIds.Ranges.ListedPersons);

    /// <summary>The same records as <see cref="Create"/>, made one list at a time as they are imported and
    /// never held all at once: at 10,000,000 listed subjects the objects alone would take gigabytes.</summary>
    public static IEnumerable<(string ListCode, IEnumerable<ListRecord> Records)> Stream(int count) =>
        ListCodes.Select(list => (list, Records(list, count)));

    /// <summary>The list codes <see cref="Create"/> spreads subjects over.</summary>
    public static IReadOnlyList<string> ListCodes { get; } =
        ["court-dishonest-debtors", "major-tax-violators", "wage-arrears", "market-serious-violations", "abnormal-operations", "procurement-serious-violations"];

    private static IEnumerable<ListRecord> Records(string list, int count)
    {
        for (var i = 0; i < count; i++)
        {
            // The kind follows from i (SyntheticIds.Mixed): the id is made only for this list's subjects.
            var kind = i % 5 == 4 ? SubjectKind.NaturalPerson : SubjectKind.LegalEntity;
            if (ListFor(i, kind) == list)
            {
                var subject = Subject(i);
                yield return new ListRecord(subject, Entry(list, $"{i:D8}", subject.Kind, i));
            }
        }
    }

    /// <summary>An entry in force on a list, as a designating body would publish it.</summary>
    public static ListEntry Entry(string listCode, string id, SubjectKind kind, int n) => new()
    {
        EntryId = $"{listCode}-{id}",
        ListCode = listCode,
        SubjectKind = kind,
        SubjectName = kind == SubjectKind.LegalEntity
            ? string.Create(CultureInfo.InvariantCulture, $"北京测试{n}商贸有限公司")
            : string.Create(CultureInfo.InvariantCulture, $"测试人员{n}"),
        Authority = listCode == "court-dishonest-debtors" ? "北京市朝阳区人民法院" : "北京市朝阳区市场监督管理局",
        DecisionReference = string.Create(CultureInfo.InvariantCulture, $"（2024）京0105执{n}号"),
        Summary = "有履行能力而拒不履行生效法律文书确定义务",
        ListedOn = FirstListing.AddDays(n % 365),
    };

    // Shares: 50 % 失信被执行人, 15 % 重大税收违法, 10 % 拖欠农民工工资, 10 % 市场监管严重违法,
    // 10 % 经营异常 (legal entities only), 5 % 政府采购严重违法.
    private static string ListFor(int i, SubjectKind kind) => ((i * 37) % 100) switch
    {
        < 50 => "court-dishonest-debtors",
        < 65 => "major-tax-violators",
        < 75 => "wage-arrears",
        < 85 => "market-serious-violations",
        < 95 => kind == SubjectKind.LegalEntity ? "abnormal-operations" : "court-dishonest-debtors",
        _ => "procurement-serious-violations",
    };
}
