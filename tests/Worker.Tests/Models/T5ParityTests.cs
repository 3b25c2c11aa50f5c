using System.Diagnostics;
using System.Globalization;
using Orchestrator.Torch;
using Orchestrator.Torch.Safetensors;
using Orchestrator.Worker.Generation;
using Orchestrator.Worker.Models.T5;

namespace Orchestrator.Worker.Tests.Models;

/// <summary>
/// Parity with tests/parity/t5_reference.py (plain PyTorch T5 and generate(), same parameter names as transformers),
/// for T5 v1.0 (ReLU, tied head with the d_model^-0.5 rescale) and v1.1 (gated-GELU, untied head): our checkpoint
/// loads strictly there with identical tensors and gives the same logits, loss and gradients; its checkpoint loads
/// here; greedy and beam search produce the same tokens.
/// </summary>
public class T5ParityTests
{
    public static TheoryData<string> Variants => new() { "v1.0", "v1.1" };

    [Theory]
    [MemberData(nameof(Variants))]
    public void LogitsLossAndGradientsEqualThePyTorchReferenceOnOurCheckpoint(string variant) => AssertParity(variant, trainSeed: null);

    [Theory]
    [MemberData(nameof(Variants))]
    public void InTrainingModeDropoutDrawsTheSameMasksFromTheSameSeed(string variant) => AssertParity(variant, trainSeed: 2024);

    private static void AssertParity(string variant, long? trainSeed)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        using var model = T5Pretrained.CreateRandom(T5Tiny.Config(variant), seed: 1234);
        var checkpoint = folder.Sub("model");
        T5Pretrained.Save(model, checkpoint);
        var inputsPath = T5Tiny.WriteInputs(folder);
        var outPath = folder.File("reference.safetensors");
        T5Reference.Run(["check", checkpoint, inputsPath, outPath, .. trainSeed is { } s ? new[] { s.ToString(CultureInfo.InvariantCulture) } : []]);
        var reference = BertReference.Read(outPath);

        if (trainSeed is { } seed)
        {
            model.train();
            torch.manual_seed(seed);
        }
        else model.eval();
        var inputs = T5Tiny.Inputs();
        var output = model.forward(inputs["input_ids"], inputs["attention_mask"], inputs["labels"]);
        output.Loss!.backward();

        Assertions.Close(reference["logits"], output.Logits, "logits", 1e-5);
        Assertions.Close(reference["loss"], output.Loss, "loss", 1e-6);
        if (trainSeed is not null)
            using (torch.no_grad())
            {
                model.eval();
                Assert.False(model.forward(inputs["input_ids"], inputs["attention_mask"], inputs["labels"]).Logits.allclose(output.Logits), "training mode should drop units");
            }
        var parameters = model.named_parameters().ToList();
        foreach (var (name, parameter) in parameters)
        {
            Assert.True(reference.ContainsKey("grad/" + name), $"the reference has no gradient for {name}");
            Assertions.RelativeClose(reference["grad/" + name], parameter.grad!, "grad of " + name, 1e-4);
        }
        Assert.Equal(parameters.Count, reference.Keys.Count(k => k.StartsWith("grad/", StringComparison.Ordinal)));

