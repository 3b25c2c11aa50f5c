using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Orchestrator.Shared.Data;

/// <summary>
/// SHA-256 over a run's encoded splits (every example's ids, token types, labels and word ids, in order) and its
/// label names and tokenizer files. Each worker reads and encodes the data itself; equal fingerprints prove that it
/// trains on exactly the coordinator's data, so shards can be sent as indices.
/// </summary>
public static class DataFingerprint
{
    private static readonly string[] TokenizerFiles = ["vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "spiece.model"];

    public static string Compute(IReadOnlyList<EncodedExample> train, IReadOnlyList<EncodedExample> validation, IReadOnlyList<string> labels, string tokenizerDirectory)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var split in new[] { train, validation })
        {
            Add(hash, split.Count);
            foreach (var example in split)
            {
                Add(hash, example.ExampleIndex);
                AddArray(hash, example.InputIds);
                AddArray(hash, example.TokenTypeIds);
                AddArray(hash, example.Labels);
                AddArray(hash, example.WordIds.Select(w => w ?? -1).ToArray());
            }
        }
        foreach (var label in labels) hash.AppendData(System.Text.Encoding.UTF8.GetBytes(label + "\n"));
        foreach (var file in TokenizerFiles)
        {
            var path = Path.Combine(tokenizerDirectory, file);
            if (!File.Exists(path)) continue;
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(file + "\n"));
            hash.AppendData(File.ReadAllBytes(path));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Add(IncrementalHash hash, int value) => hash.AppendData(BitConverter.GetBytes(value));

    private static void AddArray(IncrementalHash hash, int[] values)
    {
        Add(hash, values.Length);
        hash.AppendData(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
