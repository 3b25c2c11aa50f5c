using System.Globalization;
using System.Text;

namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>A generated sentence pair; Quality 1 = paraphrase.</summary>
public sealed record ParaphrasePair(int Quality, int Id1, int Id2, string Sentence1, string Sentence2);

/// <summary>
/// A synthetic paraphrase set in MRPC layout. Each pair describes an event (a takeover, a visit, a match,
/// job cuts) in two of several wordings written for this project. Paraphrases keep every fact; the
/// others change one fact (a name, a place, a day, a number, or who won), so the label follows from
/// comparing the two sentences' facts. About 55% are paraphrases, like MRPC's majority class.
/// </summary>
public static class ParaphraseGenerator
{
    public const string Header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";

    private sealed record Slots(string A, string B, string Place, string Day, string Month, int N, int X, int Y);

    private static readonly Func<Slots, string>[][] Events =
    {
        new Func<Slots, string>[]
        {
            s => $"{s.A} agreed to buy {s.B} for {s.N} million on {s.Day} .",
            s => $"On {s.Day} , {s.A} agreed to acquire {s.B} in a deal worth {s.N} million .",
            s => $"{s.B} will be bought by {s.A} for {s.N} million , the companies said on {s.Day} .",
            s => $"{s.A} said on {s.Day} it would pay {s.N} million for {s.B} .",
        },
        new Func<Slots, string>[]
        {
            s => $"{s.A} will travel to {s.Place} in {s.Month} to meet {s.B} .",
            s => $"In {s.Month} , {s.A} is due to visit {s.Place} for talks with {s.B} .",
            s => $"{s.B} will host {s.A} in {s.Place} in {s.Month} .",
            s => $"{s.A} plans a trip to {s.Place} in {s.Month} , where {s.B} will receive the visitor .",
        },
        new Func<Slots, string>[]
        {
            s => $"{s.A} beat {s.B} {s.X} - {s.Y} in {s.Place} on {s.Day} .",
            s => $"On {s.Day} , {s.B} lost {s.Y} - {s.X} to {s.A} in {s.Place} .",
            s => $"{s.A} won {s.X} - {s.Y} against {s.B} in {s.Place} on {s.Day} .",
            s => $"In {s.Place} on {s.Day} , {s.B} were defeated {s.X} - {s.Y} by {s.A} .",
        },
        new Func<Slots, string>[]
        {
            s => $"{s.A} will cut {s.N} jobs at its site in {s.Place} .",
            s => $"About {s.N} workers will lose their jobs at the {s.Place} site of {s.A} .",
            s => $"{s.A} plans to shed {s.N} jobs in {s.Place} .",
            s => $"The {s.Place} site of {s.A} is to lose {s.N} jobs , the company said .",
        },
    };

    /// <summary>Which events have people (visit) rather than organisations as A and B.</summary>
    private static bool PeopleEvent(int kind) => kind == 1;

    public static List<ParaphrasePair> Generate(int count, ulong seed, int firstId)
    {
        var random = new Pcg32(seed);
        var pairs = new List<ParaphrasePair>(count);
        int id = firstId;
        for (int i = 0; i < count; i++)
        {
            int kind = random.NextInt(Events.Length);
            var forms = Events[kind];
            var slots = RandomSlots(random, PeopleEvent(kind));
            int first = random.NextInt(forms.Length);
            int second = random.NextInt(forms.Length - 1);
            if (second >= first)
                second++;
            bool paraphrase = random.NextInt(100) < 55;
            var other = paraphrase ? slots : Change(random, slots, kind);
            // Same wording with one fact changed is kept too: it forces reading the facts, not the form.
            if (!paraphrase && random.NextInt(4) == 0)
                second = first;
            pairs.Add(new ParaphrasePair(paraphrase ? 1 : 0, id, id + 1, forms[first](slots), forms[second](other)));
            id += 2 + random.NextInt(5);
        }
        return pairs;
    }

    private static string Name(Pcg32 random, bool people) => people
        ? random.Pick(WordPools.FirstNames) + " " + random.Pick(WordPools.Surnames)
        : random.Pick(WordPools.Organisations);

    /// <summary>A name that is neither of the event's two parties.</summary>
    private static string NewName(Pcg32 random, bool people, Slots s)
    {
        string name;
        do name = Name(random, people); while (name == s.A || name == s.B);
        return name;
    }

    private static Slots RandomSlots(Pcg32 random, bool people)
    {
        var a = Name(random, people);
        string b;
        do b = Name(random, people); while (b == a);
        int x = 1 + random.NextInt(6);
        return new Slots(a, b, random.Pick(WordPools.Places), random.Pick(WordPools.Days), random.Pick(WordPools.Months),
            10 * (2 + random.NextInt(90)), x, random.NextInt(x));
    }

    private static Slots Change(Pcg32 random, Slots s, int kind)
    {
        // Facts each event mentions: 0 = A, 1 = B, 2 = place, 3 = day, 4 = month, 5 = number, 6 = score, 7 = swap A and B.
        int[] facts = kind switch
        {
            0 => new[] { 0, 1, 3, 5, 7 },
            1 => new[] { 0, 1, 2, 4, 7 },
            2 => new[] { 0, 1, 2, 3, 6, 7 },
            _ => new[] { 0, 2, 5 },
        };
        return random.Pick(facts) switch
        {
            0 => s with { A = NewName(random, PeopleEvent(kind), s) },
            1 => s with { B = NewName(random, PeopleEvent(kind), s) },
            2 => s with { Place = Other(random, WordPools.Places, s.Place) },
            3 => s with { Day = Other(random, WordPools.Days, s.Day) },
            4 => s with { Month = Other(random, WordPools.Months, s.Month) },
            5 => s with { N = s.N + 10 * (1 + random.NextInt(20)) },
            6 => s with { X = s.X + 1 + random.NextInt(3) },
            _ => s with { A = s.B, B = s.A },
        };
    }

    private static string Other(Pcg32 random, string[] pool, string current)
    {
        string pick;
        do pick = random.Pick(pool); while (pick == current);
        return pick;
    }

    public static string ToTsv(IEnumerable<ParaphrasePair> pairs)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var p in pairs)
            text.Append(p.Quality.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.Id1.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.Id2.ToString(CultureInfo.InvariantCulture)).Append('\t')
                .Append(p.Sentence1).Append('\t').Append(p.Sentence2).Append('\n');
        return text.ToString();
    }
}
