namespace Orchestrator.Shared.Text;

/// <summary>One item of a TemplateProcessing template: a special token, or sequence A (0) / B (1).</summary>
public readonly record struct TemplatePiece(bool IsSequence, int Sequence, int SpecialId, string? SpecialToken, int TypeId)
{
    public static TemplatePiece Special(string token, int id, int typeId) => new(false, 0, id, token, typeId);
    public static TemplatePiece Of(int sequence, int typeId) => new(true, sequence, 0, null, typeId);
}

/// <summary>Where special tokens go around one text or a pair (Hugging Face's TemplateProcessing / BertProcessing).</summary>
public sealed class PostProcessorTemplate
{
    public PostProcessorTemplate(IReadOnlyList<TemplatePiece> single, IReadOnlyList<TemplatePiece> pair)
    {
        Single = single;
        Pair = pair;
        SpecialCountSingle = single.Count(p => !p.IsSequence);
        SpecialCountPair = pair.Count(p => !p.IsSequence);
    }

    public IReadOnlyList<TemplatePiece> Single { get; }
    public IReadOnlyList<TemplatePiece> Pair { get; }
    public int SpecialCountSingle { get; }
    public int SpecialCountPair { get; }

    /// <summary>BertProcessing: `[CLS] A [SEP]` and `[CLS] A [SEP] B [SEP]` with type ids 0 then 1.</summary>
    public static PostProcessorTemplate Bert(string cls, int clsId, string sep, int sepId) => new(
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Of(0, 0), TemplatePiece.Special(sep, sepId, 0)],
        [TemplatePiece.Special(cls, clsId, 0), TemplatePiece.Of(0, 0), TemplatePiece.Special(sep, sepId, 0),
         TemplatePiece.Of(1, 1), TemplatePiece.Special(sep, sepId, 1)]);
}
