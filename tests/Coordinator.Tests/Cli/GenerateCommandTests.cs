using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Orchestrator.Coordinator.Cli;
using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Text;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Generation;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Coordinator.Tests.Cli;

/// <summary>
/// A tiny T5 (init-model --arch t5 --size tiny) with a SentencePiece tokenizer trained by Debian's spm_train on a
/// made-up corpus. Its embedding has <see cref="PaddingRows"/> rows beyond the tokenizer's ids, as t5-base's has.
/// "model": the eos row of the (tied) head is scaled up so answers end at various steps; "padded": a copy whose
/// last embedding row (an id the tokenizer does not have) is scaled up so that it gets generated.
/// </summary>
public sealed class T5GenerationFixture : IDisposable
{
    public const int PaddingRows = 28;
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "sul", "tor", "van", "bre", "qui", "zef", "dra", "pol", "gri", "ham"];
    private readonly TempDirectory temp = new();

    public T5GenerationFixture()
    {
        var tokenizerFolder = temp.Combine("tokenizer");
        Directory.CreateDirectory(tokenizerFolder);
        var corpus = temp.Combine("corpus.txt");
        File.WriteAllLines(corpus, Corpus());
        RunSpmTrain(corpus, Path.Combine(tokenizerFolder, "spiece"));
        File.Delete(Path.Combine(tokenizerFolder, "spiece.vocab"));
        Tokenizer = T5Tokenizer.Load(tokenizerFolder);

        Model = temp.Combine("model");
        var root = new RootCommand { InitModelCommand.Create() };
        var exit = root.Parse(["init-model", "--arch", "t5", "--size", "tiny", "--vocab-size", (Tokenizer.VocabSize + PaddingRows).ToString(CultureInfo.InvariantCulture),
            "--tokenizer", tokenizerFolder, "--output", Model, "--seed", "3"]).Invoke();
        Assert.Equal(0, exit);
        ScaleHeadRow(Model, Model, Tokenizer.EosTokenId, 4.0);
        Padded = temp.Combine("padded");
        Directory.CreateDirectory(Padded);
        foreach (var file in Directory.GetFiles(Model)) File.Copy(file, Path.Combine(Padded, Path.GetFileName(file)));
        PaddingId = Tokenizer.VocabSize + PaddingRows - 1;
        ScaleHeadRow(Model, Padded, PaddingId, 6.0);
    }

    public T5Tokenizer Tokenizer { get; }
    public string Model { get; }
    public string Padded { get; }
    /// <summary>The last embedding row: an id beyond the tokenizer.</summary>
    public int PaddingId { get; }

    public string Combine(params string[] parts) => temp.Combine(parts);

    /// <summary>A made-up word per seed, from the corpus's syllables.</summary>
    public static string Word(Random random) => string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => Syllables[random.Next(Syllables.Length)]));

    public static string Sentence(Random random, int words) => string.Join(" ", Enumerable.Range(0, words).Select(_ => Word(random)));

    /// <summary>A copy of <see cref="Model"/> in a new folder, for tests that add files to it.</summary>
    public string CopyOfModel()
    {
        var folder = temp.Combine($"model-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Model)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    private static IEnumerable<string> Corpus()
    {
        var random = new Random(17);
        for (var i = 0; i < 600; i++) yield return Sentence(random, random.Next(3, 14)) + (i % 3 == 0 ? "?" : ".");
    }

    private static void RunSpmTrain(string corpus, string prefix)
    {
        var start = new ProcessStartInfo("spm_train") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     $"--input={corpus}", $"--model_prefix={prefix}", "--model_type=unigram", "--vocab_size=150", "--pad_id=0", "--eos_id=1",
                     "--unk_id=2", "--bos_id=-1", "--character_coverage=1.0", "--num_threads=1", "--minloglevel=2", "--hard_vocab_limit=false",
                 })
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "spm_train did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"spm_train failed (Debian package sentencepiece): {stderr.Result}");
    }

    /// <summary>Loads <paramref name="from"/>, multiplies one row of the tied head by <paramref name="factor"/> and saves to <paramref name="to"/>.</summary>
    private static void ScaleHeadRow(string from, string to, int row, double factor)
    {
        using var model = T5Pretrained.Load(from);
        Assert.True(model.Config.TieWordEmbeddings);
        using (torch.no_grad())
        using (var weights = model.shared.weight.select(0, row))
            weights.mul_(factor);
        T5Pretrained.Save(model, to);
    }

    public void Dispose() => temp.Dispose();
}

