using System.Text;
using System.Text.Json;
using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Data.Synthetic;

namespace Orchestrator.Shared.Tests.Data;

public class ReaderRoundTripTests
{
    [Fact]
    public void Conll_written_sentences_read_back_with_each_tag_column()
    {
        using var folder = new TempFolder();
        var sentences = NerCorpusGenerator.Generate(50, seed: 5);
        var path = folder.Write("train.conll", NerCorpusGenerator.ToConll(sentences, 5));

        var ner = ConllReader.Read(path).ToList();
        var pos = ConllReader.Read(path, new ConllOptions { Task = DataTask.Pos }).ToList();
        var chunk = ConllReader.Read(path, new ConllOptions { TagColumn = 2 }).ToList();

        Assert.Equal(50, ner.Count);
        for (int i = 0; i < sentences.Count; i++)
        {
            Assert.Equal(sentences[i].Words, ner[i].Words);
            Assert.Equal(sentences[i].Ner, ner[i].Tags);
            Assert.Equal(sentences[i].Pos, pos[i].Tags);
            Assert.Equal(sentences[i].Chunks, chunk[i].Tags);
        }
    }

    [Fact]
    public void Conll_reads_tabs_crlf_bom_and_reports_sentence_start_lines()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("a.conll", new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(
            "-DOCSTART- -X- -X- O\r\n\r\nZoë\tNNP\tB-NP\tB-PER\r\nwalks VBZ B-VP O\r\n\r\n\r\nOK UH O O")).ToArray());

        var read = ConllReader.Read(path).ToList();

        Assert.Equal(2, read.Count);
        Assert.Equal(new[] { "Zoë", "walks" }, read[0].Words);
        Assert.Equal(new[] { "B-PER", "O" }, read[0].Tags);
        Assert.Equal(3, read[0].Source.Line);
        Assert.Equal(7, read[1].Source.Line);
    }

    [Fact]
    public void Iob1_is_converted_to_iob2()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.conll", "A x x I-PER\nB x x I-PER\nC x x B-PER\nD x x O\nE x x I-LOC\nF x x I-ORG\n");

        var read = ConllReader.Read(path, new ConllOptions { ConvertIob1ToIob2 = true }).Single();

        Assert.Equal(new[] { "B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG" }, read.Tags);
    }

    [Fact]
    public void Jsonl_tokens_with_integer_tags_use_dataset_info_names()
    {
        using var folder = new TempFolder();
        var names = new[] { "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC" };
        var info = folder.Write("dataset_info.json", JsonSerializer.Serialize(new
        {
            features = new { tokens = new { feature = new { dtype = "string" } }, ner_tags = new { feature = new { names, _type = "ClassLabel" }, _type = "Sequence" } },
        }));
        var rows = new[]
        {
            (Tokens: new[] { "Tamsin", "Quillane", "visited", "Korvath", "." }, Tags: new[] { 1, 2, 0, 5, 0 }),
            (Tokens: new[] { "Hello" }, Tags: new[] { 0 }),
        };
        var path = folder.Write("train.jsonl", string.Concat(rows.Select((r, i) =>
            JsonSerializer.Serialize(new { id = i.ToString(), tokens = r.Tokens, ner_tags = r.Tags }) + "\n")));
        var labels = LabelSet.LoadDatasetInfo(info, "ner_tags");

        var read = JsonlTokenReader.Read(path, new JsonlTokenOptions { Reader = new ReaderOptions { Labels = labels } }).ToList();

        Assert.Equal(names, labels.Names);
        Assert.Equal(rows[0].Tokens, read[0].Words);
        Assert.Equal(new[] { "B-PER", "I-PER", "O", "B-LOC", "O" }, read[0].Tags);
        Assert.Equal(2, read[1].Source.Line);
    }

    [Fact]
    public void Jsonl_iob1_tags_are_checked_after_conversion()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.jsonl", "{\"tokens\":[\"A\",\"B\",\"C\"],\"ner_tags\":[\"I-PER\",\"I-PER\",\"I-LOC\"]}\n");
        var labels = new LabelSet(new[] { "O", "B-PER", "I-PER", "B-LOC" });

        var read = JsonlTokenReader.Read(path, new JsonlTokenOptions { ConvertIob1ToIob2 = true, Reader = new ReaderOptions { Labels = labels } }).Single();

        Assert.Equal(new[] { "B-PER", "I-PER", "B-LOC" }, read.Tags);
    }

    [Fact]
    public void Jsonl_tokens_with_string_pos_tags()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.jsonl", "{\"tokens\":[\"It\",\"rains\"],\"pos_tags\":[\"PRP\",\"VBZ\"]}\n");

        var read = JsonlTokenReader.Read(path, new JsonlTokenOptions { Task = DataTask.Pos }).Single();

        Assert.Equal(new[] { "PRP", "VBZ" }, read.Tags);
    }

    [Fact]
    public void Mrpc_tsv_round_trip()
    {
        using var folder = new TempFolder();
        var pairs = ParaphraseGenerator.Generate(40, seed: 3, firstId: 10);
        var path = folder.Write("train.tsv", ParaphraseGenerator.ToTsv(pairs));

        var read = ClassificationReader.ReadTsv(path).ToList();

        Assert.Equal(pairs.Select(p => (p.Sentence1, p.Sentence2, p.Quality.ToString())), read.Select(r => (r.Text, r.Pair!, r.Label)));
    }

    [Fact]
    public void Tsv_keeps_bare_quotes_like_glue()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.tsv", "sentence\tlabel\nShe said \"no .\t0\n");

        var read = ClassificationReader.ReadTsv(path).Single();

        Assert.Equal("She said \"no .", read.Text);
        Assert.Null(read.Pair);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Csv_round_trip_with_quotes_commas_and_line_breaks(int seed)
    {
        using var folder = new TempFolder();
        var random = new Pcg32((ulong)seed);
        var alphabet = new[] { "a", "b", " ", ",", "\"", "\n", "é", "😀", "x" };
        var rows = Enumerable.Range(0, 30).Select(_ =>
            (Text: "t" + string.Concat(Enumerable.Range(0, 1 + random.NextInt(12)).Select(_ => random.Pick(alphabet))), Label: random.NextInt(2) == 0 ? "neg" : "pos")).ToList();
        static string Quote(string s) => s.Contains(',') || s.Contains('"') || s.Contains('\n') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        var path = folder.Write("a.csv", "text,label\n" + string.Concat(rows.Select(r => Quote(r.Text) + "," + r.Label + "\r\n")));

        var read = ClassificationReader.ReadCsv(path).ToList();

        Assert.Equal(rows.Select(r => (r.Text, r.Label)), read.Select(r => (r.Text, r.Label)));
    }

    [Fact]
    public void Csv_record_line_is_where_the_record_starts()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.csv", "text,label\n\"two\nlines\",1\nnext,0\n");

        var read = ClassificationReader.ReadCsv(path).ToList();

        Assert.Equal(new[] { 2, 4 }, read.Select(r => r.Source.Line));
        Assert.Equal("two\nlines", read[0].Text);
    }

    [Fact]
    public void Sentiment_jsonl_round_trip_and_integer_labels_index_named_label_sets()
    {
        using var folder = new TempFolder();
        var reviews = SentimentGenerator.Generate(30, seed: 9);
        var path = folder.Write("train.jsonl", SentimentGenerator.ToJsonl(reviews));

        var plain = ClassificationReader.ReadJsonl(path).ToList();
        var named = ClassificationReader.ReadJsonl(path, new ClassificationOptions { Reader = new ReaderOptions { Labels = new LabelSet(new[] { "neg", "pos" }) } }).ToList();

        Assert.Equal(reviews.Select(r => (r.Text, r.Label.ToString())), plain.Select(r => (r.Text, r.Label)));
        Assert.Equal(reviews.Select(r => r.Label == 1 ? "pos" : "neg"), named.Select(r => r.Label));
    }

    [Fact]
    public void Configured_columns_override_the_usual_names()
    {
        using var folder = new TempFolder();
        var path = folder.Write("a.csv", "review,stars,sentence\ngreat,5,ignored\n");

        var read = ClassificationReader.ReadCsv(path, new ClassificationOptions { TextColumn = "review", LabelColumn = "stars", SingleText = true }).Single();

        Assert.Equal(("great", (string?)null, "5"), (read.Text, read.Pair, read.Label));
    }

    [Fact]
    public void Readers_stream_instead_of_loading_the_whole_file()
    {
        using var folder = new TempFolder();
        // The second sentence is broken: taking only the first must not reach it.
        var path = folder.Write("a.conll", "A x x O\n\nB x O\n");

        var first = ConllReader.Read(path).First();

        Assert.Equal(new[] { "A" }, first.Words);
        Assert.Throws<DataFormatException>(() => ConllReader.Read(path).ToList());
    }
}