        // Strict load in Python proved the names; now the values, byte for byte.
        var ours = model.state_dict();
        Assert.Equal(ours.Keys.Order(), reference.Keys.Where(k => k.StartsWith("param/", StringComparison.Ordinal)).Select(k => k["param/".Length..]).Order());
        foreach (var (name, tensor) in ours)
            Assert.True(tensor.bytes().AsSpan().SequenceEqual(reference["param/" + name].bytes()), $"{name} differs after the round trip through Python");
        Assert.Equal(variant == "v1.1", ours.ContainsKey("lm_head.weight"));
        Assert.DoesNotContain(ours.Keys, k => k.Contains("embed_tokens", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void ACheckpointWrittenByTheReferenceLoadsAndGivesItsLogitsAndOurInitialisationDrawsTheSameWeights(string variant)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var inputsPath = T5Tiny.WriteInputs(folder);
        var checkpoint = folder.Sub("python");
        var outPath = folder.File("reference.safetensors");
        T5Reference.Run("make", checkpoint, variant, "7", inputsPath, outPath);
        var reference = BertReference.Read(outPath);

        var sink = new CapturingSink();
        using var model = T5Pretrained.Load(checkpoint, sink.Logger());
        model.eval();
        Assert.DoesNotContain(sink.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
        Assert.Equal(variant == "v1.0", model.Config.TieWordEmbeddings);
        var inputs = T5Tiny.Inputs();
        using (torch.no_grad())
        {
            var output = model.forward(inputs["input_ids"], inputs["attention_mask"], inputs["labels"]);
            Assertions.Close(reference["logits"], output.Logits, "logits", 1e-5);
            Assertions.Close(reference["loss"], output.Loss!, "loss", 1e-6);
        }

        // Same seed, same construction order, same _init_weights order: the same weights, bit for bit.
        using var ours = T5Pretrained.CreateRandom(T5Config.Load(Path.Combine(checkpoint, "config.json")), seed: 7);
        var theirs = model.state_dict();
        foreach (var (name, tensor) in ours.state_dict())
            Assert.True(tensor.bytes().AsSpan().SequenceEqual(theirs[name].bytes()), $"{name}: our initialisation differs from the reference's");
    }

    public static TheoryData<string, int, int, double, string, bool> GenerationCases => new()
    {
        // variant, num_beams, no_repeat_ngram_size, length_penalty, early_stopping, eos made likely
        { "v1.0", 1, 0, 1.0, "false", false },
        { "v1.1", 1, 2, 1.0, "false", true },
        { "v1.0", 4, 2, 1.0, "true", false },
        { "v1.1", 4, 2, 1.0, "true", true },
        { "v1.1", 4, 0, 1.0, "false", true },
        { "v1.0", 3, 2, 0.6, "never", true },
        { "v1.1", 2, 3, -0.5, "never", true },
    };

    [Theory]
    [MemberData(nameof(GenerationCases))]
    public void GenerationProducesTheReferencesTokens(string variant, int numBeams, int noRepeat, double lengthPenalty, string earlyStopping, bool likelyEos)
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        using var model = T5Pretrained.CreateRandom(T5Tiny.Config(variant), seed: 99);
        if (likelyEos) T5Tiny.MakeEosLikely(model);
        var checkpoint = folder.Sub("model");
        T5Pretrained.Save(model, checkpoint);
        var inputsPath = T5Tiny.WriteInputs(folder);
        var outPath = folder.File("generated.safetensors");
        const int maxNewTokens = 11;
        T5Reference.Run("generate", checkpoint, inputsPath, outPath, numBeams.ToString(CultureInfo.InvariantCulture), maxNewTokens.ToString(CultureInfo.InvariantCulture),
            noRepeat.ToString(CultureInfo.InvariantCulture), lengthPenalty.ToString(CultureInfo.InvariantCulture), earlyStopping);
        var reference = BertReference.Read(outPath);

        model.eval();
        var inputs = T5Tiny.Inputs();
        var options = new GenerationOptions
        {
            NumBeams = numBeams, MaxNewTokens = maxNewTokens, NoRepeatNgramSize = noRepeat, LengthPenalty = lengthPenalty,
            EarlyStopping = GenerationOptions.ParseEarlyStopping(earlyStopping),
        };
        var result = Seq2SeqGenerator.Generate(model, inputs["input_ids"], inputs["attention_mask"], options);

        var expected = reference["sequences"];
        var rows = (int)expected.size(0);
        var width = (int)expected.size(1);
        var expectedIds = expected.data<long>();
        Assert.Equal(rows, result.Sequences.Count);
        for (var r = 0; r < rows; r++)
            Assert.Equal(expectedIds.AsSpan(r * width, width).ToArray(), result.Sequences[r]);
        if (numBeams > 1) Assertions.Close(reference["scores"], torch.tensor(result.Scores!.Select(s => (float)s).ToArray()), "beam scores", 1e-6);
        if (likelyEos) Assert.Contains(result.Sequences, s => s.Contains(model.Config.EosTokenId));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void CachedDecodingGivesTheLogitsOfTheFullTeacherForcedForward(string variant)
    {
        using var scope = torch.NewDisposeScope();
        using var model = T5Pretrained.CreateRandom(T5Tiny.Config(variant), seed: 5);
        model.eval();
        using var noGrad = torch.no_grad();
        var inputs = T5Tiny.Inputs();
        var decoderInputs = torch.tensor(new long[] { 0, 6, 7, 8, 9, 0, 12, 13, 14, 15, 0, 3, 3, 4, 5 }, [3, 5]);
        var full = model.forward(inputs["input_ids"], inputs["attention_mask"], decoder_input_ids: decoderInputs).Logits;

        var encoderHidden = model.Encode(inputs["input_ids"], inputs["attention_mask"]);
        using var cache = model.NewCache();
        for (var position = 0; position < 5; position++)
        {
            var step = model.DecodeNext(decoderInputs.narrow(1, position, 1), encoderHidden, inputs["attention_mask"], cache);
            Assert.Equal(position + 1, cache.Length);
            Assertions.Close(full.select(1, position), step, $"logits at position {position}", 1e-5);
        }
    }

    [Fact]
    public void GenerationFreesEveryTensorItMakes()
    {
        using var model = T5Pretrained.CreateRandom(T5Tiny.Config("v1.1"), seed: 3);
        model.eval();
        using var inputsScope = torch.NewDisposeScope();
        var inputs = T5Tiny.Inputs();
        var before = torch.LiveTensorCount;
        Seq2SeqGenerator.Generate(model, inputs["input_ids"], inputs["attention_mask"], new GenerationOptions { NumBeams = 3, MaxNewTokens = 6, NoRepeatNgramSize = 2 });
        Seq2SeqGenerator.Generate(model, inputs["input_ids"], inputs["attention_mask"], new GenerationOptions { MaxNewTokens = 6 });
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void AHubStyleCheckpointWithTiedAliasesLoadsAndAMissingWeightIsNamed()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        using var model = T5Pretrained.CreateRandom(T5Tiny.Config("v1.0"), seed: 11);
        var state = model.state_dict();
        // Hub files of the original t5 may carry the tied copies and an old cross-attention bias.
        var hub = new Dictionary<string, torch.Tensor>(state)
        {
            ["encoder.embed_tokens.weight"] = state["shared.weight"],
            ["decoder.embed_tokens.weight"] = state["shared.weight"],
            ["lm_head.weight"] = state["shared.weight"],
            ["decoder.block.0.layer.1.EncDecAttention.relative_attention_bias.weight"] = torch.zeros([8, 4]),
        };
        var good = folder.Sub("hub");
        SafetensorsWriter.Write(Path.Combine(good, "model.safetensors"), hub);
        File.WriteAllText(Path.Combine(good, "config.json"), model.Config.ToJsonString());
        var sink = new CapturingSink();
        using (var loaded = T5Pretrained.Load(good, sink.Logger()))
        {
            Assert.DoesNotContain(sink.Events, e => e.Level >= Serilog.Events.LogEventLevel.Warning);
            Assert.True(loaded.shared.weight.equal(model.shared.weight));
        }

        var broken = folder.Sub("broken");
        hub.Remove("decoder.block.1.layer.2.DenseReluDense.wo.weight");
        SafetensorsWriter.Write(Path.Combine(broken, "model.safetensors"), hub);
        File.WriteAllText(Path.Combine(broken, "config.json"), model.Config.ToJsonString());
        var error = Assert.Throws<Orchestrator.Worker.Models.ModelCheckpointException>(() => T5Pretrained.Load(broken));
        Assert.Contains("decoder.block.1.layer.2.DenseReluDense.wo.weight", error.Message);
    }

    [Fact]
    public void ShiftRightStartsWithTheStartTokenAndTurnsIgnoredLabelsIntoPadding()
    {
        using var scope = torch.NewDisposeScope();
        var labels = torch.tensor(new long[] { 6, 7, -100, -100, 9, 1, 4, -100 }, [2, 4]);
        var shifted = T5ForConditionalGeneration.ShiftRight(labels, decoderStartTokenId: 0, padTokenId: 0);
        Assert.Equal(new long[] { 0, 6, 7, 0, 0, 9, 1, 4 }, shifted.data<long>());
    }
}

/// <summary>The tiny T5 configurations and the padded batch the T5 tests share (t5_reference.py's tiny_config).</summary>
internal static class T5Tiny
{
    public static T5Config Config(string variant)
    {
        var config = variant == "v1.0" ? T5Config.V10(64, 32, 48, 2, 4) : T5Config.V11(64, 32, 48, 2, 4);
        return new T5Config
        {
            VocabSize = config.VocabSize, DModel = config.DModel, DKv = 8, DFf = config.DFf, NumLayers = 2, NumDecoderLayersField = 3,
            NumHeads = 4, RelativeAttentionNumBuckets = 8, RelativeAttentionMaxDistance = 20, FeedForwardProj = config.FeedForwardProj,
            TieWordEmbeddings = config.TieWordEmbeddings,
        };
    }

    // Rows of 7, 4 and 3 source tokens (each ending with eos), padded with 0; labels end with eos, -100 after.
    public static Dictionary<string, torch.Tensor> Inputs() => new()
    {
        ["input_ids"] = torch.tensor(new long[] { 5, 9, 13, 7, 22, 3, 1, 8, 4, 30, 1, 0, 0, 0, 11, 2, 1, 0, 0, 0, 0 }, [3, 7]),
        ["attention_mask"] = torch.tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0 }, [3, 7]),
        ["labels"] = torch.tensor(new long[] { 6, 7, 8, 1, -100, 9, 1, -100, -100, -100, 12, 13, 14, 15, 1 }, [3, 5]),
    };

    public static string WriteInputs(TempFolder folder)
    {
        var path = folder.File("inputs.safetensors");
        using var scope = torch.NewDisposeScope();
        SafetensorsWriter.Write(path, Inputs());
        return path;
    }

    /// <summary>Scales up the head's eos row so random models finish sequences at various steps.</summary>
    public static void MakeEosLikely(T5ForConditionalGeneration model)
    {
        using var noGrad = torch.no_grad();
        var head = model.lm_head?.weight ?? model.shared.weight;
        using var row = head.select(0, model.Config.EosTokenId);
        row.mul_(4.0);
    }
}

/// <summary>Runs tests/parity/t5_reference.py with PyTorch (`/usr/bin/python3`).</summary>
internal static class T5Reference
{
    public static string Script => Path.Combine(BertReference.RepositoryRoot(), "tests", "parity", "t5_reference.py");

    public static void Run(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var a in arguments) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "the Python reference did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"t5_reference.py {string.Join(" ", arguments)} failed: {stderr.Result}");
    }
}