public sealed class GenerateCommandTests(T5GenerationFixture fixture, Xunit.Abstractions.ITestOutputHelper log) : IClassFixture<T5GenerationFixture>
{
    private const int MaxSourceLength = 16;

    /// <summary>Questions (one with an empty context, one whose context is cut) and lone texts, mixed.</summary>
    private static List<(string Text, string? Question)> Inputs()
    {
        var random = new Random(5);
        return
        [
            (T5GenerationFixture.Sentence(random, 5), T5GenerationFixture.Sentence(random, 2) + "?"),
            (T5GenerationFixture.Sentence(random, 4), null),
            (T5GenerationFixture.Sentence(random, 30), T5GenerationFixture.Sentence(random, 3) + "?"),
            ("", T5GenerationFixture.Sentence(random, 2) + "?"),
            (T5GenerationFixture.Sentence(random, 2), null),
        ];
    }

    private static string JsonLine((string Text, string? Question) input) => input.Question is null
        ? JsonSerializer.Serialize(new { text = input.Text })
        : JsonSerializer.Serialize(new { context = input.Text, question = input.Question });

    [Theory]
    [InlineData(1, 0, "")]
    [InlineData(4, 2, "--early-stopping")]
    [InlineData(3, 2, "--early-stopping never --length-penalty 0.9")]
    public void Each_line_gets_one_answer_in_order_with_the_generators_ids_and_their_decoded_text(int numBeams, int noRepeat, string more)
    {
        var inputs = Inputs();
        var path = fixture.Combine($"inputs-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, inputs.Select(JsonLine));
        const int maxNewTokens = 10;

        var (code, output, error) = Invoke($"generate --model {fixture.Model} --input {path} --json --batch-size 2 --max-source-length {MaxSourceLength} " +
                                           $"--num-beams {numBeams} --no-repeat-ngram-size {noRepeat} --max-new-tokens {maxNewTokens} {more}");

        Assert.True(code == 0, error);
        var lines = Lines(output);
        Assert.Equal(inputs.Count, lines.Length);
        var options = new GenerationOptions { NumBeams = numBeams, NoRepeatNgramSize = noRepeat, MaxNewTokens = maxNewTokens };
        if (more.Contains("never")) options = options with { EarlyStopping = EarlyStopping.Never, LengthPenalty = 0.9 };
        else if (more.Contains("--early-stopping")) options = options with { EarlyStopping = EarlyStopping.True };
        var expected = DirectGeneration(fixture.Model, inputs, batchSize: 2, options);
        var answers = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            log.WriteLine(lines[i]);
            var ids = answers[i].GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.Equal(expected[i], ids);
            Assert.Equal(fixture.Tokenizer.Decode(ids, skipSpecialTokens: true), answers[i].GetProperty("text").GetString());
        }
        // The fixture's model makes the comparison cover both ends of an answer: eos, and the length limit.
        Assert.Contains(expected, ids => ids[^1] == fixture.Tokenizer.EosTokenId && ids.Length < maxNewTokens);
        Assert.Contains(expected, ids => ids.Length == maxNewTokens && ids[^1] != fixture.Tokenizer.EosTokenId);
    }

