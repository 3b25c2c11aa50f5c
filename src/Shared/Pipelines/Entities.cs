namespace Orchestrator.Shared.Pipelines;

/// <summary>
/// One token of an encoded chunk as the pipeline reads it: its vocabulary string, whether it is special (skipped)
/// or the unknown token, and its UTF-16 offsets into the text.
/// </summary>
public readonly record struct ChunkToken(string Token, bool Special, bool Unknown, int Start, int End);

/// <summary>
/// A token ready for aggregation (the pipeline's pre_entity): its string (the text itself for the unknown token),
/// its label scores, code point offsets, its index in the encoded sequence, and whether it continues the previous
/// token's word.
/// </summary>
public sealed record PreEntity(string Word, float[] Scores, int Start, int End, int Index, bool IsSubword);

/// <summary>
/// An entity as the pipeline returns it. <see cref="Label"/> is `entity` (with <see cref="Index"/>) for the none
/// strategy, `entity_group` otherwise; <see cref="Start"/>/<see cref="End"/> are code point offsets.
/// </summary>
public sealed record Entity(string Label, float Score, string Word, int Start, int End, int? Index = null);
