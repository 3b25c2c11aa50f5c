using Orchestrator.Torch;
using Orchestrator.Worker.Models;

namespace Orchestrator.Worker.Inference;

/// <summary>
/// Runs a classification model on sequences in batches for prediction: eval mode, no autograd, each batch padded
/// to its own longest sequence (dynamic padding, masked out by the attention mask) in its own dispose scope, and
/// the logits copied out as float32: per token for a token head, per sequence for a sequence head.
/// </summary>
public sealed class BatchRunner(ITaskModel model, int padTokenId)
{
    public ITaskModel Model => model;

    public int NumLabels => model.Config.NumLabels;

    /// <summary>
    /// Logits of every input, in order: [length * labels] (row-major, token by token) for a token head,
    /// [labels] for a sequence head.
    /// </summary>
    public float[][] Logits(IReadOnlyList<ModelInput> inputs, int batchSize)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "a batch holds at least one sequence");
        model.Module.eval();
        var result = new float[inputs.Count][];
        using var noGrad = torch.no_grad();
        for (int first = 0; first < inputs.Count; first += batchSize)
        {
            int count = Math.Min(batchSize, inputs.Count - first);
            RunBatch(inputs, first, count, result);
        }
        return result;
    }

    private void RunBatch(IReadOnlyList<ModelInput> inputs, int first, int count, float[][] result)
    {
        int width = 0;
        for (int i = 0; i < count; i++) width = Math.Max(width, inputs[first + i].Length);
        var ids = new long[count * width];
        var types = new long[count * width];
        var mask = new long[count * width];
        Array.Fill(ids, (long)padTokenId);
        for (int i = 0; i < count; i++)
        {
            var input = inputs[first + i];
            for (int t = 0; t < input.Length; t++)
            {
                ids[i * width + t] = input.InputIds[t];
                types[i * width + t] = input.TokenTypeIds[t];
                mask[i * width + t] = 1;
            }
        }

        using var scope = torch.NewDisposeScope();
        long[] shape = [count, width];
        var logits = model.forward(torch.tensor(ids, shape), torch.tensor(mask, shape), torch.tensor(types, shape)).Logits;
        var values = logits.data<float>();
        int labels = NumLabels;
        for (int i = 0; i < count; i++)
        {
            if (model.Task == ModelTask.SequenceClassification)
            {
                result[first + i] = values.AsSpan(i * labels, labels).ToArray();
                continue;
            }
            // Padding positions are dropped: each sequence keeps the logits of its own tokens.
            result[first + i] = values.AsSpan(i * width * labels, inputs[first + i].Length * labels).ToArray();
        }
    }
}