    /// <summary>
    /// What the command should print, computed here without it: the tokenizer's encodings, padded on the right in
    /// batches, through Seq2SeqGenerator; each row without its start token, up to its first eos.
    /// </summary>
    private List<int[]> DirectGeneration(string folder, List<(string Text, string? Question)> inputs, int batchSize, GenerationOptions options)
    {
        using var model = T5Pretrained.Load(folder);
        model.eval();
        var result = new List<int[]>();
        foreach (var batch in inputs.Chunk(batchSize))
        {
            using var scope = torch.NewDisposeScope();
            var encodings = batch.Select(i => i.Question is null
                ? fixture.Tokenizer.Encode(i.Text, null, MaxSourceLength)
                : fixture.Tokenizer.Encode(i.Text, i.Question, MaxSourceLength, TruncationStrategy.OnlyFirst)).ToList();
            var width = encodings.Max(e => e.Length);
            var ids = encodings.SelectMany(e => e.InputIds.Select(id => (long)id).Concat(Enumerable.Repeat(0L, width - e.Length))).ToArray();
            var mask = encodings.SelectMany(e => Enumerable.Repeat(1L, e.Length).Concat(Enumerable.Repeat(0L, width - e.Length))).ToArray();
            var generated = Seq2SeqGenerator.Generate(model, torch.tensor(ids, [batch.Length, width]), torch.tensor(mask, [batch.Length, width]), options);
            foreach (var row in generated.Sequences)
            {
                Assert.Equal(model.Config.DecoderStartTokenId, row[0]);
                var answer = new List<int>();
                foreach (var id in row.Skip(1))
                {
                    answer.Add((int)id);
                    if (id == model.Config.EosTokenId) break;
                }
                result.Add([.. answer]);
            }
        }
        return result;
    }

    [Fact]
    public void A_question_is_encoded_as_the_tokenizers_pair_with_only_the_context_truncated()
    {
        var random = new Random(9);
        var context = T5GenerationFixture.Sentence(random, 30);
        var question = T5GenerationFixture.Sentence(random, 3) + "?";
        using var model = GenerationModel.Load(fixture.Model);
        var tokenizer = fixture.Tokenizer;

        var encoded = model.Encode(new GenerateInput(1, context, question), MaxSourceLength, "test").InputIds;
        var text = model.Encode(new GenerateInput(2, context, null), MaxSourceLength, "test").InputIds;

        Assert.Equal(tokenizer.Encode(context, question, MaxSourceLength, TruncationStrategy.OnlyFirst).InputIds, encoded);
        // T5: `context </s> question </s>`, the question whole, the context cut to what is left.
        var contextIds = tokenizer.EncodeWithoutSpecialTokens(context);
        var questionIds = tokenizer.EncodeWithoutSpecialTokens(question);
        Assert.True(contextIds.Length > MaxSourceLength, "the context should be long enough to be cut");
        int eos = tokenizer.EosTokenId;
        Assert.Equal([.. contextIds[..(MaxSourceLength - 2 - questionIds.Length)], eos, .. questionIds, eos], encoded);
        Assert.Equal([.. contextIds[..(MaxSourceLength - 1)], eos], text);
    }

    [Theory]
    [InlineData("{\"context\": \"kalo\"}", "line 2: field \"question\" is missing")]
    [InlineData("{\"question\": \"kalo?\"}", "line 2: field \"context\" is missing")]
    [InlineData("{\"context\": 3, \"question\": \"kalo?\"}", "line 2: field \"context\" must be a string, got 3")]
    [InlineData("{\"text\": [\"kalo\"]}", "line 2: field \"text\" must be a string")]
    [InlineData("{\"answer\": \"kalo\"}", "line 2: field \"text\" is missing")]
    [InlineData("{\"text\": \"kalo\"", "line 2: not valid JSON")]
    [InlineData("[\"kalo\"]", "line 2: a line must be a JSON object")]
    [InlineData("", "line 2: empty line")]
    public void A_bad_input_line_is_refused_naming_the_file_line_and_field(string line, string message)
    {
        var path = fixture.Combine($"bad-{Guid.NewGuid():N}.jsonl");
        File.WriteAllLines(path, ["{\"text\": \"kalo mine\"}", line]);

        var fromFile = Invoke($"generate --model {fixture.Model} --input {path} --max-new-tokens 2");
        var fromStdin = Invoke($"generate --model {fixture.Model} --max-new-tokens 2", File.ReadAllText(path));

        Assert.Equal(RunHost.BadInput, fromFile.Code);
        Assert.Contains($"{path} {message}", fromFile.Error);
        Assert.Equal(RunHost.BadInput, fromStdin.Code);
        Assert.Contains($"stdin {message}", fromStdin.Error);
    }

