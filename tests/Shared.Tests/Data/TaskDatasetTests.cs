using Orchestrator.Shared.Data;
using Orchestrator.Shared.Data.Readers;

namespace Orchestrator.Shared.Tests.Data;

public class TaskDatasetTests
{
    [Fact]
    public void Splits_are_found_by_name_with_any_extension_and_dev_is_validation()
    {
        using var folder = new TempFolder();
        folder.Write("train.txt", "A x x O\n");
        folder.Write("dev.conll", "B x x O\n");
        folder.Write("test.iob", "C x x O\n");
        folder.Write("README.md", "not data");

        var found = DatasetFolder.Open(folder.Path);

        Assert.EndsWith("train.txt", found.Require(Split.Train));
        Assert.EndsWith("dev.conll", found.Require(Split.Validation));
        Assert.EndsWith("test.iob", found.Require(Split.Test));
    }

    [Fact]
    public void Two_files_for_one_split_or_no_train_file_fail()
    {
        using var a = new TempFolder();
        a.Write("train.conll", "A x x O\n");
        a.Write("train.jsonl", "{}\n");
        using var b = new TempFolder();
        b.Write("validation.conll", "A x x O\n");

        Assert.Contains("several files", Assert.Throws<DataFormatException>(() => DatasetFolder.Open(a.Path)).Message);
        Assert.Equal("train", Assert.Throws<DataFormatException>(() => DatasetFolder.Open(b.Path)).Field);
    }

    [Fact]
    public void Labels_are_collected_from_train_and_unknown_labels_in_validation_fail()
    {
        using var folder = new TempFolder();
        folder.Write("train.conll", "A x x B-PER\nB x x I-PER\n\nC x x B-LOC\n");
        var validation = folder.Write("validation.conll", "A x x O\n\nB x x B-ORG\n");

        var dataset = TaskDataset.Open(folder.Path, new DataOptions());
        var error = Assert.Throws<DataFormatException>(() => dataset.ReadTokens(Split.Validation).ToList());

        Assert.Equal(new[] { "O", "B-LOC", "I-LOC", "B-PER", "I-PER" }, dataset.Labels.Names);
        Assert.StartsWith("collected from", dataset.LabelSource);
        Assert.Equal((validation, 3), (error.File, error.Line));
    }

    [Fact]
    public void Labels_file_in_the_folder_wins_over_collection()
    {
        using var folder = new TempFolder();
        folder.Write("train.jsonl", "{\"tokens\":[\"A\",\"B\"],\"ner_tags\":[1,2]}\n");
        folder.Write("labels.txt", "O\nB-PER\nI-PER\n");

        var dataset = TaskDataset.Open(folder.Path, new DataOptions());

        Assert.Equal(new[] { "B-PER", "I-PER" }, dataset.ReadTokens(Split.Train).Single().Tags);
    }

    [Fact]
    public void Classification_csv_with_string_labels()
    {
        using var folder = new TempFolder();
        folder.Write("train.csv", "text,label\n\"Good, really\",pos\nBad,neg\n");
        folder.Write("validation.csv", "text,label\nFine,meh\n");

        var dataset = TaskDataset.Open(folder.Path, new DataOptions { Task = DataTask.Classification });

        Assert.Equal(new[] { "neg", "pos" }, dataset.Labels.Names);
        Assert.Equal("Good, really", dataset.ReadClassification(Split.Train).First().Text);
        Assert.Throws<DataFormatException>(() => dataset.ReadClassification(Split.Validation).ToList());
    }

    [Fact]
    public void Token_task_on_a_classification_file_is_a_clear_error()
    {
        using var folder = new TempFolder();
        var file = folder.Write("train.tsv", "sentence\tlabel\nx\t1\n");

        var error = Assert.Throws<DataFormatException>(() => TaskDataset.Open(folder.Path, new DataOptions { Task = DataTask.Ner }));

        Assert.Equal(file, error.File);
        Assert.Contains("classification data", error.Message);
    }
}
