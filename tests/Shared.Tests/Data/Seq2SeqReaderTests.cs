using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Tests.Data;

/// <summary>Sequence-to-sequence data in CSV, TSV and JSON Lines: the tutorial's columns by default, any columns by name, errors by line and column.</summary>
public class Seq2SeqReaderTests
{
    [Fact]
    public void Csv_reads_context_and_question_as_inputs_and_text_as_target_with_quoted_fields()
    {
        using var folder = new TempFolder();
        var file = folder.Write("train.csv", "id,context,question,text\n7,\"Ana lives in Tirel, a town.\",Where does Ana live?,Tirel\n8,\"He said \"\"no\"\".\",What did he say?,no\n");
        var examples = Seq2SeqReader.ReadCsv(file).ToList();
        Assert.Equal(2, examples.Count);
        Assert.Equal(["Ana lives in Tirel, a town.", "Where does Ana live?"], examples[0].Inputs);
        Assert.Equal("Tirel", examples[0].Target);
        Assert.Equal("He said \"no\".", examples[1].Inputs[0]);
        Assert.Equal(new SourceLocation(file, 3), examples[1].Source);
    }

    [Fact]
    public void Tsv_and_jsonl_take_configured_columns()
    {
        using var folder = new TempFolder();
        var columns = new Seq2SeqColumns { InputColumns = ["document"], TargetColumn = "summary" };
        var tsv = folder.Write("train.tsv", "summary\tdocument\nshort\tA long document.\n");
        var jsonl = folder.Write("train.jsonl", "{\"document\": \"Another one.\", \"summary\": \"brief\", \"extra\": 1}\n");
        var fromTsv = Assert.Single(Seq2SeqReader.ReadTsv(tsv, columns));
        Assert.Equal(["A long document."], fromTsv.Inputs);
        Assert.Equal("short", fromTsv.Target);
        var fromJson = Assert.Single(Seq2SeqReader.ReadJsonl(jsonl, columns));
        Assert.Equal(["Another one."], fromJson.Inputs);
        Assert.Equal("brief", fromJson.Target);
    }

    [Theory]
    [InlineData("train.csv", "context,question,text\nA.,Q?,\n", 2, "text", "empty text")]
    [InlineData("train.csv", "context,question,text\nA.,Q?,x\nB.,Q?\n", 3, "columns", "found 2 columns, expected 3")]
    [InlineData("train.csv", "context,text\nA.,x\n", 1, "header", "input column 'question' not found")]
    [InlineData("train.jsonl", "{\"context\": \"A.\", \"question\": \"Q?\", \"text\": \"x\"}\n{\"context\": \"B.\", \"text\": \"y\"}\n", 2, "question", "missing")]
    [InlineData("train.jsonl", "{\"context\": \"A.\", \"question\": \"Q?\", \"text\": 3}\n", 1, "text", "expected a string")]
    public void Bad_lines_name_file_line_and_column(string name, string content, int line, string field, string reason)
    {
        using var folder = new TempFolder();
        var file = folder.Write(name, content);
        var columns = new Seq2SeqColumns();
        var read = name.EndsWith(".csv") ? Seq2SeqReader.ReadCsv(file, columns) : Seq2SeqReader.ReadJsonl(file, columns);
        var error = Assert.Throws<DataFormatException>(() => read.ToList());
        Assert.Equal(file, error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Skip_bad_lines_keeps_the_good_ones_and_counts_the_rest()
    {
        using var folder = new TempFolder();
        var file = folder.Write("train.csv", "context,question,text\nA.,Q?,x\nB.,Q?,\nC.,Q?,z\n");
        var report = new ReadReport();
        var examples = Seq2SeqReader.ReadCsv(file, new Seq2SeqColumns { Reader = new ReaderOptions { SkipBadLines = true } }, report).ToList();
        Assert.Equal(["x", "z"], examples.Select(e => e.Target));
        Assert.Equal(1, report.Skipped);
    }

    [Fact]
    public void A_task_dataset_of_seq2seq_has_no_labels_and_reads_each_split()
    {
        using var folder = new TempFolder();
        folder.Write("train.csv", "context,question,text\nA.,Q?,x\n");
        folder.Write("validation.jsonl", "{\"context\": \"B.\", \"question\": \"Q?\", \"text\": \"y\"}\n");
        var dataset = TaskDataset.Open(folder.Path, new DataOptions { Task = DataTask.Seq2Seq });
        Assert.Null(dataset.Labels);
        Assert.Equal("x", Assert.Single(dataset.ReadSeq2Seq(Split.Train)).Target);
        Assert.Equal("y", Assert.Single(dataset.ReadSeq2Seq(Split.Validation)).Target);
        var conll = new TempFolder();
        using (conll)
        {
            conll.Write("train.conll", "a O\n");
            var wrongFormat = TaskDataset.Open(conll.Path, new DataOptions { Task = DataTask.Seq2Seq });
            Assert.Throws<DataFormatException>(() => wrongFormat.ReadSeq2Seq(Split.Train).ToList());
        }
    }
}
