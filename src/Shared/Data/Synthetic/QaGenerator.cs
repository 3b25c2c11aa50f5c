using System.Text;

namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>A generated question-answering example: the answer <paramref name="Text"/> is a span of <paramref name="Context"/>.</summary>
public sealed record QaExample(string Context, string Question, string Text);

/// <summary>
/// Synthetic extractive question answering in the layout of the T5 tutorial's CSV (columns context, question,
/// text). Each context is two to four sentences (10-30 words, 20 on average) about one invented person (where and when
/// they were born, their job, where and when they moved, what they own) in a shuffled order; the question asks for
/// one of the stated facts and the answer is copied from the context, occurring there exactly once. Answers come from
/// small closed pools (see <see cref="QaTemplates"/> for why). Same seed, same examples.
/// </summary>
public static class QaGenerator
{
    public const string Header = "context,question,text";

    private static readonly QaFact[] AllFacts = Enum.GetValues<QaFact>();

    public static List<QaExample> Generate(int count, ulong seed)
    {
        var random = new Pcg32(seed);
        var examples = new List<QaExample>(count);
        while (examples.Count < count)
        {
            var example = Draw(random);
            // A guard: the pools are chosen so that no answer is inside another text of its context; were one, the span would be ambiguous.
            if (Occurrences(example.Context, example.Text) == 1)
                examples.Add(example);
        }
        return examples;
    }

    private static QaExample Draw(Pcg32 random)
    {
        var person = Person(random);
        var facts = AllFacts.ToArray();
        random.Shuffle(facts);
        int sentences = random.Pick(new[] { 2, 3, 3, 4 });
        var context = new StringBuilder();
        for (int i = 0; i < sentences; i++)
        {
            // The person is introduced by full name, then called by first name.
            var subject = i == 0 ? person.FullName : person.FirstName;
            if (i > 0) context.Append(' ');
            context.Append(QaTemplates.Sentence(facts[i], random.NextInt(2), subject, person));
        }
        var asked = facts[random.NextInt(sentences)];
        var name = random.NextInt(3) == 0 ? person.FullName : person.FirstName;
        var (question, answer) = random.Pick(QaTemplates.Questions(asked, name, person));
        return new QaExample(context.ToString(), question, answer);
    }

    private static QaPerson Person(Pcg32 random)
    {
        var first = random.Pick(WordPools.FirstNames);
        var surname = random.Pick(WordPools.Surnames);
        var birthPlace = random.Pick(QaTemplates.Places);
        string movePlace;
        do movePlace = random.Pick(QaTemplates.Places); while (movePlace == birthPlace);
        int birthYear = QaTemplates.FirstBirthYear + random.NextInt(QaTemplates.YearSpan);
        int moveYear = QaTemplates.FirstMoveYear + random.NextInt(QaTemplates.YearSpan);
        return new QaPerson(first, first + " " + surname, birthPlace, birthYear, random.Pick(QaTemplates.Jobs), movePlace, moveYear,
            2 + random.NextInt(30), random.Pick(QaTemplates.Possessions));
    }

    private static int Occurrences(string text, string span)
    {
        int count = 0;
        for (int at = text.IndexOf(span, StringComparison.Ordinal); at >= 0; at = text.IndexOf(span, at + 1, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>CSV as Python's csv module and pandas write it (RFC 4180, quotes only where needed, '\n' line ends).</summary>
    public static string ToCsv(IEnumerable<QaExample> examples)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var e in examples)
            text.Append(Field(e.Context)).Append(',').Append(Field(e.Question)).Append(',').Append(Field(e.Text)).Append('\n');
        return text.ToString();
    }

    private static string Field(string value) =>
        value.IndexOfAny(new[] { ',', '"', '\n', '\r' }) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
}
