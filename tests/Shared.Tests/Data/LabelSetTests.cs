using Orchestrator.Shared.Data;

namespace Orchestrator.Shared.Tests.Data;

public class LabelSetTests
{
    [Fact]
    public void Collected_iob_labels_put_O_first_then_B_I_pairs_by_type()
    {
        var labels = LabelSet.Collect(new[] { "B-PER", "O", "I-ORG", "B-LOC", "B-MISC", "I-MISC", "I-PER" });

        Assert.Equal(new[] { "O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER" }, labels.Names);
    }

    [Fact]
    public void Collected_labels_do_not_depend_on_the_order_seen()
    {
        var tags = new[] { "O", "B-PER", "I-PER", "B-ORG", "E-ORG", "S-LOC", "O" };
        var random = new Pcg32(1);
        var reference = LabelSet.Collect(tags).Names;
        for (int i = 0; i < 20; i++)
        {
            var shuffled = tags.ToArray();
            random.Shuffle(shuffled);
            Assert.Equal(reference, LabelSet.Collect(shuffled).Names);
        }
        Assert.Equal(new[] { "O", "B-LOC", "I-LOC", "S-LOC", "B-ORG", "I-ORG", "E-ORG", "B-PER", "I-PER" }, reference);
    }

    [Fact]
    public void Collected_non_iob_labels_are_numeric_or_ordinal()
    {
        Assert.Equal(new[] { "2", "10", "11" }, LabelSet.Collect(new[] { "10", "2", "11", "2" }).Names);
        Assert.Equal(new[] { "NN", "NNP", "VBZ" }, LabelSet.Collect(new[] { "VBZ", "NNP", "NN" }).Names);
    }

    [Fact]
    public void Saved_labels_load_back_in_order()
    {
        using var folder = new TempFolder();
        var labels = new LabelSet(new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG" });
        var path = Path.Combine(folder.Path, "model", "labels.txt");

        labels.Save(path);

        Assert.Equal(labels.Names, LabelSet.Load(path).Names);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
