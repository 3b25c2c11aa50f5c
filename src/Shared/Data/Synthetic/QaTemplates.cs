namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>The facts a synthetic QA context can state about its person.</summary>
internal enum QaFact
{
    Birth,
    Job,
    Move,
    Possession,
}

/// <summary>One invented person and everything the templates may say about them.</summary>
internal sealed record QaPerson(
    string FirstName, string FullName, string BirthPlace, int BirthYear, string Job, string MovePlace, int MoveYear,
    int YearsInJob, string Possession);

/// <summary>
/// The sentences and questions of <see cref="QaGenerator"/>, written for this project. Few and regular on
/// purpose, so that a tiny T5 trained from scratch learns to copy answers within a minute (the embedded seq2seq
/// default, DefaultRun: exact match about 80% on validation after 10 epochs, where an earlier, richer version of
/// this data stayed near 20%). What made the difference, measured:
/// <list type="bullet">
/// <item>Answers come from small closed pools (30 one-word places, 15 one-word jobs, 16 two-word objects, two
/// 20-year spans), so each answer is one to a few pieces of the bundled SentencePiece model (data/t5) and is seen
/// often enough in a minute to be copied.</item>
/// <item>Birth years (1950-1969) and moving years (1990-2009) do not overlap, so the year asked for is told by
/// its value as well as by its sentence. With the earlier years (born 1950-1979, moved 18-47 years later: 77
/// values, overlapping) about 1 year question in 4 was answered, now about 3 in 4; the model still confuses the
/// birthplace with the new home in about half of the place questions.</item>
/// <item>Each kind of question has its own wording: "What does X work as?" beside "What does X own?" was
/// confused far more often than "What is the job of X?".</item>
/// </list>
/// The best friend is left out as well: that answer, a first name and a surname, comes from the pools of the
/// person's own name, which the question repeats.
/// Answers never carry an article or punctuation of their own. A year never ends a sentence: the SentencePiece
/// model would learn "1970." as one piece, and the answer "1970" would no longer be a run of the context's tokens
/// that the model can copy.
/// </summary>
internal static class QaTemplates
{
    public static readonly string[] Jobs =
    {
        "baker", "clockmaker", "beekeeper", "librarian", "glassblower", "cartographer", "stonemason", "weaver",
        "tailor", "surveyor", "potter", "bookbinder", "gardener", "architect", "engineer",
    };

    public static readonly string[] Possessions =
    {
        "brass lantern", "green bicycle", "silver compass", "red kite", "copper kettle", "old telescope", "blue typewriter",
        "leather satchel", "glass paperweight", "small sailboat", "iron anvil", "paper umbrella", "wool blanket",
        "stone mortar", "yellow canoe", "clay flute",
    };

    /// <summary>The one-word places of <see cref="WordPools.Places"/> (none is then inside another).</summary>
    public static readonly string[] Places = WordPools.Places.Where(p => !p.Contains(' ')).ToArray();

    /// <summary>Birth years are FirstBirthYear to FirstBirthYear + YearSpan - 1; moving years start at FirstMoveYear.</summary>
    public const int FirstBirthYear = 1950;
    public const int YearSpan = 20;
    public const int FirstMoveYear = 1990;

    /// <summary>A sentence stating <paramref name="fact"/> with <paramref name="subject"/> as its subject.</summary>
    public static string Sentence(QaFact fact, int variant, string subject, QaPerson p) => (fact, variant % 2) switch
    {
        (QaFact.Birth, 0) => $"In {p.BirthYear}, {subject} was born in {p.BirthPlace}.",
        (QaFact.Birth, _) => $"{subject} was born in {p.BirthYear} in {p.BirthPlace}.",
        (QaFact.Job, 0) => $"{subject} works as {Indefinite(p.Job)} {p.Job}.",
        (QaFact.Job, _) => $"{subject} has been {Indefinite(p.Job)} {p.Job} for {p.YearsInJob} years.",
        (QaFact.Move, 0) => $"In {p.MoveYear}, {subject} moved to {p.MovePlace}.",
        (QaFact.Move, _) => $"{subject} moved in {p.MoveYear} to {p.MovePlace}.",
        (QaFact.Possession, 0) => $"{subject} owns {Indefinite(p.Possession)} {p.Possession}.",
        _ => $"{subject} keeps {Indefinite(p.Possession)} {p.Possession} at home.",
    };

    /// <summary>The questions each fact answers: the question about <paramref name="name"/>, and the answer span.</summary>
    public static IReadOnlyList<(string Question, string Answer)> Questions(QaFact fact, string name, QaPerson p) => fact switch
    {
        QaFact.Birth => new[]
        {
            ($"Where was {name} born?", p.BirthPlace),
            ($"In which year was {name} born?", Year(p.BirthYear)),
        },
        QaFact.Job => new[]
        {
            ($"What is the job of {name}?", p.Job),
        },
        QaFact.Move => new[]
        {
            ($"Where did {name} move to?", p.MovePlace),
            ($"In which year did {name} move?", Year(p.MoveYear)),
        },
        _ => new[]
        {
            ($"What does {name} own?", p.Possession),
            ($"Which object does {name} have?", p.Possession),
        },
    };

    private static string Year(int year) => year.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Indefinite(string noun) => "aeiou".Contains(noun[0]) ? "an" : "a";
}
