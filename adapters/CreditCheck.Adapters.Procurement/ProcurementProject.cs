using System.Globalization;
namespace CreditCheck.Adapters.Procurement;

/// <summary>A procurement project (采购项目) at one stage, with every supplier to screen.</summary>
/// <remarks>Immutable.</remarks>
public sealed record ProcurementProject
{
    /// <summary>The project number (项目编号); carried into every check, evidence record and feedback record.</summary>
    public required string ProjectId { get; init; }

    /// <summary>The project name (项目名称).</summary>
    public string? ProjectName { get; init; }

    /// <summary>The purchaser (采购人).</summary>
    public string? Purchaser { get; init; }

    /// <summary>The procurement agency (采购代理机构), if any.</summary>
    public string? Agency { get; init; }

    /// <summary>The stage at which the suppliers are screened.</summary>
    public required ProcurementStage Stage { get; init; }

    /// <summary>The suppliers (供应商): single suppliers and consortia (联合体).</summary>
    public required IReadOnlyList<Supplier> Suppliers { get; init; }

    /// <summary>The department doing the check (for statistics and feedback).</summary>
    public string? Department { get; init; }

    /// <summary>The person doing the check (查询人), named in the evidence record.</summary>
    public string? Operator { get; init; }
}

/// <summary>The stage of a procurement at which credit is checked (财库〔2016〕125号: between the announcement and
/// the bid deadline; a check at a later stage is the purchaser's own choice).</summary>
public enum ProcurementStage
{
    /// <summary>供应商报名 / 资格审查.</summary>
    Registration = 1,

    /// <summary>投标 / 开标.</summary>
    BidOpening = 2,

    /// <summary>评审.</summary>
    Evaluation = 3,

    /// <summary>中标 / 成交.</summary>
    Award = 4,
}

/// <summary>One supplier of a project: a single enterprise or person, or a consortium (联合体) of several.</summary>
/// <remarks>Build with <see cref="Of"/> or <see cref="Consortium"/>. Immutable.</remarks>
public sealed record Supplier
{
    private Supplier(string name, IReadOnlyList<SupplierMember> members, bool isConsortium, string? supplierId)
    {
        Name = name;
        Members = members;
        IsConsortium = isConsortium;
        SupplierId = supplierId;
    }

    /// <summary>The supplier's name (for a consortium, the name it bids under).</summary>
    public string Name { get; }

    /// <summary>The one member of a single supplier, or every member of a consortium.</summary>
    public IReadOnlyList<SupplierMember> Members { get; }

    /// <summary>Whether it is a consortium: then one listed member excludes it.</summary>
    public bool IsConsortium { get; }

    /// <summary>The host's own id of the supplier (报名序号, 投标人编号), if any.</summary>
    public string? SupplierId { get; }

    /// <summary>A single supplier.</summary>
    /// <param name="name">Its name.</param>
    /// <param name="subject">Its 统一社会信用代码 (or a natural person's 居民身份证号码).</param>
    /// <param name="supplierId">The host's id of the supplier, optional.</param>
    /// <returns>The supplier.</returns>
    /// <exception cref="ArgumentException">The name is blank or the subject empty.</exception>
    public static Supplier Of(string name, SubjectId subject, string? supplierId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new Supplier(name, [new SupplierMember(name, subject)], false, supplierId);
    }

    /// <summary>A consortium (联合体) of two or more members.</summary>
    /// <param name="name">The name the consortium bids under.</param>
    /// <param name="members">Its members, the lead member (牵头人) first by convention.</param>
    /// <param name="supplierId">The host's id of the supplier, optional.</param>
    /// <returns>The supplier.</returns>
    /// <exception cref="ArgumentException">The name is blank, there are fewer than two members, or a member is
    /// listed twice, by the same code or by its 统一社会信用代码 and the 组织机构代码 it embeds (the message names both;
    /// as <c>Bidder.Consortium</c> of the bidding adapter does).</exception>
    public static Supplier Consortium(string name, IReadOnlyList<SupplierMember> members, string? supplierId = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(members);
        if (members.Count < 2)
        {
            throw new ArgumentException($"Consortium '{name}' has {members.Count} member(s); a consortium has at least two.", nameof(members));
        }

        SubjectIdentity.ThrowIfMemberTwice(name, members, m => m.Name, m => m.Subject);

        return new Supplier(name, [.. members], true, supplierId);
    }
}

/// <summary>One enterprise (or person) of a supplier.</summary>
/// <param name="Name">Its name.</param>
/// <param name="Subject">Its identifier.</param>
public sealed record SupplierMember(string Name, SubjectId Subject);