    [Fact]
    public void A_question_that_leaves_no_room_for_its_context_is_refused()
    {
        var question = T5GenerationFixture.Sentence(new Random(4), 20) + "?";
        var tokens = fixture.Tokenizer.EncodeWithoutSpecialTokens(question).Length;
        Assert.True(tokens >= MaxSourceLength - 2, "the question alone should fill the budget");

        var (code, _, error) = Invoke($"generate --model {fixture.Model} --max-source-length {MaxSourceLength}",
            JsonSerializer.Serialize(new { context = "kalo", question }) + "\n");

        Assert.Equal(RunHost.BadInput, code);
        Assert.Contains($"stdin line 1: field \"question\": its {tokens} tokens leave no room for the context within --max-source-length {MaxSourceLength}", error);
    }

    [Fact]
    public void Ids_in_the_embeddings_padding_rows_are_printed_and_decode_without_them()
    {
        var inputs = Inputs();
        Assert.Null(fixture.Tokenizer.IdToToken(fixture.PaddingId));

        var (code, output, error) = Invoke($"generate --model {fixture.Padded} --json --max-new-tokens 6 --num-beams 2",
            string.Concat(inputs.Select(i => JsonLine(i) + "\n")));

        Assert.True(code == 0, error);
        var answers = Lines(output).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(inputs.Count, answers.Count);
        var withPadding = 0;
        foreach (var answer in answers)
        {
            var ids = answer.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToList();
            if (ids.Contains(fixture.PaddingId)) withPadding++;
            var text = answer.GetProperty("text").GetString();
            Assert.Equal(fixture.Tokenizer.Decode(ids.Where(id => id != fixture.PaddingId), skipSpecialTokens: true), text);
        }
        Assert.True(withPadding > 0, "the padded model should generate its padding id");
    }

