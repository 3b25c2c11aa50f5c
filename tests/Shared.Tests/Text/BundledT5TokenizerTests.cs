using Orchestrator.Shared.Data.Readers;
using Orchestrator.Shared.Text;

namespace Orchestrator.Shared.Tests.Text;

/// <summary>
/// The tokenizer of the embedded seq2seq default, data/t5/spiece.model (data/t5/make-spiece.sh), on the bundled QA
/// data it was trained for: exact match is only reachable if every answer survives encode then decode, and a
/// tiny model learns to answer fastest when the answer's tokens are a run of the context's tokens it can copy.
/// Its ids equal the sentencepiece library's: T5TokenizerParityTests runs the model "bundled" on these texts.
/// </summary>
public class BundledT5TokenizerTests
{
    private static readonly Lazy<T5Tokenizer> Tokenizer = new(() => T5Tokenizer.Load(Path.Combine(TestTokenizers.RepoRoot, "data", "t5")));

    public static TheoryData<string> Splits => new() { "train", "validation", "test" };

    private static List<(string Context, string Question, string Answer)> Read(string split)
    {
        var path = Path.Combine(TestTokenizers.RepoRoot, "data", "qa", split + ".csv");
        var records = DelimitedRecords.ReadCsv(path).ToList();
        Assert.All(records, r => Assert.Null(r.Error));
        Assert.Equal(new[] { "context", "question", "text" }, records[0].Fields);
        return records.Skip(1).Select(r => (r.Fields![0], r.Fields[1], r.Fields[2])).ToList();
    }

    [Fact]
    public void Loads_as_a_T5_tokenizer_with_T5s_special_ids()
    {
        var tokenizer = Tokenizer.Value;
        Assert.Equal(340, tokenizer.Processor.PieceCount);
        Assert.Equal(340 + 100, tokenizer.VocabSize);
        Assert.Equal((0, 1, 2), (tokenizer.PadTokenId, tokenizer.EosTokenId, tokenizer.UnkTokenId));
        Assert.Equal(("<pad>", "</s>", "<unk>"), (tokenizer.IdToToken(0), tokenizer.IdToToken(1), tokenizer.IdToToken(2)));
        Assert.Equal(340, tokenizer.SentinelTokenId(99));
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Every_answer_round_trips_and_no_text_needs_unk(string split)
    {
        var tokenizer = Tokenizer.Value;
        var failures = new List<string>();
        foreach (var (context, question, answer) in Read(split))
        {
            var decoded = tokenizer.Decode(tokenizer.Encode(answer).InputIds, skipSpecialTokens: true);
            if (decoded != answer) failures.Add($"answer '{answer}' decodes to '{decoded}'");
            foreach (var text in new[] { context, question, answer })
                if (tokenizer.Encode(text).InputIds.Contains(tokenizer.UnkTokenId)) failures.Add($"<unk> in '{text}'");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(20)));
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Every_answer_is_a_run_of_its_contexts_tokens_and_inputs_stay_short(string split)
    {
        var tokenizer = Tokenizer.Value;
        var failures = new List<string>();
        int longest = 0, longestAnswer = 0;
        foreach (var (context, question, answer) in Read(split))
        {
            var answerIds = tokenizer.EncodeWithoutSpecialTokens(answer);
            longestAnswer = Math.Max(longestAnswer, answerIds.Length);
            // The model input, T5Tokenizer(context, question): context </s> question </s>.
            var input = tokenizer.Encode(context, question).InputIds;
            longest = Math.Max(longest, input.Length);
            if (!Enumerable.Range(0, input.Length - answerIds.Length + 1).Any(i => input.AsSpan(i, answerIds.Length).SequenceEqual(answerIds)))
                failures.Add($"'{answer}' [{string.Join(" ", answerIds.Select(tokenizer.IdToToken))}] is not a run of the tokens of '{context}'");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n" + string.Join("\n", failures.Take(20)));
        Assert.InRange(longest, 20, 128);
        // Answers from closed pools are one to a few pieces, each seen often enough to be copied (QaTemplates).
        Assert.InRange(longestAnswer, 1, 5);
    }
}
