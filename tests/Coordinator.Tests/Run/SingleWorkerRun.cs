using Orchestrator.Coordinator.Run;
using Orchestrator.Shared.Config;
using Orchestrator.Shared.Data.Synthetic;
using Orchestrator.Worker.Models;

namespace Orchestrator.Coordinator.Tests.Run;

/// <summary>
/// The tiny model, the data and the one-worker run (batch 8) every case compares with: made once for the class, since
/// the single worker's run is the same whatever the two workers do.
/// </summary>
public sealed class SingleWorkerRun : IAsyncLifetime
{
    public string Model { get; private set; } = "";

    public string Data { get; private set; } = "";

    public TrainOptions Options { get; private set; } = null!;

    internal TempDirectory Temp { get; } = new();

    public async Task InitializeAsync()
    {
        Model = RunTestKit.TinyModel(Temp.Combine("base"), NerCorpusGenerator.Labels, ModelTask.TokenClassification, dropout: 0);
        // 32 training sentences: 2 ranks x batch 4 and 1 rank x batch 8 both make 4 full steps per epoch (no
        // sampler padding); 13 validation sentences: 2 ranks get 7 each, so rank 1 repeats example 0.
        Data = RunTestKit.NerData(Temp.Combine("data"), train: 32, validation: 13);
        Options = RunTestKit.NerOptions(Model, Data, Temp.Combine("one"), workers: 1, batchSize: 8);
        var (code, console) = await RunTestKit.TrainAsync(Options);
        if (code != RunHost.Succeeded) throw new InvalidOperationException($"the one-worker run failed ({code}):\n{console}");
    }

    public Task DisposeAsync()
    {
        Temp.Dispose();
        return Task.CompletedTask;
    }
}
