using Orchestrator.Torch.Safetensors;

namespace Orchestrator.Torch.Tests.Safetensors;

/// <summary>
/// Tests that count live native tensors. The count is process-wide, so they run alone,
/// after the parallel tests (see <see cref="LiveTensorCountCollection"/>).
/// </summary>
[Collection(LiveTensorCountCollection.Name)]
public class SafetensorsDisposalTests
{
    [Fact]
    public void ReadAllCreatesTensorsOwnedByTheCurrentScopeAndLeaksNothing()
    {
        using var folder = new TempFolder();
        var path = folder.File("m.safetensors");
        using (torch.NewDisposeScope())
            SafetensorsWriter.Write(path, new Dictionary<string, torch.Tensor> { ["a"] = torch.zeros([3]), ["b"] = torch.zeros([2, 2], ScalarType.Int64) });

        var before = LiveTensorCountCollection.SettledCount();
        using (torch.NewDisposeScope())
        using (var file = SafetensorsFile.Open(path))
        {
            var all = file.ReadAll();
            Assert.Equal(before + 2, torch.LiveTensorCount);
        }
        Assert.Equal(before, torch.LiveTensorCount);
    }

    [Fact]
    public void ABooleanByteOtherThanZeroOrOneIsRejectedWhenRead()
    {
        using var folder = new TempFolder();
        var path = folder.File("bool.safetensors");
        File.WriteAllBytes(path, RawSafetensors.Build(
            "{\"ok\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"mask\":{\"dtype\":\"BOOL\",\"shape\":[3],\"data_offsets\":[4,7]}}",
            [0, 0, 128, 63, 1, 0, 2]));
        var before = LiveTensorCountCollection.SettledCount();

        using var file = SafetensorsFile.Open(path);
        var error = Assert.Throws<SafetensorsFormatException>(() => file.ReadAll());

        Assert.Equal("mask", error.TensorName);
        Assert.Equal("data", error.Field);
        Assert.Contains("BOOL element 2 holds byte 0x02", error.Message);
        Assert.Equal(before, torch.LiveTensorCount); // "ok" was read, then disposed
    }
}
