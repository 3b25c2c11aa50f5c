using Orchestrator.Coordinator.ConsoleView;
using Orchestrator.Coordinator.Push;
using Orchestrator.Shared.Config;
using YamlDotNet.RepresentationModel;

namespace Orchestrator.Coordinator.Tests.Push;

public class ModelCardTests
{
    private static readonly ModelCardInput Ner = new("bert-finetuned-ner", new TrainOptions { Workers = 2, WarmupRatio = 0.1 })
    {
        BaseModel = "bert-base-cased",
        DatasetName = "conll2003",
        Evaluations =
        [
            new EvaluationRecord(1, 878, null, new Dictionary<string, double> { ["loss"] = 0.0712, ["precision"] = 0.91, ["recall"] = 0.93, ["f1"] = 0.92, ["accuracy"] = 0.982 }),
            new EvaluationRecord(2, 1756, 0.0412, new Dictionary<string, double> { ["loss"] = 0.0645, ["precision"] = 0.93, ["recall"] = 0.95, ["f1"] = 0.94, ["accuracy"] = 0.9865 }),
        ],
        FinalPerType = [new TypeScores("PER", 0.97, 0.98, 0.975, 1842), new TypeScores("LOC", 0.95, 0.96, 0.955, 1837)],
        TrainingLoss = [new LossPoint(10, 0.01, 1.234), new LossPoint(20, 0.02, 0.9)],
    };

    private static string FrontMatter(string card) => card.Split("---\n")[1];

    [Fact]
    public void Front_matter_is_valid_yaml_with_library_tags_and_metrics()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(FrontMatter(ModelCard.Generate(Ner))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("orchestrator", root["library_name"].ToString());
        Assert.Equal("bert-base-cased", root["base_model"].ToString());
        Assert.Equal(["generated_from_trainer", "token-classification", "ner"], ((YamlSequenceNode)root["tags"]).Select(n => n.ToString()));
        Assert.Equal(["precision", "recall", "f1", "accuracy"], ((YamlSequenceNode)root["metrics"]).Select(n => n.ToString()));
        Assert.Equal(["conll2003"], ((YamlSequenceNode)root["datasets"]).Select(n => n.ToString()));
    }

    [Fact]
    public void Body_has_final_results_per_type_scores_hyperparameters_history_and_loss_curve()
    {
        var card = ModelCard.Generate(Ner);
        Assert.Contains("This model is a fine-tuned version of [bert-base-cased](https://huggingface.co/bert-base-cased) on the conll2003 dataset", card);
        Assert.Contains("- Loss: 0.0645\n- Precision: 0.9300\n- Recall: 0.9500\n- F1: 0.9400\n- Accuracy: 0.9865\n", card);
        Assert.Contains("| LOC | 0.9500 | 0.9600 | 0.9550 | 1837 |\n| PER | 0.9700 | 0.9800 | 0.9750 | 1842 |", card);
        Assert.Contains("- learning_rate: 2e-05\n", card);
        Assert.Contains("- total_train_batch_size: 16\n", card);
        Assert.Contains("- optimizer: AdamW with betas=(0.9,0.999) and epsilon=1e-08, weight_decay=0.01\n", card);
        Assert.Contains("- lr_scheduler_warmup_ratio: 0.1\n", card);
        Assert.Contains("| Training Loss | Epoch | Step | Validation Loss | Precision | Recall | F1 | Accuracy |", card);
        Assert.Contains("| No log | 1.0 | 878 | 0.0712 | 0.9100 | 0.9300 | 0.9200 | 0.9820 |", card);
        Assert.Contains("| 0.0412 | 2.0 | 1756 | 0.0645 | 0.9300 | 0.9500 | 0.9400 | 0.9865 |", card);
        Assert.Contains("| 10 | 0.01 | 1.2340 |", card);
    }

    [Fact]
    public void Classification_card_without_history_stays_well_formed()
    {
        var card = ModelCard.Generate(new ModelCardInput("mrpc: run #1", new TrainOptions { Task = TrainTask.Classification, Workers = 1 })
        {
            BaseModel = "/models/local/bert-base-uncased/",
        });
        var yaml = new YamlStream();
        yaml.Load(new StringReader(FrontMatter(card)));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        Assert.Equal("mrpc: run #1", ((YamlMappingNode)((YamlSequenceNode)root["model-index"])[0])["name"].ToString());
        Assert.False(root.Children.ContainsKey("base_model"));
        Assert.Contains("fine-tuned version of `bert-base-uncased` on a custom dataset for sequence classification.", card);
        Assert.Contains("- learning_rate: 5e-05\n", card);
        Assert.DoesNotContain("Training results", card);
        Assert.DoesNotContain("distributed_type", card);
    }
}
