using CreditCheck.Catalog;
using CreditCheck.Stores;
using CreditCheck.Tests.Support;

namespace CreditCheck.Tests.Feedback;

/// <summary>What a report may say, and the records it becomes.</summary>
public sealed class FeedbackReportTests
{
    [Fact]
    public async Task Executed_MeasureTheDecisionDidNotApply_NamesItAndWhatWasApplied()
    {
        var decision = await FeedbackData.DeniedAsync(await FeedbackData.HarnessAsync());

        var error = Assert.Throws<FeedbackReportException>(() => FeedbackReport.For(decision).Executed("green-channel"));

        Assert.Contains("Measure 'green-channel' was not applied", error.Message, StringComparison.Ordinal);
        Assert.Contains("procurement-refusal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_InvalidMeasureFeedback_EachRefusedWithItsReason()
    {
        var decision = await FeedbackData.DeniedAsync(await FeedbackData.HarnessAsync());
        var report = FeedbackReport.For(decision).Executed("procurement-refusal");

        var twice = Assert.Throws<FeedbackReportException>(() => report.Executed("procurement-refusal"));
        var noReason = Assert.Throws<FeedbackReportException>(() => report.NotExecuted("everywhere-notice", " "));
        var noOverrider = Assert.Throws<FeedbackReportException>(() => report.Overridden("everywhere-notice", "", "领导批准"));
        var nothing = Assert.Throws<FeedbackReportException>(() => report.Add(new MeasureFeedback("everywhere-notice", ExecutionResult.NothingToExecute)));

        Assert.Contains("already in this report", twice.Message, StringComparison.Ordinal);
        Assert.Contains("a reason is required", noReason.Message, StringComparison.Ordinal);
        Assert.Contains("say who overrode it", noOverrider.Message, StringComparison.Ordinal);
        Assert.Contains("send a report without measures", nothing.Message, StringComparison.Ordinal);
        Assert.Single(report.Measures);
    }

    [Fact]
    public async Task ReportAsync_ExecutedBeforeTheCheck_RefusedNamingExecutedAt()
    {
        // Found from outside: 2020-01-01 was taken for today's check, and the execution counted in a period before it.
        var harness = await FeedbackData.HarnessAsync();
        await using var feedback = FeedbackData.Create(new FaultySink(), time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);

        var error = await Assert.ThrowsAsync<FeedbackReportException>(async () =>
            await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = decision.EvaluatedAt.AddDays(-1) }));
        var withinSkew = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = decision.EvaluatedAt.AddMinutes(-2) });

        Assert.Equal("ExecutedAt", Assert.Single(error.Problems).Field);
        Assert.Contains("is before the check was made", error.Message, StringComparison.Ordinal);
        Assert.NotEmpty(withinSkew); // hosts' clocks differ by a little
    }

    [Fact]
    public async Task ReportAsync_ADateAloneBeforeTheCheck_SaysBothTimesInChinaTimeAndWhatADateMeans()
    {
        // Found from outside: "执行时间 2026-12-08T00:00:00+08:00 早于核查时间 2026-12-07T21:41:27+00:00" read as impossible.
        var harness = await FeedbackData.HarnessAsync();
        await using var feedback = FeedbackData.Create(new FaultySink(), time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);
        var china = decision.EvaluatedAt.ToOffset(TimeSpan.FromHours(8));
        var midnight = new DateTimeOffset(china.Date, TimeSpan.FromHours(8)).AddDays(-1);

        var error = await Assert.ThrowsAsync<FeedbackReportException>(async () =>
            await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted() with { ExecutedAt = midnight }));

        var problem = Assert.Single(error.Problems);
        Assert.Contains($"ExecutedAt {midnight:yyyy-MM-dd}T00:00:00+08:00 is before the check was made ({china:yyyy-MM-dd'T'HH:mm:ss}+08:00, China Standard Time)", problem.Message, StringComparison.Ordinal);
        Assert.Contains("a date alone is read as 00:00 of that day", problem.Message, StringComparison.Ordinal);
        Assert.Contains($"执行时间 {midnight:yyyy-MM-dd} 00:00:00 早于核查时间 {china:yyyy-MM-dd HH:mm:ss}（北京时间）；只给日期时按当日 0 时计", problem.ChineseMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_InvalidDetails_RefusedNamingEveryProblemAndNothingIsQueued()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var report = FeedbackReport.For(await FeedbackData.DeniedAsync(harness))
            .Add(new MeasureFeedback("procurement-refusal", ExecutionResult.Executed)
            {
                Amount = -5m,
                EffectiveFrom = CheckerHarness.Now.AddDays(10),
                EffectiveUntil = CheckerHarness.Now,
            }) with
            {
                ExecutedAt = CheckerHarness.Now.AddDays(1),
                Department = new string('部', 1001),
            };

        var error = await Assert.ThrowsAsync<FeedbackReportException>(async () => await feedback.ReportAsync(report));

        Assert.Contains("ExecutedAt 2026-11-23T10:00:00.0000000+08:00 is in the future", error.Message, StringComparison.Ordinal);
        Assert.Contains("Department is 1001 characters long", error.Message, StringComparison.Ordinal);
        Assert.Contains("measure 'procurement-refusal' Amount is -5", error.Message, StringComparison.Ordinal);
        Assert.Contains("measure 'procurement-refusal' EffectiveUntil", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, feedback.Status.Backlog);

        // Each problem named by its field, in English and Chinese (a service points its caller at the field).
        var problems = error.Problems;
        Assert.Equal(["Department", "ExecutedAt", "Measures[0].Amount", "Measures[0].EffectiveUntil"], problems.Select(p => p.Field));
        Assert.Contains("执行时间", problems[1].ChineseMessage, StringComparison.Ordinal);
        Assert.Contains("不能为负数", problems[2].ChineseMessage, StringComparison.Ordinal);
        Assert.All(problems, p => Assert.Contains(p.Message, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReportAsync_AControlCharacterInAText_RefusedNamingItsPosition_LineBreaksKeptInAReason()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);

        var error = await Assert.ThrowsAsync<FeedbackReportException>(async () => await feedback.ReportAsync(
            FeedbackReport.For(decision).NotExecuted("procurement-refusal", "原因\u0000") with { Operator = "张三\r\n", TransactionReference = "ZB-1\u001b[2J" }));

        Assert.Equal(["Operator", "TransactionReference", "Measures[0].Reason"], error.Problems.Select(p => p.Field));
        Assert.Contains("Operator holds the control character U+000D at position 3; it is one line of text.", error.Problems[0].Message, StringComparison.Ordinal);
        Assert.Equal("经办人第 3 个字符是控制字符（U+000D），应为单行文字。", error.Problems[0].ChineseMessage);
        Assert.Contains("U+001B at position 5", error.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("measure 'procurement-refusal' Reason holds the control character U+0000 at position 3 (line breaks and tabs are allowed)", error.Problems[2].Message, StringComparison.Ordinal);
        Assert.Equal(0, feedback.Status.Backlog);

        // A reason over several lines, as a clerk types it in a text area, is taken as written.
        var records = await feedback.ReportAsync(FeedbackReport.For(decision).NotExecuted("procurement-refusal", "1. 已撤回投标；\r\n2.\t无需执行"));
        Assert.Equal("1. 已撤回投标；\r\n2.\t无需执行", Assert.Single(records).Reason);
    }

    [Fact]
    public async Task ReportAsync_NoMeasureOnADecisionThatAppliedSome_RefusedSinceItWouldCountAsNothingToExecute()
    {
        var harness = await FeedbackData.HarnessAsync();
        await using var feedback = FeedbackData.Create(new FaultySink(), time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);

        var error = await Assert.ThrowsAsync<FeedbackReportException>(async () => await feedback.ReportAsync(FeedbackReport.For(decision)));

        Assert.Contains("it reports no measure, but the decision applied procurement-refusal, everywhere-notice", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await feedback.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal").Executed("everywhere-notice"))).Count);
    }

    [Fact]
    public async Task ReportAsync_EachMeasure_OneRecordWithItsKeyResultAndDetails()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);
        harness.Time.Advance(TimeSpan.FromMinutes(3));
        var report = FeedbackReport.For(decision)
            .Executed("procurement-refusal", "不予受理")
            .Overridden("everywhere-notice", "李局长", "上级批复同意") with
            {
                District = "440300",
                ItemCode = "ZFCG-01",
                ItemName = "政府采购投标",
            };

        var records = await feedback.ReportAsync(report);

        Assert.Equal(2, records.Count);
        var refusal = records[0];
        Assert.Equal($"{decision.CheckId:N}:procurement-refusal", refusal.Key);
        Assert.Equal((ExecutionResult.Executed, "不予受理", MeasureKind.Restriction), (refusal.Result, refusal.ResultText, refusal.MeasureKind));
        Assert.Equal("拒绝参与政府采购活动", refusal.MeasureName);
        Assert.Equal("财库〔2016〕125号", refusal.LegalBasis);
        Assert.Equal(["debtors"], refusal.Lists);
        Assert.Equal(["e-1"], refusal.EntryIds);
        Assert.Equal(("市财政局", "张三", "CG-2026-118", "440300"), (refusal.Department, refusal.Operator, refusal.TransactionReference, refusal.District));
        Assert.Equal((Subjects.Tencent.Value, DecisionOutcome.Denied, "procurement"), (refusal.SubjectCode, refusal.Outcome, refusal.Scenario));
        Assert.Equal(CheckerHarness.Now.AddMinutes(3), refusal.ReportedAt);
        Assert.Equal(refusal.ReportedAt, refusal.ExecutedAt);
        var notice = records[1];
        Assert.Equal($"{decision.CheckId:N}:everywhere-notice", notice.Key);
        Assert.Equal((ExecutionResult.Overridden, "李局长", "上级批复同意"), (notice.Result, notice.OverriddenBy, notice.Reason));
    }

    [Fact]
    public async Task ReportAsync_DecisionWithoutMeasures_OneNothingToExecuteRecordAndPersonsMasked()
    {
        var harness = await FeedbackData.HarnessAsync();
        await using var feedback = FeedbackData.Create(new FaultySink(), time: harness.Time);
        var clean = await harness.Checker.CheckAsync(new CheckRequest(Subjects.Person, "procurement"));

        var record = Assert.Single(await feedback.ReportAsync(FeedbackReport.For(clean)));

        Assert.Equal(ExecutionResult.NothingToExecute, record.Result);
        Assert.Equal($"{clean.CheckId:N}:-", record.Key);
        Assert.Null(record.MeasureCode);
        Assert.Equal(Subjects.Person.Masked, record.SubjectCode);
        Assert.DoesNotContain(Subjects.Person.Value, FeedbackJson.Serialize(record), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReportAsync_SameMeasureReportedTwice_SameKeySoTheStoreKeepsOne()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);

        var first = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        var again = await feedback.ReportAsync(FeedbackReport.For(decision).AllExecuted());
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(first.Select(r => r.Key), again.Select(r => r.Key));
        Assert.All(first, r => Assert.False(r.IsRepeat));
        Assert.All(again, r => Assert.True(r.IsRepeat));
        Assert.Equal(2, sink.Store.Count);
        Assert.All(sink.Writes.Values, n => Assert.Equal(1, n)); // a repeat known to this process is not delivered again
    }

    [Fact]
    public async Task ReportAsync_SameMeasureAgainWithAnotherResult_AnsweredWithTheRecordKeptMarkedAsARepeat()
    {
        // Found by review: the store kept the first record, but the repeat's answer carried the new result as if recorded.
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);
        var first = await feedback.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal", "不予受理"));
        harness.Time.Advance(TimeSpan.FromMinutes(3));

        var again = await feedback.ReportAsync(FeedbackReport.For(decision).NotExecuted("procurement-refusal", "系统故障"));
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        var repeat = Assert.Single(again);
        Assert.True(repeat.IsRepeat);
        Assert.Equal(first[0].Key, repeat.Key);
        Assert.Equal(ExecutionResult.Executed, repeat.Result);
        Assert.Equal("不予受理", repeat.ResultText);
        Assert.Null(repeat.Reason);
        Assert.Equal(first[0].ReportedAt, repeat.ReportedAt);
        var stored = Assert.Single(sink.Store.Snapshot());
        Assert.Equal(ExecutionResult.Executed, stored.Result);
        Assert.DoesNotContain("isRepeat", FeedbackJson.Serialize(repeat), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ReportAsync_OneMeasureNewOneRepeated_OnlyTheNewOneRecorded()
    {
        var harness = await FeedbackData.HarnessAsync();
        var sink = new FaultySink();
        await using var feedback = FeedbackData.Create(sink, time: harness.Time);
        var decision = await FeedbackData.DeniedAsync(harness);
        var codes = decision.AppliedMeasures.Select(m => m.Measure.Code).ToList();
        Assert.True(codes.Count >= 2, "the test decision applies two measures");
        await feedback.ReportAsync(FeedbackReport.For(decision).Executed(codes[0]));

        var answer = await feedback.ReportAsync(FeedbackReport.For(decision).NotExecuted(codes[0], "改判").Executed(codes[1]));
        Assert.True(await feedback.FlushAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal([(codes[0], true, ExecutionResult.Executed), (codes[1], false, ExecutionResult.Executed)], answer.Select(r => (r.MeasureCode!, r.IsRepeat, r.Result)));
        Assert.Equal(2, sink.Store.Count);
        Assert.All(sink.Writes.Values, n => Assert.Equal(1, n));
    }

    [Fact]
    public async Task FeedbackJson_RoundTrip_EnumsAsNamesAndEveryFieldKept()
    {
        var harness = await FeedbackData.HarnessAsync();
        await using var feedback = FeedbackData.Create(new FaultySink(), time: harness.Time);
        var record = (await feedback.ReportAsync(FeedbackReport.For(await FeedbackData.DeniedAsync(harness))
            .Add(new MeasureFeedback("procurement-refusal", ExecutionResult.NotExecuted) { Reason = "系统故障", Amount = 1200.50m })))[0];

        var json = FeedbackJson.Serialize(record);
        var back = FeedbackJson.Deserialize(json, out var error);

        Assert.Null(error);
        Assert.Contains("\"result\":\"NotExecuted\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"Denied\"", json, StringComparison.Ordinal);
        Assert.Contains("系统故障", json, StringComparison.Ordinal);
        Assert.Equal(FeedbackJson.Serialize(back!), json);
        Assert.Equal((record.Key, record.Amount, record.ExecutedAt), (back!.Key, back.Amount, back.ExecutedAt));
    }

    [Fact(Timeout = 120_000)]
    public async Task ReportAsync_OneMeasureReportedFromFourThreadsAtOnce_OneIsTheRecord_TheOthersAreItsRepeats()
    {
        // Found by review: two reports at once could both be answered as recorded, each with its own result, while the
        // store kept one. Bounded: 100 rounds of four threads released together.
        var harness = await FeedbackData.HarnessAsync();
        for (var round = 0; round < 100; round++)
        {
            var sink = new FaultySink();
            await using var feedback = FeedbackData.Create(sink, time: harness.Time);
            var decision = await FeedbackData.DeniedAsync(harness);
            using var barrier = new Barrier(4);
            var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(k => Task.Factory.StartNew(() =>
            {
                var report = k % 2 == 0
                    ? FeedbackReport.For(decision).Executed("procurement-refusal", "不予受理")
                    : FeedbackReport.For(decision).NotExecuted("procurement-refusal", "系统故障");
                barrier.SignalAndWait();
                return feedback.ReportAsync(report).AsTask().GetAwaiter().GetResult()[0];
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
            await feedback.FlushAsync(TimeSpan.FromSeconds(10));

            var first = Assert.Single(answers, a => !a.IsRepeat);
            Assert.All(answers, a => Assert.Equal(first.Result, a.Result)); // every caller is told the one result kept
            Assert.Equal(first.Result, Assert.Single(sink.Store.Snapshot()).Result);
            Assert.Equal(1, sink.Writes.Values.Single());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task ReportAsync_TwoQueuesOnOneKeyedStore_OneMeasureThroughBothAtOnce_TheOneStoredIsTheAnswerOfBoth()
    {
        // Two processes' feedback queues on one store that keeps each key once (as hosts on one Redis namespace): both may
        // find nothing when they ask; the store keeps the first delivered, and the other, acknowledging on delivery, is
        // answered with it. Bounded: 50 rounds.
        var harness = await FeedbackData.HarnessAsync();
        var store = new InMemoryFeedbackStore();
        var options = FeedbackData.Fast();
        options.AcknowledgeOnDelivery = true;
        var otherClock = new FakeTimeProvider(harness.Time.GetUtcNow().AddSeconds(30));
        await using var a = FeedbackData.Create(store, options, time: harness.Time);
        await using var b = FeedbackData.Create(store, options, time: otherClock);
        for (var round = 0; round < 50; round++)
        {
            var decision = await FeedbackData.DeniedAsync(harness);
            var answers = await Task.WhenAll(
                a.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal")).AsTask(),
                b.ReportAsync(FeedbackReport.For(decision).Executed("procurement-refusal")).AsTask());

            var (x, y) = (answers[0][0], answers[1][0]);
            Assert.True(x.IsRepeat != y.IsRepeat, $"round {round}: IsRepeat {x.IsRepeat} and {y.IsRepeat}");
            var stored = store.Snapshot().Single(r => r.Key == x.Key);
            Assert.Equal(FeedbackJson.Serialize(stored), FeedbackJson.Serialize(x));
            Assert.Equal(FeedbackJson.Serialize(stored), FeedbackJson.Serialize(y));
        }
    }
}

