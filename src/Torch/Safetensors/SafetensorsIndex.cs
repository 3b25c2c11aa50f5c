using System.Text.Json;

namespace Orchestrator.Torch.Safetensors;

/// <summary>
/// A Hugging Face sharded checkpoint index (<c>model.safetensors.index.json</c>):
/// <c>{"metadata": {...}, "weight_map": {"tensor name": "model-00001-of-00002.safetensors", ...}}</c>.
/// Shards are plain file names next to the index.
/// </summary>
public sealed class SafetensorsIndex
{
    public const string FileName = "model.safetensors.index.json";

    // An index lists names and file names only; anything this large is not one.
    private const long MaxIndexBytes = 100_000_000;

    private SafetensorsIndex(string path, IReadOnlyDictionary<string, string> metadata, IReadOnlyDictionary<string, string> weightMap)
    {
        Path = path;
        Metadata = metadata;
        WeightMap = weightMap;
    }

    public string Path { get; }

    /// <summary>The "metadata" object; non-string values (e.g. total_size) are kept as their JSON text.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor name to shard file name.</summary>
    public IReadOnlyDictionary<string, string> WeightMap { get; }

    /// <summary>Distinct shard file names, in order.</summary>
    public IReadOnlyList<string> Shards => WeightMap.Values.Distinct().Order(StringComparer.Ordinal).ToList();

    public static SafetensorsIndex Load(string path)
    {
        var length = new FileInfo(path).Length;
        if (length > MaxIndexBytes)
            throw new SafetensorsFormatException(path, null, null, $"the index is {length} bytes, over the {MaxIndexBytes}-byte limit");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(path, null, null, $"the index is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, null, $"the index must be a JSON object, not {root.ValueKind}");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("metadata", out var meta) && meta.ValueKind != JsonValueKind.Null)
            {
                if (meta.ValueKind != JsonValueKind.Object)
                    throw new SafetensorsFormatException(path, null, "metadata", $"expected an object, got {meta.ValueKind}");
                foreach (var item in meta.EnumerateObject())
                    metadata[item.Name] = item.Value.ValueKind == JsonValueKind.String ? item.Value.GetString()! : item.Value.GetRawText();
            }

            if (!root.TryGetProperty("weight_map", out var map))
                throw new SafetensorsFormatException(path, null, "weight_map", "the field is missing");
            if (map.ValueKind != JsonValueKind.Object)
                throw new SafetensorsFormatException(path, null, "weight_map", $"expected an object of tensor name to shard file, got {map.ValueKind}");
            var weightMap = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var item in map.EnumerateObject())
            {
                if (item.Value.ValueKind != JsonValueKind.String)
                    throw new SafetensorsFormatException(path, item.Name, "weight_map", $"the shard must be a file name string, got {item.Value.ValueKind}");
                var shard = item.Value.GetString()!;
                if (shard.Length == 0 || shard is "." or ".." || System.IO.Path.GetFileName(shard) != shard || shard.Contains('\\'))
                    throw new SafetensorsFormatException(path, item.Name, "weight_map",
                        $"shard \"{shard}\" must be a plain file name in the index's folder");
                if (!weightMap.TryAdd(item.Name, shard))
                    throw new SafetensorsFormatException(path, item.Name, "weight_map", "the tensor name appears twice");
            }
            return new SafetensorsIndex(path, metadata, weightMap);
        }
    }

    /// <summary>
    /// Reads every tensor the index lists, opening each shard once. A missing shard, or a tensor the index
    /// places in a shard that does not hold it, is a <see cref="SafetensorsFormatException"/>; on any failure
    /// the tensors already read are disposed.
    /// </summary>
    public Dictionary<string, torch.Tensor> ReadAll()
    {
        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        var result = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var group in WeightMap.GroupBy(p => p.Value).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var shardPath = System.IO.Path.Combine(folder, group.Key);
                if (!File.Exists(shardPath))
                    throw new SafetensorsFormatException(Path, group.First().Key, "weight_map",
                        $"shard \"{group.Key}\" does not exist (expected at {shardPath}); {group.Count()} tensors are mapped to it");
                using var shard = SafetensorsFile.Open(shardPath);
                foreach (var (name, _) in group.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!shard.Contains(name))
                        throw new SafetensorsFormatException(Path, name, "weight_map",
                            $"the index places this tensor in \"{group.Key}\" but that shard does not hold it");
                    result.Add(name, shard.ReadTensor(name));
                }
            }
            return result;
        }
        catch
        {
            foreach (var tensor in result.Values) tensor.Dispose();
            throw;
        }
    }

    public static Dictionary<string, torch.Tensor> ReadAll(string indexPath) => Load(indexPath).ReadAll();
}
