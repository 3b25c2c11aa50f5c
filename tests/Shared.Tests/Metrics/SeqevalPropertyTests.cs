using FsCheck;
using FsCheck.Fluent;
using Orchestrator.Shared.Metrics;

namespace Orchestrator.Shared.Tests.Metrics;

public class SeqevalPropertyTests
{
    private static readonly string[] Tags = { "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC", "E-LOC", "S-PER", "B-MISC" };

    // Pairs of (prediction, reference) corpora with equal sentence lengths.
    private static Arbitrary<(List<List<string>> Pred, List<List<string>> Gold)> Corpora() =>
        Gen.Choose(0, 8).ListOf()
            .SelectMany(lengths => Gen.Two(Gen.Elements(Tags).ArrayOf(lengths.Sum()))
                .Select(pair => (Split(pair.Item1, lengths), Split(pair.Item2, lengths))))
            .ToArbitrary();

    private static List<List<string>> Split(string[] flat, IEnumerable<int> lengths)
    {
        var result = new List<List<string>>();
        int offset = 0;
        foreach (var n in lengths)
        {
            result.Add(flat.Skip(offset).Take(n).ToList());
            offset += n;
        }
        return result;
    }

    private static IReadOnlyList<IReadOnlyList<string>> Ro(List<List<string>> c) => c.Cast<IReadOnlyList<string>>().ToList();

    [Fact]
    public void PerfectPredictionScoresOne()
    {
        Prop.ForAll(Corpora(), c =>
        {
            var r = Seqeval.Compute(Ro(c.Gold), Ro(c.Gold));
            bool anyToken = c.Gold.Any(s => s.Count > 0);
            bool anyEntity = r.PerType.Count > 0;
            return (!anyToken || r.OverallAccuracy == 1.0)
                   && (!anyEntity || (r.OverallPrecision == 1.0 && r.OverallRecall == 1.0 && r.OverallF1 == 1.0))
                   && r.PerType.Values.All(s => s.Precision == 1.0 && s.Recall == 1.0 && s.F1 == 1.0);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void SentenceOrderDoesNotChangeScores()
    {
        Prop.ForAll(Corpora(), c =>
        {
            var a = Seqeval.Compute(Ro(c.Pred), Ro(c.Gold));
            var order = Enumerable.Range(0, c.Gold.Count).Reverse().ToList();
            var b = Seqeval.Compute(Ro(order.Select(i => c.Pred[i]).ToList()), Ro(order.Select(i => c.Gold[i]).ToList()));
            return a.OverallPrecision == b.OverallPrecision && a.OverallRecall == b.OverallRecall
                   && a.OverallF1 == b.OverallF1 && Math.Abs(a.OverallAccuracy - b.OverallAccuracy) < 1e-12
                   && a.PerType.SequenceEqual(b.PerType);
        }).QuickCheckThrowOnFailure();
    }

    private static readonly string[] Iob2Tags = { "O", "O", "B-PER", "I-PER", "B-LOC", "I-LOC" };

    [Fact]
    public void StrictEntitiesAreDefaultEntitiesOnIob2Data()
    {
        var arb = Gen.Elements(Iob2Tags).ListOf().Select(l => l.ToList()).ListOf()
            .Select(c => c.Select(s => (IReadOnlyList<string>)s).ToList()).ToArbitrary();
        Prop.ForAll(arb, sentences =>
        {
            var lenient = EntityExtractor.GetEntities(sentences).ToHashSet();
            // Strict spans are per sentence; default spans are in the sequence joined with one O per sentence.
            var offsets = new List<int>();
            int offset = 0;
            foreach (var s in sentences)
            {
                offsets.Add(offset);
                offset += s.Count + 1;
            }
            return EntityExtractor.GetEntitiesStrictIob2(sentences).All(e =>
                lenient.Contains(new EntitySpan(e.Type, offsets[e.Sentence] + e.Start, offsets[e.Sentence] + e.End)));
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void F1IsBetweenPrecisionAndRecall()
    {
        Prop.ForAll(Corpora(), c =>
        {
            foreach (var mode in new[] { SeqevalMode.Default })
            {
                var r = Seqeval.Compute(Ro(c.Pred), Ro(c.Gold), mode);
                double lo = Math.Min(r.OverallPrecision, r.OverallRecall), hi = Math.Max(r.OverallPrecision, r.OverallRecall);
                if (r.OverallF1 < lo - 1e-12 || r.OverallF1 > hi + 1e-12) return false;
                if (r.PerType.Values.Sum(s => s.Number) != EntityExtractor.GetEntities(Ro(c.Gold)).Count) return false;
            }
            return true;
        }).QuickCheckThrowOnFailure();
    }
}
