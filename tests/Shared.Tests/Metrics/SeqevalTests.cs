using Orchestrator.Shared.Metrics;

namespace Orchestrator.Shared.Tests.Metrics;

/// <summary>
/// Hand-checked cases from seqeval's documented behaviour (its README examples, the Hugging Face course
/// example and get_entities' chunk rules traced by hand). Tolerance 1e-9.
/// </summary>
public class SeqevalTests
{
    private const double Tol = 1e-9;

    private static IReadOnlyList<IReadOnlyList<string>> S(params string[] sentences) =>
        sentences.Select(s => (IReadOnlyList<string>)s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();

    private static void Near(double expected, double actual) => Assert.InRange(actual, expected - Tol, expected + Tol);

    [Fact]
    public void CourseExample_OneMissedMiscEntity()
    {
        var reference = S("B-ORG O B-MISC O O O B-MISC O O");
        var prediction = S("B-ORG O O O O O B-MISC O O");

        var r = Seqeval.Compute(prediction, reference);

        Near(1.0, r.PerType["MISC"].Precision);
        Near(0.5, r.PerType["MISC"].Recall);
        Near(2.0 / 3.0, r.PerType["MISC"].F1);
        Assert.Equal(2, r.PerType["MISC"].Number);
        Assert.Equal(new EntityTypeScore(1, 1, 1, 1), r.PerType["ORG"]);
        Near(1.0, r.OverallPrecision);
        Near(2.0 / 3.0, r.OverallRecall);
        Near(0.8, r.OverallF1);
        Near(8.0 / 9.0, r.OverallAccuracy);
    }

    [Fact]
    public void ReadmeExample_ShiftedMiscStartIsAMiss()
    {
        var reference = S("O O O B-MISC I-MISC I-MISC O", "B-PER I-PER O");
        var prediction = S("O O B-MISC I-MISC I-MISC I-MISC O", "B-PER I-PER O");

        var r = Seqeval.Compute(prediction, reference);

        Near(0.5, r.OverallPrecision);
        Near(0.5, r.OverallRecall);
        Near(0.5, r.OverallF1);
        Near(0.8, r.OverallAccuracy);
        Assert.Equal(new EntityTypeScore(0, 0, 0, 1), r.PerType["MISC"]);
        Assert.Equal(new EntityTypeScore(1, 1, 1, 1), r.PerType["PER"]);
        Assert.Equal(new[] { "MISC", "PER" }, r.PerType.Keys.ToArray());
    }

    [Fact]
    public void DefaultMode_IWithoutBStartsAnEntity_StrictModeDoesNot()
    {
        var reference = S("B-NP I-NP O");
        var prediction = S("I-NP I-NP O");

        var lenient = Seqeval.Compute(prediction, reference);
        var strict = Seqeval.Compute(prediction, reference, SeqevalMode.StrictIob2);

        Near(1.0, lenient.OverallF1);
        Near(0.0, strict.OverallPrecision);
        Near(0.0, strict.OverallRecall);
        Near(0.0, strict.OverallF1);
        Assert.Equal(new EntityTypeScore(0, 0, 0, 1), strict.PerType["NP"]);
        Near(2.0 / 3.0, strict.OverallAccuracy);
    }

    [Fact]
    public void TypeChangeSplitsEntities()
    {
        Assert.Equal(
            new[] { new EntitySpan("LOC", 0, 0), new EntitySpan("ORG", 1, 1) },
            EntityExtractor.GetEntities(new[] { "B-LOC", "I-ORG" }));
    }

    [Fact]
    public void SentencesAreJoinedWithAnO()
    {
        var joined = EntityExtractor.GetEntities(S("B-PER I-PER", "I-PER O"));
        var flat = EntityExtractor.GetEntities(new[] { "B-PER", "I-PER", "I-PER", "O" });

        Assert.Equal(new[] { new EntitySpan("PER", 0, 1), new EntitySpan("PER", 3, 3) }, joined);
        Assert.Equal(new[] { new EntitySpan("PER", 0, 2) }, flat);
    }

    [Fact]
    public void IobesPrefixes()
    {
        Assert.Equal(
            new[] { new EntitySpan("PER", 0, 0), new EntitySpan("LOC", 1, 3), new EntitySpan("ORG", 5, 5) },
            EntityExtractor.GetEntities("S-PER B-LOC I-LOC E-LOC O E-ORG".Split(' ')));
    }

    [Fact]
    public void EndTagClosesAndARepeatedEndStartsAnother()
    {
        Assert.Equal(
            new[] { new EntitySpan("PER", 0, 1), new EntitySpan("PER", 2, 2) },
            EntityExtractor.GetEntities("B-PER E-PER E-PER".Split(' ')));
    }

    [Fact]
    public void BareTagsHaveTypeUnderscore()
    {
        Assert.Equal(
            new[] { new EntitySpan("_", 0, 1), new EntitySpan("_", 3, 3) },
            EntityExtractor.GetEntities("B I O I".Split(' ')));
    }

    [Fact]
    public void TypeOnlyInPredictionsIsReportedWithNumberZero()
    {
        var r = Seqeval.Compute(S("B-PER B-LOC"), S("B-PER O"));

        Assert.Equal(new EntityTypeScore(0, 0, 0, 0), r.PerType["LOC"]);
        Assert.Equal(new EntityTypeScore(1, 1, 1, 1), r.PerType["PER"]);
        Near(0.5, r.OverallPrecision);
        Near(1.0, r.OverallRecall);
        Near(2.0 / 3.0, r.OverallF1);
        Near(0.5, r.OverallAccuracy);
    }

    [Fact]
    public void StrictMode_StrayIAfterTypeChangeIsDropped_DefaultKeepsIt()
    {
        var tags = S("B-PER I-LOC I-LOC O");
        Assert.Equal(new[] { new EntitySpan("PER", 0, 0, 0) }, EntityExtractor.GetEntitiesStrictIob2(tags));
        Assert.Equal(new[] { new EntitySpan("PER", 0, 0), new EntitySpan("LOC", 1, 2) }, EntityExtractor.GetEntities(tags));
    }

    [Fact]
    public void StrictMode_WorksPerSentence()
    {
        Assert.Equal(
            new[] { new EntitySpan("PER", 0, 0, 0), new EntitySpan("PER", 1, 2, 1) },
            EntityExtractor.GetEntitiesStrictIob2(S("B-PER", "I-PER B-PER I-PER")));
    }

    [Fact]
    public void StrictMode_RejectsTagsOutsideIob2()
    {
        var ex = Assert.Throws<ArgumentException>(() => Seqeval.Compute(S("O E-PER"), S("O B-PER"), SeqevalMode.StrictIob2));
        Assert.Contains("E-PER", ex.Message);
        Assert.Contains("position 1", ex.Message);
    }

    [Fact]
    public void EmptyInputGivesZeros()
    {
        var r = Seqeval.Compute(S(), S());
        Assert.Empty(r.PerType);
        Assert.Equal(0.0, r.OverallF1);
        Assert.Equal(0.0, r.OverallAccuracy);
    }

    [Fact]
    public void ComputeFromIds_IgnoresMinus100Positions()
    {
        var id2label = Conll();
        // [CLS] B-ORG(word 1) I-ORG(word 2, 2 sub-tokens: second -100) O [SEP]
        int[][] labels = { new[] { -100, 3, 4, -100, 0, -100 } };
        int[][] predictions = { new[] { 5, 3, 0, 7, 0, 0 } };

        var r = Seqeval.ComputeFromIds(predictions, labels, id2label);

        // gold B-ORG I-ORG O, predicted B-ORG O O: ORG (0,0) vs (0,1) is a miss.
        Assert.Equal(new EntityTypeScore(0, 0, 0, 1), r.PerType["ORG"]);
        Near(2.0 / 3.0, r.OverallAccuracy);
        Assert.Single(r.PerType);
    }

    [Fact]
    public void ComputeFromIds_UnknownIdNamesRowAndPosition()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            Seqeval.ComputeFromIds(new[] { new[] { 0, 42 } }, new[] { new[] { 0, 1 } }, Conll()));
        Assert.Contains("Row 0, position 1", ex.Message);
        Assert.Contains("42", ex.Message);
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Seqeval.Compute(S("O O"), S("O")));
    }

    [Fact]
    public void ToDictionaryHasEvaluateShape()
    {
        var d = Seqeval.Compute(S("B-ORG O"), S("B-ORG O")).ToDictionary();
        var org = Assert.IsType<Dictionary<string, object>>(d["ORG"]);
        Assert.Equal(new[] { "precision", "recall", "f1", "number" }, org.Keys.ToArray());
        Assert.Equal(1, org["number"]);
        Assert.Equal(new[] { "ORG", "overall_precision", "overall_recall", "overall_f1", "overall_accuracy" }, d.Keys.ToArray());
    }

    internal static Dictionary<int, string> Conll() =>
        new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" }
            .Select((name, id) => (name, id)).ToDictionary(x => x.id, x => x.name);
}
