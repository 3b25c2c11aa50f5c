using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Orchestrator.Shared.Data.Synthetic;

/// <summary>A generated review; Label 1 = positive, 0 = negative (IMDB's convention).</summary>
public sealed record Review(string Text, int Label);

/// <summary>
/// Synthetic reviews of one to three sentences written from templates for this project. The label follows
/// from the opinion words, including negated ones ("not dull" is positive) and a "but" clause that
/// overrides what came before it, so a bag of words alone is not quite enough. About half are positive.
/// </summary>
public static class SentimentGenerator
{
    private static readonly string[] Good =
    {
        "wonderful", "delightful", "superb", "charming", "excellent", "brilliant", "pleasant", "gripping", "reliable", "generous",
        "moving", "clever", "cosy", "friendly", "memorable",
    };

    private static readonly string[] Bad =
    {
        "dreadful", "dull", "awful", "disappointing", "tedious", "rude", "broken", "bland", "clumsy", "overpriced",
        "noisy", "confusing", "cramped", "forgettable", "slow",
    };

    private static readonly string[] Things =
    {
        "film", "hotel", "meal", "book", "concert", "phone", "play", "ferry", "museum", "album", "cafe", "tour", "game", "bakery", "series",
    };

    private static readonly string[] Neutral =
    {
        "We went on a {day} evening .",
        "I had read about it in the {org} .",
        "It is close to the station in {place} .",
        "My sister recommended it after her trip to {place} .",
        "The {thing} lasted about two hours .",
    };

    public static List<Review> Generate(int count, ulong seed)
    {
        var random = new Pcg32(seed);
        var reviews = new List<Review>(count);
        for (int i = 0; i < count; i++)
        {
            bool positive = random.NextInt(2) == 1;
            var thing = random.Pick(Things);
            var sentences = new List<string>();
            if (random.NextInt(3) == 0)
                sentences.Add(Fill(random.Pick(Neutral), random, thing));
            sentences.Add(Opinion(random, thing, positive));
            if (random.NextInt(3) == 0)
                sentences.Add(Opinion(random, thing, positive));
            reviews.Add(new Review(string.Join(" ", sentences), positive ? 1 : 0));
        }
        return reviews;
    }

    private static string Opinion(Pcg32 random, string thing, bool positive)
    {
        string Word(bool good) => random.Pick(good ? Good : Bad);
        string Place() => random.Pick(WordPools.Places);
        return random.NextInt(8) switch
        {
            0 => $"The {thing} was {Word(positive)} .",
            1 => $"I found the {thing} {Word(positive)} and {Word(positive)} .",
            2 => $"What a {Word(positive)} {thing} !",
            3 => $"The {thing} was not {Word(!positive)} at all .",
            4 => $"At first the {thing} seemed {Word(!positive)} , but in the end it was {Word(positive)} .",
            5 => $"Honestly , the {thing} in {Place()} is {Word(positive)} .",
            6 => $"{random.Pick(WordPools.FirstNames)} said the {thing} was {Word(!positive)} , but I thought it was {Word(positive)} .",
            _ => positive ? $"I would gladly go back to this {thing} ." : $"I would never go back to this {thing} .",
        };
    }

    private static string Fill(string template, Pcg32 random, string thing) => template
        .Replace("{day}", random.Pick(WordPools.Days))
        .Replace("{org}", random.Pick(WordPools.Organisations))
        .Replace("{place}", random.Pick(WordPools.Places))
        .Replace("{thing}", thing);

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>JSON Lines as `datasets.Dataset.to_json` writes them: {"text": ..., "label": ...}.</summary>
    public static string ToJsonl(IEnumerable<Review> reviews)
    {
        var text = new StringBuilder();
        foreach (var review in reviews)
            text.Append(JsonSerializer.Serialize(new { text = review.Text, label = review.Label }, Json)).Append('\n');
        return text.ToString();
    }
}
