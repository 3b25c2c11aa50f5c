using Orchestrator.Shared.Cluster;
using Orchestrator.Worker;
using Orchestrator.Worker.Training;

namespace Orchestrator.Coordinator.Tests.Cluster;

public sealed class MessageChunksTests() : Akka.TestKit.Xunit2.TestKit(ClusterTestSetup.WithOurSerializer())
{
    private static EvaluationDone LargeEvaluation(int rows)
    {
        var values = Enumerable.Range(0, rows * 64).Select(i => (long)(i % 9)).ToArray();
        return new EvaluationDone(0, new GatheredPredictions(2, rows / 2, 64, values, values.Reverse().ToArray(),
            Enumerable.Range(0, rows).Select(i => (long)i).ToArray()), 0.5, 0.02);
    }

    [Fact]
    public void A_message_above_the_chunk_size_is_split_and_joined_back_whatever_the_arrival_of_its_chunks()
    {
        var message = LargeEvaluation(4000);  // 2 x 4000 x 64 longs: about 4 MB
        var chunks = MessageChunks.Split(Sys, message, chunkBytes: 256 * 1024)!;
        Assert.InRange(chunks.Count, 15, 17);
        Assert.All(chunks, c => Assert.True(c.Data.Length <= 256 * 1024));

        var assembler = new MessageChunks.Assembler(Sys);
        object? whole = null;
        foreach (var chunk in chunks.Reverse())
        {
            Assert.Null(whole);
            whole = assembler.Add(chunk);
        }
        var joined = Assert.IsType<EvaluationDone>(whole);
        Assert.Equal(message.Gathered.Predictions, joined.Gathered.Predictions);
        Assert.Equal(message.Gathered.Labels, joined.Gathered.Labels);
        Assert.Equal(0, assembler.Pending);
    }

    [Fact]
    public void A_small_message_is_not_split_and_a_local_recipient_gets_the_object_itself()
    {
        Assert.Null(MessageChunks.Split(Sys, new StopWorker("done")));
        var message = LargeEvaluation(4000);
        MessageChunks.Tell(Sys, TestActor, message, TestActor, chunkBytes: 1024);
        Assert.Same(message, ExpectMsg<EvaluationDone>());
    }
}
