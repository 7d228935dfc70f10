using System.Globalization;
using System.Text;

namespace CreditCheck.Adapters.Procurement;

/// <summary>The screening of a project's suppliers at one stage: who may take part, who is excluded and
/// why, and the query record of each supplier for the procurement file.</summary>
/// <remarks>Immutable. Keep the evidence with <see cref="WriteEvidenceAsync"/>; report back with
/// <see cref="ProcurementAdapter.ReportAsync"/>.</remarks>
public sealed class ProcurementScreening
{
    internal ProcurementScreening()
    {
    }

    /// <summary>The project screened.</summary>
    public required ProcurementProject Project { get; init; }

    /// <summary>The catalog scenario the stage was checked in.</summary>
    public required string Scenario { get; init; }

    /// <summary>When the checks were made.</summary>
    public required DateTimeOffset ScreenedAt { get; init; }

    /// <summary>Every supplier, in the project's order.</summary>
    public required IReadOnlyList<SupplierScreening> Suppliers { get; init; }

    /// <summary>The suppliers that may take part (some flagged for review).</summary>
    public IEnumerable<SupplierScreening> Eligible => Suppliers.Where(s => s.Status == SupplierStatus.Eligible);

    /// <summary>The suppliers excluded, each with its reasons and legal basis.</summary>
    public IEnumerable<SupplierScreening> Excluded => Suppliers.Where(s => s.Status == SupplierStatus.Excluded);

    /// <summary>A printable Chinese summary of the screening: one line per supplier.</summary>
    /// <returns>The summary.</returns>
    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"项目编号：{Project.ProjectId}　项目名称：{Project.ProjectName}　查询环节：{EvidenceFormat.StageName(Project.Stage)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"查询时间：{EvidenceFormat.Time(ScreenedAt)}　供应商 {Suppliers.Count} 家：可参与 {Eligible.Count()} 家（其中需人工核查 {Eligible.Count(s => s.RequiresReview)} 家），拒绝参与 {Excluded.Count()} 家");
        foreach (var supplier in Suppliers)
        {
            text.Append(CultureInfo.InvariantCulture, $"{supplier.Index:D3} {supplier.Supplier.Name}：{EvidenceFormat.Conclusion(supplier)}");
            if (supplier.Status == SupplierStatus.Excluded || supplier.RequiresReview)
            {
                text.Append(CultureInfo.InvariantCulture, $" — {supplier.Reasons[0].Text}（依据：{supplier.Reasons[0].LegalBasis ?? "—"}）");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    /// <summary>Writes each supplier's query record as <c>{project}-{nnn}-{code}.json</c> and <c>.txt</c>, and the
    /// summary as <c>{project}-summary.txt</c>, into a folder (created when missing). Files of an earlier
    /// screening with the same names are replaced. A project number over 120 bytes is cut in the names and
    /// marked with a hash of the whole number; the records carry it whole.</summary>
    /// <param name="directory">The folder of the procurement file.</param>
    /// <param name="cancellationToken">Cancels the writing.</param>
    /// <returns>The paths written, the summary last.</returns>
    public async Task<IReadOnlyList<string>> WriteEvidenceAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var paths = new List<string>(Suppliers.Count * 2 + 1);
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var supplier in Suppliers)
        {
            var json = Path.Combine(directory, supplier.Evidence.FileName + ".json");
            var text = Path.Combine(directory, supplier.Evidence.FileName + ".txt");
            await File.WriteAllTextAsync(json, supplier.Evidence.ToJson(), encoding, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(text, supplier.Evidence.ToText(), encoding, cancellationToken).ConfigureAwait(false);
            paths.Add(json);
            paths.Add(text);
        }

        var summary = Path.Combine(directory, EvidenceFormat.SafeFileName(EvidenceFormat.FileNamePart(Project.ProjectId)) + "-summary.txt");
        await File.WriteAllTextAsync(summary, ToText(), encoding, cancellationToken).ConfigureAwait(false);
        paths.Add(summary);
        return paths;
    }
}

/// <summary>Whether a supplier may take part.</summary>
public enum SupplierStatus
{
    /// <summary>May take part (see <see cref="SupplierScreening.RequiresReview"/>).</summary>
    Eligible = 1,

    /// <summary>Refused (拒绝参与政府采购活动), with the legal basis.</summary>
    Excluded = 2,
}

/// <summary>The screening of one supplier.</summary>
public sealed class SupplierScreening
{
    internal SupplierScreening()
    {
    }

    /// <summary>The supplier.</summary>
    public required Supplier Supplier { get; init; }

    /// <summary>Its 1-based position in the project.</summary>
    public required int Index { get; init; }

    /// <summary>Eligible or excluded.</summary>
    public required SupplierStatus Status { get; init; }

    /// <summary>For an eligible supplier: whether a record (重点关注, a check that could not be made, an
    /// unknown list) needs a person to look before the stage goes on.</summary>
    public required bool RequiresReview { get; init; }

    /// <summary>Why, in Chinese, each with its legal basis; the first explains the status.</summary>
    public required IReadOnlyList<ScreeningReason> Reasons { get; init; }

    /// <summary>The check of each member, with the decision to report back on.</summary>
    public required IReadOnlyList<MemberCheck> Checks { get; init; }

    /// <summary>The query record (查询记录) to keep with the procurement file.</summary>
    public ProcurementEvidence Evidence { get; internal set; } = null!;
}

/// <summary>One reason for a supplier's status.</summary>
/// <param name="Member">The member it concerns (the supplier's name for a single supplier).</param>
/// <param name="Text">The reason, in Chinese.</param>
/// <param name="LegalBasis">Its legal basis, from the catalog; null when none applies.</param>
/// <param name="MeasureCode">The catalog measure it rests on, if any.</param>
public sealed record ScreeningReason(string Member, string Text, string? LegalBasis, string? MeasureCode = null);

/// <summary>The check of one member of a supplier.</summary>
/// <param name="Member">The member.</param>
/// <param name="Decision">The engine's decision.</param>
public sealed record MemberCheck(SupplierMember Member, CreditDecision Decision)
{
    /// <summary>The signed evidence receipt of the check when an <see cref="IEvidenceSigner"/> is registered
    /// (<c>.AddEvidenceReceipts(...)</c>); null otherwise. It travels in the query record.</summary>
    public EvidenceReceipt? Receipt { get; init; }
}
