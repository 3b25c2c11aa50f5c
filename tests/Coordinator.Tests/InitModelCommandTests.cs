using System.CommandLine;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Coordinator.Tests;

public class InitModelCommandTests
{
    [Fact]
    public void InitModelCreatesAFolderThatLoadsForTheRequestedTask()
    {
        var folder = Directory.CreateTempSubdirectory("init-model-").FullName;
        try
        {
            var vocab = Path.Combine(folder, "vocab.txt");
            File.WriteAllText(vocab, "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nyes\nno\n");
            var labels = Path.Combine(folder, "labels.txt");
            File.WriteAllText(labels, "negative\npositive\n");
            var output = Path.Combine(folder, "model");
            var root = new RootCommand { InitModelCommand.Create() };

            var exit = root.Parse(["init-model", "--arch", "distilbert", "--size", "tiny", "--labels-file", labels, "--vocab", vocab,
                "--task", "sequence", "--output", output, "--seed", "5"]).Invoke();

            Assert.Equal(0, exit);
            using var model = PretrainedModels.Load(output, ModelTask.SequenceClassification);
            Assert.Equal("DistilBertForSequenceClassification", model.Architecture);
            Assert.Equal(["negative", "positive"], model.Config.Labels);
            Assert.NotEqual(0, root.Parse(["init-model", "--vocab", vocab, "--output", Path.Combine(folder, "none")]).Invoke());
            Assert.False(Directory.Exists(Path.Combine(folder, "none")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void InitModelT5WritesAModelThatLoadsAndCopiesTheTokenizerFiles()
    {
        var folder = Directory.CreateTempSubdirectory("init-model-t5-").FullName;
        try
        {
            var tokenizer = Directory.CreateDirectory(Path.Combine(folder, "tok")).FullName;
            File.WriteAllBytes(Path.Combine(tokenizer, "spiece.model"), [1, 2, 3]);
            File.WriteAllText(Path.Combine(tokenizer, "tokenizer.json"),
                """{"model": {"type": "Unigram", "vocab": [["<pad>", 0.0], ["</s>", 0.0], ["<unk>", 0.0], ["a", -1.0]]}, "added_tokens": [{"id": 5, "content": "<extra_id_0>"}]}""");
            var output = Path.Combine(folder, "t5");
            var root = new RootCommand { InitModelCommand.Create() };

            var exit = root.Parse(["init-model", "--arch", "t5", "--size", "tiny", "--variant", "v1.1", "--tokenizer", tokenizer, "--output", output]).Invoke();

            Assert.Equal(0, exit);
            using var model = T5Pretrained.Load(output);
            Assert.Equal(6, model.Config.VocabSize); // the tokenizer's ids, 0..5
            Assert.False(model.Config.TieWordEmbeddings);
            Assert.Equal("gelu_new", model.Config.DenseActFn);
            Assert.Equal((2, 128), (model.Config.NumLayers, model.Config.DModel));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(Path.Combine(output, "spiece.model")));
            Assert.True(File.Exists(Path.Combine(output, "tokenizer.json")));

            // Too few rows for the tokenizer, and classifier options on t5, are refused before anything is written.
            Assert.NotEqual(0, root.Parse(["init-model", "--arch", "t5", "--vocab-size", "4", "--tokenizer", tokenizer, "--output", Path.Combine(folder, "small")]).Invoke());
            Assert.False(Directory.Exists(Path.Combine(folder, "small")));
            Assert.NotEqual(0, root.Parse(["init-model", "--arch", "t5", "--labels", "a,b", "--output", Path.Combine(folder, "labels")]).Invoke());
            Assert.False(Directory.Exists(Path.Combine(folder, "labels")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
