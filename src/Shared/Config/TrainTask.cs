namespace Orchestrator.Shared.Config;

/// <summary>What is being trained: a token-classification scheme or sequence classification.</summary>
public enum TrainTask
{
    Ner,
    Pos,
    Chunk,
    Classification,
}

public static class TrainTaskExtensions
{
    /// <summary>NER, POS and chunking label every token; classification labels the whole sequence.</summary>
    public static bool IsTokenClassification(this TrainTask task) => task != TrainTask.Classification;

    /// <summary>The lower-case name used in YAML, on the command line and in run.json.</summary>
    public static string ToConfigName(this TrainTask task) => task.ToString().ToLowerInvariant();
}

/// <summary>How log events reach standard output: a concise text line for people or JSON lines for machines.</summary>
public enum LogFormat
{
    Text,
    Json,
}
