using System.Globalization;
using System.Text.RegularExpressions;
using CreditCheck.Server.Grpc;

namespace CreditCheck.Server.Tests;

/// <summary>The gRPC status message of a batch with many problems (<see cref="CreditCheckGrpcService.Message"/>).</summary>
public sealed class GrpcMessageTests
{
    [Fact]
    public void Message_ABatchWithMoreProblemsThanTheAnswerNames_CountsTheRestFromTheTotal()
    {
        // Found from outside: a CheckMany of 150 bad checks read "… and 100 more problem(s)": the 100 the answer names,
        // less the ones given whole, plus the line that counts them, not the 149 there were.
        List<FieldProblem> problems = [.. Enumerable.Range(0, 100).Select(i => new FieldProblem(
            string.Create(CultureInfo.InvariantCulture, $"checks[{i}].subject"), "has a check character that does not match.", "校验码不符。"))];
        problems.Add(new FieldProblem("checks", "150 of the 151 checks are invalid, with 150 problems in all; only the first 100 are named.", "151 条中共 150 条不合规（共 150 处问题），仅列出前 100 处。"));
        var error = new ApiError(400, "invalid-subject", "The subject is not a valid identifier.", "主体代码无效。", problems) { AllProblems = 150 };

        var message = CreditCheckGrpcService.Message(error);

        var english = message.Split(" | ")[1];
        var whole = Regex.Count(english, @"checks\[\d+\]\.subject: ");
        Assert.InRange(whole, 1, 99);
        Assert.Contains($"… and {150 - whole} more problem(s): checks[{whole}].subject", english, StringComparison.Ordinal);
        Assert.Contains($"另有 {150 - whole} 处问题", message, StringComparison.Ordinal);
        Assert.DoesNotContain(", checks (", message, StringComparison.Ordinal); // the counting line is not named as a problem
    }
}
