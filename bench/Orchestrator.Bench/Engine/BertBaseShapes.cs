namespace Orchestrator.Bench.Engine;

/// <summary>Parameter shapes of bert-base-uncased (about 110M float32 values), in Hugging Face order.</summary>
internal static class BertBaseShapes
{
    public static IEnumerable<(string name, long[] shape)> All()
    {
        const long h = 768, ff = 3072;
        yield return ("embeddings.word_embeddings.weight", [30522, h]);
        yield return ("embeddings.position_embeddings.weight", [512, h]);
        yield return ("embeddings.token_type_embeddings.weight", [2, h]);
        yield return ("embeddings.LayerNorm.weight", [h]);
        yield return ("embeddings.LayerNorm.bias", [h]);
        for (var i = 0; i < 12; i++)
        {
            var p = $"encoder.layer.{i}.";
            foreach (var m in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return (p + m + ".weight", [h, h]);
                yield return (p + m + ".bias", [h]);
            }
            yield return (p + "attention.output.LayerNorm.weight", [h]);
            yield return (p + "attention.output.LayerNorm.bias", [h]);
            yield return (p + "intermediate.dense.weight", [ff, h]);
            yield return (p + "intermediate.dense.bias", [ff]);
            yield return (p + "output.dense.weight", [h, ff]);
            yield return (p + "output.dense.bias", [h]);
            yield return (p + "output.LayerNorm.weight", [h]);
            yield return (p + "output.LayerNorm.bias", [h]);
        }
        yield return ("pooler.dense.weight", [h, h]);
        yield return ("pooler.dense.bias", [h]);
    }
}
