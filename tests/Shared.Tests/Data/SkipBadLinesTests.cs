using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Tests.Data;

public class SkipBadLinesTests
{
    private static readonly LabelSet Conll = new(new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" });

    [Fact]
    public void Conll_bad_sentences_are_counted_and_the_rest_read()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("a.conll", new System.Text.UTF8Encoding(false).GetBytes(
            "A x x O\n\nB x O\nC x x O\n\nD x x B-WHAT\n\nE x x B-PER\nF x x I-PER\n\n")
            .Concat(new byte[] { (byte)'G', 0xFE, (byte)' ', (byte)'x', (byte)' ', (byte)'x', (byte)' ', (byte)'O', (byte)'\n', (byte)'\n' })
            .Concat("H x x O\n"u8.ToArray()).ToArray());
        var report = new ReadReport();

        var read = ConllReader.Read(path, new ConllOptions { Reader = new ReaderOptions { SkipBadLines = true, Labels = Conll } }, report).ToList();

        Assert.Equal(new[] { "A", "E", "H" }, read.Select(r => r.Words[0]));
        Assert.Equal(3, report.Records);
        Assert.Equal(3, report.Skipped);
        Assert.Collection(report.FirstWarnings,
            w => Assert.Contains(":3: columns:", w),
            w => Assert.Contains(":6: column 4 (tag): unknown label 'B-WHAT'", w),
            w => Assert.Contains(":11: text: invalid UTF-8", w));
    }

    [Fact]
    public void Jsonl_bad_records_are_counted_and_only_the_first_messages_kept()
    {
        using var folder = new TempFolder();
        var good = "{\"tokens\":[\"a\"],\"ner_tags\":[\"O\"]}\n";
        var bad = "{\"tokens\":[\"a\",\"b\"],\"ner_tags\":[\"O\"]}\n";
        var path = folder.Write("a.jsonl", good + string.Concat(Enumerable.Repeat(bad, 15)) + "not json\n" + good);
        var report = new ReadReport();

        var read = JsonlTokenReader.Read(path, new JsonlTokenOptions { Reader = new ReaderOptions { SkipBadLines = true } }, report).ToList();

        Assert.Equal(2, read.Count);
        Assert.Equal(16, report.Skipped);
        Assert.Equal(ReadReport.MaxKeptMessages, report.FirstWarnings.Count);
        Assert.Contains(":2: ner_tags: 1 tags for 2 tokens", report.FirstWarnings[0]);
    }

    [Fact]
    public void Classification_bad_rows_are_skipped_but_a_bad_header_still_fails()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.tsv", "sentence\tlabel\ngood .\t1\nmissing\nalso good .\t0\nbad label\t7\n");
        var report = new ReadReport();
        var options = new ClassificationOptions { Reader = new ReaderOptions { SkipBadLines = true, Labels = new LabelSet(new[] { "0", "1" }) } };

        var read = ClassificationReader.ReadTsv(path, options, report).ToList();
        var header = folder.Write("b.tsv", "words\tlabel\nx\t1\n");

        Assert.Equal(new[] { "good .", "also good ." }, read.Select(r => r.Text));
        Assert.Equal(2, report.Skipped);
        Assert.Throws<DataFormatException>(() => ClassificationReader.ReadTsv(header, options).ToList());
    }
}