    [Fact]
    public void Without_json_each_answer_is_its_text_on_one_line()
    {
        var input = string.Concat(Inputs().Select(i => JsonLine(i) + "\n"));

        var json = Invoke($"generate --model {fixture.Model} --json --max-new-tokens 8 --no-repeat-ngram-size 1", input);
        var plain = Invoke($"generate --model {fixture.Model} --max-new-tokens 8 --no-repeat-ngram-size 1", input);

        Assert.True(plain.Code == 0, plain.Error);
        var texts = Lines(json.Output).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()).ToList();
        Assert.Contains(texts, t => t!.Length > 0);
        Assert.Equal(texts, Lines(plain.Output));
    }

    [Fact]
    public void The_generation_defaults_come_from_generation_config_json_and_the_command_line_overrides_them()
    {
        var folder = fixture.CopyOfModel();
        File.WriteAllText(Path.Combine(folder, "generation_config.json"),
            """{"num_beams": 3, "no_repeat_ngram_size": 2, "max_new_tokens": 6, "early_stopping": true, "do_sample": true, "num_return_sequences": 1}""");
        var inputs = Inputs();
        var input = string.Concat(inputs.Select(i => JsonLine(i) + "\n"));

        var defaults = Invoke($"generate --model {folder} --json --max-source-length {MaxSourceLength}", input);
        var greedy = Invoke($"generate --model {folder} --json --max-source-length {MaxSourceLength} --num-beams 1 --batch-size 1", input);

        Assert.True(defaults.Code == 0, defaults.Error);
        Assert.Contains($"{Path.Combine(folder, "generation_config.json")}: do_sample true is not supported", defaults.Error);
        Assert.DoesNotContain("num_return_sequences", defaults.Error);
        var fromFile = new GenerationOptions { NumBeams = 3, NoRepeatNgramSize = 2, MaxNewTokens = 6, EarlyStopping = EarlyStopping.True };
        Assert.Equal(DirectGeneration(folder, inputs, GenerateCommand.DefaultBatchSize, fromFile), Ids(defaults.Output));
        Assert.Equal(DirectGeneration(folder, inputs, 1, fromFile with { NumBeams = 1 }), Ids(greedy.Output));
    }

    [Fact]
    public void Config_json_holds_the_defaults_only_when_there_is_no_generation_config_json()
    {
        var folder = fixture.CopyOfModel();
        // As a folder saved before transformers wrote generation_config.json (ours writes one).
        File.Delete(Path.Combine(folder, "generation_config.json"));
        var config = Path.Combine(folder, "config.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(config))!.AsObject();
        json["num_beams"] = 2;
        json["max_length"] = 7;
        json["early_stopping"] = "never";
        File.WriteAllText(config, json.ToJsonString());

        var fromConfig = GenerationConfigFile.Read(folder);
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"length_penalty": 0.5}""");
        var fromGenerationConfig = GenerationConfigFile.Read(folder);
        File.WriteAllText(Path.Combine(folder, "generation_config.json"), """{"num_beams": "four"}""");
        var bad = Invoke($"generate --model {folder}", "{\"text\": \"kalo\"}\n");

        Assert.Equal(new GenerationOptions { NumBeams = 2, MaxLength = 7, EarlyStopping = EarlyStopping.Never }, fromConfig.Options);
        Assert.Equal(config, fromConfig.Source);
        Assert.Equal(new GenerationOptions { LengthPenalty = 0.5 }, fromGenerationConfig.Options);
        Assert.Equal(RunHost.BadInput, bad.Code);
        Assert.Contains($"{Path.Combine(folder, "generation_config.json")}: field 'num_beams': must be an integer", bad.Error);
    }

    [Fact]
    public void A_folder_without_a_t5_model_or_with_bad_options_is_refused()
    {
        var bert = fixture.Combine($"bert-{Guid.NewGuid():N}");
        Directory.CreateDirectory(bert);
        File.Copy(Path.Combine(fixture.Model, "spiece.model"), Path.Combine(bert, "spiece.model"));
        File.WriteAllText(Path.Combine(bert, "config.json"), """{"model_type": "bert", "vocab_size": 30}""");

        var notT5 = Invoke($"generate --model {bert}", "{\"text\": \"kalo\"}\n");
        var missing = Invoke($"generate --model {fixture.Combine("missing")}", "");
        var untokenized = fixture.CopyOfModel();
        File.Delete(Path.Combine(untokenized, "spiece.model"));
        var noTokenizer = Invoke($"generate --model {untokenized}", "");
        var noBeams = Invoke($"generate --model {fixture.Model} --num-beams 0", "");
        var badStop = Invoke($"generate --model {fixture.Model} --early-stopping sometimes", "");

        Assert.Equal(RunHost.BadInput, notT5.Code);
        Assert.Contains($"{Path.Combine(bert, "config.json")}: field 'model_type': 'bert' is not a T5 model", notT5.Error);
        Assert.Equal(RunHost.BadInput, missing.Code);
        Assert.Contains("model folder not found", missing.Error);
        Assert.Equal(RunHost.BadInput, noTokenizer.Code);
        Assert.Contains($"{untokenized}: no T5 tokenizer in the model folder", noTokenizer.Error);
        Assert.Equal(RunHost.BadInput, noBeams.Code);
        Assert.Contains("--num-beams must be at least 1", noBeams.Error);
        Assert.Equal(RunHost.BadInput, badStop.Code);
        Assert.Contains("--early-stopping takes no value, or true, false or never; not 'sometimes'", badStop.Error);
    }

    /// <summary>
    /// The tutorial's decoding (num_beams 4, no_repeat_ngram_size 2, early_stopping) through the command equals
    /// tests/parity/t5_reference.py's beam search (plain PyTorch, transformers' algorithm) on the same encodings.
    /// </summary>
    [Fact]
    public void Beam_search_answers_equal_the_pytorch_references()
    {
        var inputs = Inputs().Take(3).ToList();
        const int maxNewTokens = 8;
        var inputsPath = fixture.Combine($"reference-inputs-{Guid.NewGuid():N}.safetensors");
        var outPath = fixture.Combine($"reference-out-{Guid.NewGuid():N}.safetensors");
        using (var scope = torch.NewDisposeScope())
        {
            var encodings = inputs.Select(i => i.Question is null
                ? fixture.Tokenizer.Encode(i.Text, null, MaxSourceLength)
                : fixture.Tokenizer.Encode(i.Text, i.Question, MaxSourceLength, TruncationStrategy.OnlyFirst)).ToList();
            var (ids, mask) = GenerationModel.PaddedBatch(encodings, fixture.Tokenizer.PadTokenId);
            SafetensorsWriter.Write(inputsPath, new Dictionary<string, torch.Tensor> { ["input_ids"] = ids, ["attention_mask"] = mask });
        }
        RunReference("generate", fixture.Model, inputsPath, outPath, "4", maxNewTokens.ToString(CultureInfo.InvariantCulture), "2", "1.0", "true");

        var (code, output, error) = Invoke($"generate --model {fixture.Model} --json --max-source-length {MaxSourceLength} " +
                                           $"--num-beams 4 --no-repeat-ngram-size 2 --early-stopping --max-new-tokens {maxNewTokens}",
            string.Concat(inputs.Select(i => JsonLine(i) + "\n")));

        Assert.True(code == 0, error);
        using var file = SafetensorsFile.Open(outPath);
        using var sequences = file.ReadTensor("sequences");
        var width = (int)sequences.size(1);
        var flat = sequences.data<long>().ToArray();
        var expected = Enumerable.Range(0, inputs.Count).Select(r =>
        {
            var row = flat.AsSpan(r * width, width).ToArray();
            var eos = Array.IndexOf(row, (long)fixture.Tokenizer.EosTokenId, 1);
            return row[1..(eos < 0 ? width : eos + 1)].Select(id => (int)id).ToArray();
        }).ToList();
        Assert.Equal(expected, Ids(output));
    }

    private static void RunReference(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "tests", "parity", "t5_reference.py"));
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "t5_reference.py did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"t5_reference.py {string.Join(" ", arguments)} failed: {stderr.Result}");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Orchestrator.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Orchestrator.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>The printed lines (empty ones included), without the newline that ends the last.</summary>
    private static string[] Lines(string output) => (output.EndsWith('\n') ? output[..^1] : output).Split('\n');

    private static List<int[]> Ids(string output) => Lines(output)
        .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray()).ToList();

    private static (int Code, string Output, string Error) Invoke(string commandLine, string stdin = "")
    {
        var root = new RootCommand();
        root.Subcommands.Add(GenerateCommand.Create());
        var parse = root.Parse(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Empty(parse.Errors);
        var output = new StringWriter();
        var error = new StringWriter();
        int code;
        try
        {
            code = GenerateCommand.Run(GenerateCommand.Bind(parse), new StringReader(stdin), output, error);
        }
        catch (RunInputException problem)
        {
            error.WriteLine($"error: {problem.Message}");
            code = RunHost.BadInput;
        }
        return (code, output.ToString(), error.ToString());
    }
}
