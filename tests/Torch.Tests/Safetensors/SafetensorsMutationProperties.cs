using FsCheck;
using FsCheck.Fluent;
using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

/// <summary>
/// Random byte changes and truncations of a valid file never crash the process and never raise anything
/// but <see cref="SafetensorsFormatException"/>: each mutated file either loads or is rejected cleanly.
/// </summary>
public class SafetensorsMutationProperties
{
    public sealed record Mutation(int[] Positions, byte[] Values, int? TruncateAt)
    {
        public override string ToString() =>
            $"set [{string.Join(", ", Positions.Zip(Values, (p, v) => $"{p}=0x{v:X2}"))}] truncate {TruncateAt?.ToString() ?? "no"}";
    }

    private static byte[] ValidFile()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var path = folder.File("valid.safetensors");
        SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor>
        {
            ["embeddings.weight"] = torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [2, 3]),
            ["half"] = torch.tensor(new[] { (Half)1, (Half)2 }),
            ["brain"] = torch.from_bytes(new byte[] { 0x80, 0x3F }, ScalarType.BFloat16, []),
            ["ids"] = torch.tensor(new long[] { 1, 2, 3 }),
            ["int"] = torch.tensor(new[] { 5 }, []),
            ["mask"] = torch.tensor(new[] { true, false, true, true }),
            ["empty"] = torch.zeros([0, 3]),
        }, new Dictionary<string, string> { ["format"] = "pt", ["step"] = "12" });
        return File.ReadAllBytes(path);
    }

    private static Gen<Mutation> Mutations(int length, int headerEnd)
    {
        // Most changes land in the header, where they are interesting; JSON punctuation and digits
        // turn a valid header into a subtly wrong one more often than uniform bytes do.
        var position = Gen.Frequency((3, Gen.Choose(0, headerEnd - 1)), (1, Gen.Choose(0, length - 1)));
        var value = Gen.Frequency(
            (1, Gen.Choose(0, 255).Select(v => (byte)v)),
            (2, Gen.Elements("0123456789-\"{}[],:. eE"u8.ToArray())));
        var change = from p in position from v in value select (p, v);
        var truncate = Gen.Frequency((3, Gen.Constant<int?>(null)), (1, Gen.Choose(0, length - 1).Select(n => (int?)n)));
        return from changes in Gen.Choose(0, 3).SelectMany(n => Gen.ArrayOf(change, n))
               from t in truncate
               where changes.Length > 0 || t is not null
               select new Mutation(changes.Select(c => c.p).ToArray(), changes.Select(c => c.v).ToArray(), t);
    }

    [Fact]
    public void MutatedOrTruncatedFilesLoadOrFailWithAFormatErrorOnly()
    {
        var valid = ValidFile();
        var headerEnd = 8 + (int)BitConverter.ToUInt64(valid, 0);
        using var folder = new TempFolder();
        var path = folder.File("mutated.safetensors");
        int loaded = 0, rejected = 0;

        var property = Prop.ForAll(Arb.From(Mutations(valid.Length, headerEnd)), mutation =>
        {
            var bytes = (byte[])valid.Clone();
            for (var i = 0; i < mutation.Positions.Length; i++) bytes[mutation.Positions[i]] = mutation.Values[i];
            if (mutation.TruncateAt is { } n) bytes = bytes[..n];
            File.WriteAllBytes(path, bytes);
            try
            {
                using var scope = torch.NewDisposeScope();
                using var file = SafetensorsFile.Open(path);
                var tensors = file.ReadAll();
                Assert.Equal(file.Entries.Count, tensors.Count);
                foreach (var entry in file.Entries) Assert.Equal(entry.Shape, tensors[entry.Name].shape);
                loaded++;
            }
            catch (SafetensorsFormatException e)
            {
                Assert.Equal(path, e.Path);
                rejected++;
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(600).WithReplay(20261122, 7), property);

        // Both outcomes must actually occur, or the property proves little.
        Assert.True(loaded >= 10, $"only {loaded} mutated files loaded");
        Assert.True(rejected > 100, $"only {rejected} mutated files were rejected");
    }
}
