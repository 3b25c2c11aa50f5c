namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>The facts a synthetic QA context can state about its person.</summary>
internal enum QaFact
{
    Birth,
    Job,
    Move,
    Possession,
    Friend,
}

/// <summary>One invented person and everything the templates may say about them.</summary>
internal sealed record QaPerson(
    string FirstName, string FullName, string BirthPlace, int BirthYear, string Job, string MovePlace, int MoveYear,
    int YearsInJob, string Possession, string Friend);

/// <summary>
/// The sentences and questions of <see cref="QaGenerator"/>, written for this project. Few and regular on
/// purpose: each question shares its key words with the one sentence that answers it, so a tiny T5 trained
/// from scratch learns to copy the answer within a minute. Answers are 1-3 words: a place, a year, a job,
/// an object or a name, never with an article or punctuation of their own. A year never ends a sentence:
/// the bundled SentencePiece model (data/t5) would learn "1970." as one piece, and the answer "1970" would
/// no longer be a run of the context's tokens that the model can copy.
/// </summary>
internal static class QaTemplates
{
    public static readonly string[] Jobs =
    {
        "baker", "clockmaker", "beekeeper", "librarian", "glassblower", "cartographer", "stonemason", "ferry pilot",
        "harbour master", "violin teacher", "weaver", "tailor", "surveyor", "lighthouse keeper", "potter", "bookbinder",
        "gardener", "architect", "engineer", "night nurse",
    };

    public static readonly string[] Possessions =
    {
        "brass lantern", "green bicycle", "silver compass", "red kite", "copper kettle", "old telescope", "blue typewriter",
        "wooden chess set", "leather satchel", "glass paperweight", "small sailboat", "iron anvil", "paper umbrella",
        "golden pocket watch", "wool blanket", "stone mortar", "yellow canoe", "clay flute",
    };

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
        (QaFact.Possession, _) => $"{subject} keeps {Indefinite(p.Possession)} {p.Possession} at home.",
        (QaFact.Friend, 0) => $"The best friend of {subject} is {p.Friend}.",
        (QaFact.Friend, _) => $"{subject} and {p.Friend} have been best friends since school.",
    };

    /// <summary>The questions each fact answers: the question about <paramref name="name"/>, and the answer span.</summary>
    public static IReadOnlyList<(string Question, string Answer)> Questions(QaFact fact, string name, QaPerson p) => fact switch
    {
        QaFact.Birth => new[]
        {
            ($"Where was {name} born?", p.BirthPlace),
            ($"In which year was {name} born?", p.BirthYear.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        },
        QaFact.Job => new[]
        {
            ($"What does {name} work as?", p.Job),
            ($"What is the job of {name}?", p.Job),
        },
        QaFact.Move => new[]
        {
            ($"Where did {name} move to?", p.MovePlace),
            ($"When did {name} move to {p.MovePlace}?", p.MoveYear.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        },
        QaFact.Possession => new[]
        {
            ($"What does {name} own?", p.Possession),
            ($"Which object does {name} have?", p.Possession),
        },
        _ => new[]
        {
            ($"Who is the best friend of {name}?", p.Friend),
        },
    };

    private static string Indefinite(string noun) => "aeiou".Contains(noun[0]) ? "an" : "a";
}
