using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Shared.Tests.Data;

public class QaGeneratorTests
{
    private static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    private static int Occurrences(string text, string span) =>
        Enumerable.Range(0, text.Length - span.Length + 1).Count(i => string.CompareOrdinal(text, i, span, 0, span.Length) == 0);

    [Fact]
    public void Every_answer_is_a_short_span_found_once_in_a_short_context()
    {
        var examples = QaGenerator.Generate(1500, seed: 7);

        Assert.Equal(1500, examples.Count);
        Assert.All(examples, e =>
        {
            Assert.Equal(1, Occurrences(e.Context, e.Text));
            Assert.InRange(Words(e.Text), 1, 2);
            Assert.InRange(Words(e.Context), 10, 30);
            Assert.EndsWith("?", e.Question);
            Assert.DoesNotContain(e.Text, e.Question);
        });
        Assert.InRange(examples.Average(e => Words(e.Context)), 15, 25);
    }

    [Fact]
    public void Questions_cover_every_kind_of_fact_and_contexts_do_not_repeat()
    {
        var examples = QaGenerator.Generate(1500, seed: 7);

        Assert.True(examples.Select(e => e.Context).Distinct().Count() > 1490, "contexts repeat");
        var kinds = examples.GroupBy(e => e.Question.Split(' ')[0] + " " + e.Question.Split(' ')[1]).ToDictionary(g => g.Key, g => g.Count());
        foreach (var start in new[] { "Where was", "In which", "What does", "What is", "Where did", "Which object" })
            Assert.True(kinds.GetValueOrDefault(start) > 50, $"'{start} ...' questions: {kinds.GetValueOrDefault(start)}");
        // Years, places, jobs and objects are all answers.
        Assert.InRange(examples.Count(e => e.Text.All(char.IsAsciiDigit)), 200, 700);
        Assert.InRange(examples.Count(e => Words(e.Text) > 1), 200, 700);
    }

    [Fact]
    public void Answers_come_from_closed_pools_and_birth_years_precede_moving_years()
    {
        var examples = QaGenerator.Generate(1500, seed: 7);

        // Small pools: every answer is seen often enough in a minute of training to be copied (QaTemplates).
        var answers = examples.GroupBy(e => e.Text).ToDictionary(g => g.Key, g => g.Count());
        Assert.InRange(answers.Count, 60, 130);
        Assert.True(answers.Values.Min() >= 3, $"'{answers.MinBy(a => a.Value).Key}' is the answer {answers.Values.Min()} times");
        // The two spans of years do not overlap, so a year's value tells a birth from a move.
        var born = examples.Where(e => e.Question.StartsWith("In which year was", StringComparison.Ordinal)).Select(e => int.Parse(e.Text)).ToList();
        var moved = examples.Where(e => e.Question.StartsWith("In which year did", StringComparison.Ordinal)).Select(e => int.Parse(e.Text)).ToList();
        Assert.True(born.Count > 100 && moved.Count > 100, $"{born.Count} birth and {moved.Count} moving year questions");
        Assert.True(born.Max() < moved.Min(), $"birth years up to {born.Max()}, moving years from {moved.Min()}");
    }

    [Fact]
    public void Same_seed_same_examples_other_seed_other_examples()
    {
        Assert.Equal(QaGenerator.Generate(300, seed: 3), QaGenerator.Generate(300, seed: 3));
        Assert.NotEqual(QaGenerator.Generate(300, seed: 3), QaGenerator.Generate(300, seed: 4));
    }

    [Fact]
    public void Csv_reads_back_field_for_field_with_quoted_commas()
    {
        var examples = QaGenerator.Generate(200, seed: 11);
        using var folder = new TempFolder();
        var path = Path.Combine(folder.Path, "train.csv");
        File.WriteAllText(path, QaGenerator.ToCsv(examples));

        var records = DelimitedRecords.ReadCsv(path).ToList();

        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal(new[] { "context", "question", "text" }, records[0].Fields);
        Assert.Equal(examples.Select(e => new[] { e.Context, e.Question, e.Text }), records.Skip(1).Select(r => r.Fields!));
        Assert.Contains(examples, e => e.Context.Contains(','));
        Assert.Equal(Enumerable.Range(2, 200), records.Skip(1).Select(r => r.Line));
    }

    [Fact]
    public void Default_data_has_the_qa_splits()
    {
        using var folder = new TempFolder();
        DefaultDataGenerator.Write(folder.Path);

        var counts = new[] { "train", "validation", "test" }
            .Select(s => DelimitedRecords.ReadCsv(Path.Combine(folder.Path, "qa", s + ".csv")).Count() - 1);
        Assert.Equal(new[] { 1500, 200, 200 }, counts);
    }
}
