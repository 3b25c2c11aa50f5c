using System.Collections.Concurrent;
using Orchestrator.Shared.Actors;

namespace Orchestrator.Shared.Tests.Actors;

public sealed class ActorRuntimeTests : IAsyncLifetime
{
    private readonly ActorSystem _system = new("test");

    public Task InitializeAsync() => Task.CompletedTask;
    public async Task DisposeAsync() => await _system.ShutdownAsync(TimeSpan.FromSeconds(10));

    private sealed record Numbered(int Sender, int Seq);

    private sealed class Recorder : Actor
    {
        private readonly List<Numbered> _seen = new();
        private int _inside;
        private int _maxInside;

        protected internal override async Task OnReceive(object message)
        {
            int now = Interlocked.Increment(ref _inside);
            _maxInside = Math.Max(_maxInside, now);
            await Task.Yield(); // give another message a chance to overlap, if the runtime allowed it
            if (message is Numbered n) _seen.Add(n);
            else if (message is "report") Sender.Tell((_seen.ToList(), _maxInside));
            Interlocked.Decrement(ref _inside);
        }
    }

    [Fact]
    public async Task MessagesFromConcurrentSendersKeepPerSenderOrderOneAtATime()
    {
        var recorder = _system.Spawn(Props.Create<Recorder>(), "recorder");
        const int senders = 4, each = 2000;

        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (int i = 0; i < each; i++) recorder.Tell(new Numbered(s, i));
        })));
        var (seen, maxInside) = await recorder.Ask<(List<Numbered>, int)>("report", Wait.Long);

        Assert.Equal(senders * each, seen.Count);
        Assert.Equal(1, maxInside);
        for (int s = 0; s < senders; s++)
            Assert.Equal(Enumerable.Range(0, each), seen.Where(n => n.Sender == s).Select(n => n.Seq));
    }

    private sealed class Echo : Actor
    {
        protected internal override Task OnReceive(object message)
        {
            if (message is Ping p)
            {
                if (p.Text == "bad") Sender.Tell(new ReplyFailure("bad ping"));
                else Sender.Tell(new Pong(p.Text));
            }
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AskReturnsTheReply()
    {
        var echo = _system.Spawn(Props.Create<Echo>(), "echo");
        var pong = await echo.Ask<Pong>(new Ping("hello"), Wait.Long);
        Assert.Equal("hello", pong.Text);
    }

    [Fact]
    public async Task AskTimeoutNamesActorAndMessageType()
    {
        var silent = _system.Spawn(Props.Create(() => new Counter(new())), "silent");
        var ex = await Assert.ThrowsAsync<AskTimeoutException>(() =>
            silent.Ask<Pong>(new Ping("anyone?"), TimeSpan.FromMilliseconds(200)));
        Assert.Contains("/user/silent", ex.Message);
        Assert.Contains("Ping", ex.Message);
        Assert.Equal(typeof(Ping), ex.MessageType);
    }

    [Fact]
    public async Task AskWithFailureReplyOrWrongTypeThrows()
    {
        var echo = _system.Spawn(Props.Create<Echo>(), "echo2");
        var failed = await Assert.ThrowsAsync<AskFailedException>(() => echo.Ask<Pong>(new Ping("bad"), Wait.Long));
        Assert.Equal("bad ping", failed.Error);
        await Assert.ThrowsAsync<InvalidCastException>(() => echo.Ask<string>(new Ping("x"), Wait.Long));
    }

    [Fact]
    public async Task FailureRestartsWithFreshStateAndTheMailboxGoesOn()
    {
        var log = new ConcurrentQueue<string>();
        var counter = _system.Spawn(Props.Create(() => new Counter(log)), "counter");

        counter.Tell("inc");
        counter.Tell("inc");
        counter.Tell("fail");
        counter.Tell("inc");
        var count = await counter.Ask<int>("get", Wait.Long);

        Assert.Equal(1, count);
        Assert.Equal(new[] { "start", "pre-restart:fail", "stop", "post-restart", "start" }, log);
    }

    [Fact]
    public async Task ResumeKeepsState()
    {
        var probe = new Probe(_system);
        var resume = new SupervisorStrategy(-1, Timeout.InfiniteTimeSpan, _ => Directive.Resume);
        var sup = _system.Spawn(Props.Create(() => new Supervisor(resume, Props.Create(() => new Counter(new())), probe.Ref)), "sup");
        var child = await sup.Ask<IActorRef>("child?", Wait.Long);

        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc");

        Assert.Equal(2, await child.Ask<int>("get", Wait.Long));
    }

    [Fact]
    public async Task StopDirectiveStopsChildAndParentGetsTerminatedWithReason()
    {
        var probe = new Probe(_system);
        var sup = _system.Spawn(Props.Create(() =>
            new Supervisor(SupervisorStrategy.Stopping, Props.Create(() => new Counter(new())), probe.Ref)), "sup");
        var child = await sup.Ask<IActorRef>("child?", Wait.Long);

        child.Tell("inc");
        child.Tell("fail");

        var terminated = await probe.ExpectAsync<Terminated>();
        Assert.Equal(child, terminated.Actor);
        Assert.Contains("failing at count 1", terminated.Reason);
        Assert.Null(_system.Lookup("/user/sup/child"));
    }

    [Fact]
    public async Task RestartLimitExceededStopsChildAndNotifiesParent()
    {
        var probe = new Probe(_system);
        var log = new ConcurrentQueue<string>();
        var twice = new SupervisorStrategy(2, TimeSpan.FromMinutes(1), _ => Directive.Restart);
        var sup = _system.Spawn(Props.Create(() => new Supervisor(twice, Props.Create(() => new Counter(log)), probe.Ref)), "sup");
        var child = await sup.Ask<IActorRef>("child?", Wait.Long);
        long deadBefore = _system.DeadLetterCount;

        child.Tell("fail");
        child.Tell("fail");
        Assert.Equal(0, await child.Ask<int>("get", Wait.Long)); // survived two restarts
        child.Tell("fail");

        var terminated = await probe.ExpectAsync<Terminated>();
        Assert.Equal("/user/sup/child", terminated.Actor.Path);
        Assert.Contains("restart limit exceeded (2 restarts within", terminated.Reason);
        Assert.Equal(2, log.Count(e => e == "post-restart"));
        child.Tell("inc");
        Assert.True(_system.DeadLetterCount > deadBefore);
    }

    [Fact]
    public void RestartWindowForgetsOldFailures()
    {
        var strategy = new SupervisorStrategy(2, TimeSpan.FromSeconds(10), _ => Directive.Restart);
        var history = new List<DateTimeOffset>();
        var t0 = DateTimeOffset.UnixEpoch;
        Assert.True(strategy.PermitRestart(history, t0));
        Assert.True(strategy.PermitRestart(history, t0.AddSeconds(1)));
        Assert.False(strategy.PermitRestart(history, t0.AddSeconds(2)));
        var fresh = new List<DateTimeOffset> { t0, t0.AddSeconds(1) };
        Assert.True(strategy.PermitRestart(fresh, t0.AddSeconds(30)));
    }

    private sealed class Escalating(ConcurrentQueue<string> log) : Actor
    {
        protected internal override SupervisorStrategy SupervisorStrategy { get; } =
            new(10, TimeSpan.FromMinutes(1), _ => Directive.Escalate);

        protected internal override Task PreStart()
        {
            log.Enqueue("parent-start");
            Context.Spawn(Props.Create(() => new Counter(new())), "child");
            return Task.CompletedTask;
        }

        protected internal override Task PostRestart(Exception reason)
        {
            log.Enqueue($"parent-restarted:{reason.Message}");
            return base.PostRestart(reason);
        }

        protected internal override Task OnReceive(object message)
        {
            if (message is "child?") Sender.Tell(Context.Child("child")!);
            return Task.CompletedTask;
        }
    }

    private sealed class Root(Props child) : Actor
    {
        protected internal override Task PreStart()
        {
            Context.Spawn(child, "parent");
            return Task.CompletedTask;
        }

        protected internal override Task OnReceive(object message) => Task.CompletedTask;
    }

    [Fact]
    public async Task EscalateRestartsTheParentWhichStopsTheFailedChild()
    {
        var probe = new Probe(_system);
        var log = new ConcurrentQueue<string>();
        _system.Spawn(Props.Create(() => new Root(Props.Create(() => new Escalating(log)))), "root");
        var parent = await WaitForAsync("/user/root/parent");
        var child = await parent.Ask<IActorRef>("child?", Wait.Long);
        await probe.WatchAsync(child);
        child.Tell("inc");

        child.Tell("fail");

        var terminated = await probe.ExpectAsync<Terminated>();
        Assert.Equal(child, terminated.Actor);
        var newChild = await parent.Ask<IActorRef>("child?", Wait.Long);
        Assert.Equal(0, await newChild.Ask<int>("get", Wait.Long));   // a fresh child from the restarted parent
        Assert.Equal(new[] { "parent-start", "parent-restarted:failing at count 1", "parent-start" }, log);
    }

    [Fact]
    public async Task EscalateFromTopLevelStopsIt()
    {
        var probe = new Probe(_system);
        var escalate = new SupervisorStrategy(1, TimeSpan.FromMinutes(1), _ => Directive.Escalate);
        var system = new ActorSystem("escalating", new ActorSystemOptions { GuardianStrategy = escalate });
        await using var _ = system;
        var sysProbe = new Probe(system);
        var counter = system.Spawn(Props.Create(() => new Counter(new())), "counter");
        await sysProbe.WatchAsync(counter);

        counter.Tell("fail");

        var t = await sysProbe.ExpectAsync<Terminated>();
        Assert.Contains("escalated to the guardian", t.Reason);
    }

    [Fact]
    public async Task DeathWatchOnStopAndWhenAlreadyDead()
    {
        var probe = new Probe(_system);
        var a = _system.Spawn(Props.Create(() => new Counter(new())), "a");
        await probe.WatchAsync(a);

        await _system.StopAsync(a);
        var first = await probe.ExpectAsync<Terminated>();
        Assert.Equal(a, first.Actor);
        Assert.Null(first.Reason);

        await probe.WatchAsync(a); // already dead
        var second = await probe.ExpectAsync<Terminated>();
        Assert.Equal(a, second.Actor);
    }

    [Fact]
    public async Task UnwatchSuppressesTerminated()
    {
        var probe = new Probe(_system);
        var a = _system.Spawn(Props.Create(() => new Counter(new())), "a");
        await probe.WatchAsync(a);
        await probe.UnwatchAsync(a);

        await _system.StopAsync(a);
        probe.Ref.Tell("marker");

        Assert.Equal("marker", await probe.ExpectAsync<string>());
    }

    private sealed class Blocking(ManualResetEventSlim gate) : Actor
    {
        protected internal override Task OnReceive(object message)
        {
            if (message is "block") gate.Wait(TimeSpan.FromSeconds(20)); // deliberately blocks its thread
            if (message is "ping") Sender.Tell("pong");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ASlowActorDoesNotDelayOthers()
    {
        using var gate = new ManualResetEventSlim(false);
        var slow = _system.Spawn(Props.Create(() => new Blocking(gate)), "slow");
        var fast = _system.Spawn(Props.Create<Echo>(), "fast");
        slow.Tell("block");
        var slowReply = slow.Ask<string>("ping", TimeSpan.FromSeconds(20));

        var pong = await fast.Ask<Pong>(new Ping("quick"), Wait.Long);

        Assert.Equal("quick", pong.Text);
        Assert.False(slowReply.IsCompleted); // the slow one is still stuck behind its blocking message
        gate.Set();
        Assert.Equal("pong", await slowReply);
    }

    private sealed class Tree(ConcurrentQueue<string> stops, int depth) : Actor
    {
        protected internal override Task PreStart()
        {
            if (depth > 0)
            {
                Context.Spawn(Props.Create(() => new Tree(stops, depth - 1)), "c1");
                Context.Spawn(Props.Create(() => new Tree(stops, depth - 1)), "c2");
            }
            return Task.CompletedTask;
        }

        protected internal override Task PostStop()
        {
            stops.Enqueue(Self.Path);
            return Task.CompletedTask;
        }

        protected internal override Task OnReceive(object message)
        {
            if (message is "ready?") Sender.Tell(Context.Children.Count);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ShutdownStopsChildrenBeforeParents()
    {
        var system = new ActorSystem("shutdown");
        var stops = new ConcurrentQueue<string>();
        var top = system.Spawn(Props.Create(() => new Tree(stops, 2)), "top");
        system.Spawn(Props.Create(() => new Tree(stops, 0)), "other");
        Assert.Equal(2, await top.Ask<int>("ready?", Wait.Long));
        await WaitForAsync("/user/top/c2/c2", system);

        await system.ShutdownAsync(TimeSpan.FromSeconds(10));

        var order = stops.ToList();
        Assert.Equal(8, order.Count);
        foreach (var path in order)
        {
            var descendants = order.Where(p => p.StartsWith(path + "/", StringComparison.Ordinal));
            Assert.All(descendants, d => Assert.True(order.IndexOf(d) < order.IndexOf(path), $"{d} stopped after {path}"));
        }
        Assert.True(system.WhenTerminated.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => system.Spawn(Props.Create<Echo>(), "late"));
        long dead = system.DeadLetterCount;
        top.Tell("ready?");
        Assert.Equal(dead + 1, system.DeadLetterCount);
    }

    [Fact]
    public async Task PoisonPillStopsAfterEarlierMessages()
    {
        var probe = new Probe(_system);
        var log = new ConcurrentQueue<string>();
        var counter = _system.Spawn(Props.Create(() => new Counter(log)), "counter");
        await probe.WatchAsync(counter);

        counter.Tell("inc");
        counter.Tell("inc");
        counter.Tell("get", probe.Ref);
        counter.Tell(PoisonPill.Instance);
        counter.Tell("get", probe.Ref);

        Assert.Equal(2, await probe.ExpectAsync<int>());
        await probe.ExpectAsync<Terminated>();
    }

    private sealed class FailsToStart(StrongBox<int> attempts) : Actor
    {
        protected internal override Task PreStart() =>
            ++attempts.Value == 1 ? throw new IOException("not yet") : Task.CompletedTask;

        protected internal override Task OnReceive(object message)
        {
            Sender.Tell(attempts.Value);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task FailureInPreStartRestarts()
    {
        var attempts = new StrongBox<int>(0);
        var actor = _system.Spawn(Props.Create(() => new FailsToStart(attempts)), "starter");
        Assert.Equal(2, await actor.Ask<int>("attempts?", Wait.Long));
    }

    [Fact]
    public void NamesArePathsAndMustBeUnique()
    {
        var coordinator = _system.Spawn(Props.Create(() => new Root(Props.Create<Echo>())), "coordinator");
        Assert.Equal("/user/coordinator", coordinator.Path);
        Assert.Equal("local", coordinator.Node);
        Assert.Throws<InvalidActorNameException>(() => _system.Spawn(Props.Create<Echo>(), "coordinator"));
        Assert.Throws<InvalidActorNameException>(() => _system.Spawn(Props.Create<Echo>(), "a/b"));
        Assert.Throws<InvalidActorNameException>(() => _system.Spawn(Props.Create<Echo>(), "$temp"));
    }

    [Fact]
    public async Task ChildPathsNestUnderParents()
    {
        var workers = new WorkerSpawner();
        var coordinator = _system.Spawn(Props.Create(() => workers), "coordinator");
        var paths = await coordinator.Ask<string[]>("spawn", Wait.Long);
        Assert.Equal(new[] { "/user/coordinator/worker-0", "/user/coordinator/worker-1" }, paths);
        Assert.NotNull(_system.Lookup("/user/coordinator/worker-1"));
    }

    private sealed class WorkerSpawner : Actor
    {
        protected internal override Task OnReceive(object message)
        {
            var refs = Enumerable.Range(0, 2).Select(i => Context.Spawn(Props.Create<Echo>(), $"worker-{i}")).ToList();
            Sender.Tell(refs.Select(r => r.Path).ToArray());
            return Task.CompletedTask;
        }
    }

    private sealed class SelfAware : Actor
    {
        private readonly string _pathAtConstruction;

        public SelfAware() => _pathAtConstruction = Context.Self.Path;

        protected internal override Task OnReceive(object message)
        {
            if (message is "fail") throw new InvalidOperationException("boom");
            Sender.Tell(_pathAtConstruction);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task ContextIsAvailableInTheConstructor()
    {
        var actor = _system.Spawn(Props.Create<SelfAware>(), "self-aware");
        Assert.Equal("/user/self-aware", await actor.Ask<string>("path?", Wait.Long));
    }

    [Fact]
    public async Task FactoryReturningTheSameInstanceIsStoppedWithAClearReason()
    {
        var probe = new Probe(_system);
        var shared = new SelfAware[1];
        var actor = _system.Spawn(Props.Create(() => shared[0] ??= new SelfAware()), "reused");
        await probe.WatchAsync(actor);

        actor.Tell("fail");

        var t = await probe.ExpectAsync<Terminated>();
        Assert.Contains("already used", t.Reason);
    }

    [Fact]
    public async Task PipeToDeliversResultsAndFailures()
    {
        var probe = new Probe(_system);
        await Task.FromResult(new Pong("done")).PipeTo(probe.Ref);
        await Task.FromException<Pong>(new IOException("disk gone")).PipeTo(probe.Ref);

        Assert.Equal("done", (await probe.ExpectAsync<Pong>()).Text);
        Assert.Equal("disk gone", (await probe.ExpectAsync<ReplyFailure>()).Error);
    }

    private async Task<IActorRef> WaitForAsync(string path, ActorSystem? system = null)
    {
        system ??= _system;
        for (int i = 0; i < 500; i++)
        {
            if (system.Lookup(path) is { } found) return found;
            await Task.Delay(10);
        }
        throw new Xunit.Sdk.XunitException($"{path} never appeared");
    }
}

public sealed class StrongBox<T>(T value)
{
    public T Value = value;
}
