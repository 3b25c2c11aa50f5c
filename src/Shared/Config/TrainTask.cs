namespace Orchestrator.Shared.Config;

/// <summary>What is being trained: a token-classification scheme, sequence classification, or sequence to sequence (T5).</summary>
public enum TrainTask
{
    Ner,
    Pos,
    Chunk,
    Classification,
    /// <summary>Text to text with an encoder-decoder model (T5 question answering: context and question in, answer out).</summary>
    Seq2Seq,
}

public static class TrainTaskExtensions
{
    /// <summary>NER, POS and chunking label every token; classification labels the whole sequence.</summary>
    public static bool IsTokenClassification(this TrainTask task) => task is TrainTask.Ner or TrainTask.Pos or TrainTask.Chunk;

    /// <summary>The lower-case name used in YAML, on the command line and in run.json.</summary>
    public static string ToConfigName(this TrainTask task) => task.ToString().ToLowerInvariant();
}

/// <summary>How log events reach standard output: a concise text line for people or JSON lines for machines.</summary>
public enum LogFormat
{
    Text,
    Json,
}
