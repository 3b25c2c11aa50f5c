using Orchestrator.Shared.Actors;

namespace Orchestrator.Shared.Tests.Actors;

/// <summary>Two actor systems on one in-process network: messages cross as type name + JSON.</summary>
public sealed class RemoteTests : IAsyncLifetime
{
    private readonly LocalNetwork _network = new();
    private readonly ActorSystem _a;
    private readonly ActorSystem _b;

    public RemoteTests()
    {
        _a = new ActorSystem("a", new ActorSystemOptions { Node = "node-a", TransportFactory = n => new LocalTransport(_network, n) });
        _b = new ActorSystem("b", new ActorSystemOptions { Node = "node-b", TransportFactory = n => new LocalTransport(_network, n) });
        foreach (var s in new[] { _a, _b })
        {
            s.Serializer.Register<Ping>();
            s.Serializer.Register<Pong>();
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _a.ShutdownAsync(TimeSpan.FromSeconds(10));
        await _b.ShutdownAsync(TimeSpan.FromSeconds(10));
    }

    private sealed class Echo : Actor
    {
        protected internal override Task OnReceive(object message)
        {
            if (message is Ping p) Sender.Tell(new Pong($"{p.Text} from {Self.Node}"));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AskAcrossNodes()
    {
        _b.Spawn(Props.Create<Echo>(), "echo");

        var pong = await _a.RefFor("node-b", "/user/echo").Ask<Pong>(new Ping("hi"), Wait.Long);

        Assert.Equal("hi from node-b", pong.Text);
    }

    [Fact]
    public void UnregisteredMessageTypeIsRejectedClearly()
    {
        var ex = Assert.Throws<NotSupportedException>(() => _a.RefFor("node-b", "/user/echo").Tell(new WatchIt(_a.DeadLetters)));
        Assert.Contains(nameof(WatchIt), ex.Message);
        Assert.Contains("node-b:/user/echo", ex.Message);
    }

    [Fact]
    public async Task RemoteWatchSeesStop()
    {
        var echo = _b.Spawn(Props.Create<Echo>(), "echo");
        var probe = new Probe(_a);
        var remote = _a.RefFor("node-b", "/user/echo");
        await probe.WatchAsync(remote);

        await _b.StopAsync(echo);

        var t = await probe.ExpectAsync<Terminated>();
        Assert.Equal("node-b", t.Actor.Node);
        Assert.Equal("/user/echo", t.Actor.Path);
        Assert.Null(t.Reason);
    }

    [Fact]
    public async Task RemoteWatchOfMissingActorTerminatesAtOnce()
    {
        var probe = new Probe(_a);
        await probe.WatchAsync(_a.RefFor("node-b", "/user/nobody"));
        var t = await probe.ExpectAsync<Terminated>();
        Assert.Equal("no such actor", t.Reason);
    }

    [Fact]
    public async Task LostNodeBecomesTerminated()
    {
        _b.Spawn(Props.Create<Echo>(), "worker-0");
        var probe = new Probe(_a);
        await probe.WatchAsync(_a.RefFor("node-b", "/user/worker-0"));

        _network.Disconnect("node-b", "heartbeat missed");

        var t = await probe.ExpectAsync<Terminated>();
        Assert.Equal("/user/worker-0", t.Actor.Path);
        Assert.Contains("node node-b lost: heartbeat missed", t.Reason);
    }

    private sealed class Mute : Actor
    {
        protected internal override Task OnReceive(object message) => Task.CompletedTask;
    }

    [Fact]
    public async Task PendingAskFailsAtOnceWhenTheNodeIsLost()
    {
        _b.Spawn(Props.Create<Mute>(), "mute");
        var ask = _a.RefFor("node-b", "/user/mute").Ask<Pong>(new Ping("still there?"), TimeSpan.FromMinutes(5));

        _network.Disconnect("node-b", "pod deleted");

        var ex = await Assert.ThrowsAsync<AskFailedException>(() => ask.WaitAsync(Wait.Long));
        Assert.Contains("node node-b lost: pod deleted", ex.Message);
    }

    [Fact]
    public void WireEnvelopeIsPlainJson()
    {
        var wire = _a.Serializer.ToWire("node-b", "/user/echo", _a.DeadLetters, new Terminated(_a.RefFor("node-a", "/user/x"), "why"));
        var json = System.Text.Json.JsonSerializer.Serialize(wire);
        var back = System.Text.Json.JsonSerializer.Deserialize<WireEnvelope>(json)!;

        var message = Assert.IsType<Terminated>(_b.Serializer.FromWire(back));

        Assert.Equal("orc.Terminated", back.MessageType);
        Assert.Equal("node-a", message.Actor.Node);
        Assert.Equal("/user/x", message.Actor.Path);
        Assert.Equal("why", message.Reason);
        Assert.Throws<NotSupportedException>(() => _b.Serializer.FromWire(back with { MessageType = "System.IO.FileInfo" }));
    }
}
