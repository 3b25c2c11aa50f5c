using System.CommandLine;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Worker.Models;

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
}
