using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Text;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Generation;
using Orchestrator.Worker.Models;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Coordinator.Cli;

/// <summary>
/// A sequence-to-sequence model folder ready to generate with: T5ForConditionalGeneration (in eval mode), the
/// folder's T5 tokenizer, and the generation defaults of its generation_config.json or config.json.
/// </summary>
public sealed class GenerationModel : IDisposable
{
    private GenerationModel(T5ForConditionalGeneration model, T5Tokenizer tokenizer, GenerationDefaults defaults)
    {
        Model = model;
        Tokenizer = tokenizer;
        Defaults = defaults;
    }

    public T5ForConditionalGeneration Model { get; }
    public T5Tokenizer Tokenizer { get; }
    public GenerationDefaults Defaults { get; }

    /// <summary>Loads <paramref name="folder"/>; every problem with it is a <see cref="RunInputException"/> naming the file.</summary>
    public static GenerationModel Load(string folder)
    {
        if (!Directory.Exists(folder)) throw new RunInputException($"{folder}: model folder not found");
        T5Tokenizer tokenizer;
        GenerationDefaults defaults;
        T5ForConditionalGeneration model;
        try
        {
            // config.json first: a folder of another kind of model is named as such before its files are read.
            var configPath = Path.Combine(folder, ModelConfig.FileName);
            if (!File.Exists(configPath)) throw new RunInputException($"{folder}: no {ModelConfig.FileName}: not a model folder");
            T5Config.Load(configPath);
            if (!T5Tokenizer.IsT5Tokenizer(folder))
                throw new RunInputException($"{folder}: no T5 tokenizer in the model folder (spiece.model, or a tokenizer.json with a Unigram model)");
            tokenizer = T5Tokenizer.Load(folder);
            defaults = GenerationConfigFile.Read(folder);
            model = T5Pretrained.Load(folder);
        }
        catch (Exception error) when (error is IOException or FormatException or InvalidDataException or ModelConfigException
                                          or ModelCheckpointException or SafetensorsFormatException)
        {
            throw new RunInputException(error.Message, error);
        }
        if (tokenizer.VocabSize > model.Config.VocabSize)
        {
            var configPath = Path.Combine(folder, ModelConfig.FileName);
            model.Dispose();
            throw new RunInputException($"{configPath}: field 'vocab_size': {model.Config.VocabSize} rows cannot embed the tokenizer's {tokenizer.VocabSize} ids ({tokenizer.Source})");
        }
        model.eval();
        return new GenerationModel(model, tokenizer, defaults);
    }

    /// <summary>
    /// `tokenizer(context, question, max_length=L, truncation="only_first")` for a question (T5: `context &lt;/s&gt;
    /// question &lt;/s&gt;`, the context cut to fit), `tokenizer(text, max_length=L, truncation=True)` for a text.
    /// A question that leaves no room for its context is a <see cref="RunInputException"/> naming line and field.
    /// </summary>
    public Encoding Encode(GenerateInput input, int maxSourceLength, string source)
    {
        if (input.Question is null) return Tokenizer.Encode(input.Text, null, maxSourceLength, TruncationStrategy.LongestFirst);
        try
        {
            return Tokenizer.Encode(input.Text, input.Question, maxSourceLength, TruncationStrategy.OnlyFirst);
        }
        catch (ArgumentException)
        {
            var questionTokens = Tokenizer.EncodeWithoutSpecialTokens(input.Question).Length;
            throw new RunInputException(
                $"{source} line {input.Line}: field \"question\": its {questionTokens} tokens leave no room for the context within " +
                $"--max-source-length {maxSourceLength} (with its 2 </s> tokens; only the context is truncated)");
        }
    }

    /// <summary>
    /// Generates for a batch of encodings (padded on the right with the pad id, attention mask 0, as the T5 tokenizer
    /// pads). Returns, per input, the generated ids: generate's row without the decoder start token and without the
    /// padding that only batching adds (everything after the first eos).
    /// </summary>
    public IReadOnlyList<int[]> Generate(IReadOnlyList<Encoding> batch, GenerationOptions options)
    {
        using var scope = torch.NewDisposeScope();
        var (inputIds, attentionMask) = PaddedBatch(batch, Tokenizer.PadTokenId);
        var result = Seq2SeqGenerator.Generate(Model, inputIds, attentionMask, options);
        return result.Sequences.Select(row => GeneratedIds(row, Model.EosTokenId)).ToList();
    }

    /// <summary>input_ids and attention_mask [batch, longest], padded on the right.</summary>
    public static (torch.Tensor InputIds, torch.Tensor AttentionMask) PaddedBatch(IReadOnlyList<Encoding> batch, int padTokenId)
    {
        var width = batch.Max(e => e.Length);
        var ids = new long[batch.Count * width];
        var mask = new long[batch.Count * width];
        Array.Fill(ids, padTokenId);
        for (var i = 0; i < batch.Count; i++)
            for (var j = 0; j < batch[i].Length; j++)
            {
                ids[i * width + j] = batch[i].InputIds[j];
                mask[i * width + j] = batch[i].AttentionMask[j];
            }
        return (torch.tensor(ids, [batch.Count, width]), torch.tensor(mask, [batch.Count, width]));
    }

    /// <summary>A generated row without its start token, cut after the first eos (what follows is padding).</summary>
    public static int[] GeneratedIds(long[] row, long eosTokenId)
    {
        var end = Array.IndexOf(row, eosTokenId, 1);
        var length = end < 0 ? row.Length : end + 1;
        return row[1..length].Select(id => (int)id).ToArray();
    }

    public void Dispose() => Model.Dispose();
}
