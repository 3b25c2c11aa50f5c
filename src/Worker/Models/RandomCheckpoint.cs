namespace Orchestrator.Worker.Models;

/// <summary>What `orchestrator init-model` asks for.</summary>
public sealed record RandomCheckpointRequest(
    string ModelType, string Size, ModelTask Task, IReadOnlyList<string> Labels, string VocabPath, bool Lowercase, string Output, long Seed);

/// <summary>Writes a randomly initialised model folder (save_pretrained layout) from a vocabulary and labels.</summary>
public static class RandomCheckpoint
{
    public static ITaskModel Create(RandomCheckpointRequest request)
    {
        var vocab = ReadVocab(request.VocabPath);
        var pad = vocab.IndexOf("[PAD]");
        if (pad < 0) throw new InvalidDataException($"{request.VocabPath}: the vocabulary has no [PAD] token (needed for pad_token_id)");
        foreach (var special in new[] { "[CLS]", "[SEP]", "[UNK]" })
            if (!vocab.Contains(special)) throw new InvalidDataException($"{request.VocabPath}: the vocabulary has no {special} token");
        if (Directory.Exists(request.Output) && Directory.EnumerateFileSystemEntries(request.Output).Any())
            throw new IOException($"{request.Output} exists and is not empty: choose a new output folder");

        var config = ModelSizes.Config(request.ModelType, request.Size, vocab.Count, pad, request.Labels);
        var model = PretrainedModels.CreateRandom(config, request.Task, request.Seed);
        try
        {
            // Only the vocabulary comes from outside: tokenizer_config.json follows --lowercase, not a neighbouring file.
            PretrainedModels.Save(model, request.Output, tokenizerSource: null, doLowerCase: request.Lowercase);
            var vocabBytes = File.ReadAllBytes(request.VocabPath);
            Orchestrator.Torch.Safetensors.DurableFile.Write(Path.Combine(request.Output, TokenizerFiles.Vocab), s => s.Write(vocabBytes));
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>One token per line, as BertTokenizer's load_vocab (a final empty line is not a token).</summary>
    public static List<string> ReadVocab(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"vocabulary {path} not found", path);
        var lines = File.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        if (lines.Count == 0) throw new InvalidDataException($"{path}: the vocabulary is empty");
        return lines;
    }

    /// <summary>Labels from a file, one per line (blank lines skipped); duplicates name their line.</summary>
    public static List<string> ReadLabels(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"labels file {path} not found", path);
        var labels = new List<string>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            var label = line.Trim();
            if (label.Length == 0) continue;
            if (labels.Contains(label)) throw new InvalidDataException($"{path}:{lineNumber}: label '{label}' appears twice");
            labels.Add(label);
        }
        if (labels.Count == 0) throw new InvalidDataException($"{path}: no labels");
        return labels;
    }
}
