using System.Collections.Concurrent;
using System.Threading.Channels;
using Orchestrator.Shared.Actors;

namespace Orchestrator.Shared.Tests.Actors;

public sealed record Ping(string Text);
public sealed record Pong(string Text);
public sealed record WatchIt(IActorRef Target);
public sealed record UnwatchIt(IActorRef Target);

/// <summary>An actor that hands every message it gets to the test, and can watch others on request.</summary>
public sealed class Probe
{
    private readonly Channel<object> _received = Channel.CreateUnbounded<object>();

    public Probe(ActorSystem system, string name = "probe") =>
        Ref = system.Spawn(Props.Create(() => new ProbeActor(_received.Writer)), name);

    public IActorRef Ref { get; }

    public async Task<T> ExpectAsync<T>(double seconds = 5)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        object message;
        try
        {
            message = await _received.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"Probe got no {typeof(T).Name} within {seconds} s.");
        }
        return Assert.IsType<T>(message);
    }

    public Task WatchAsync(IActorRef target) => Ref.Ask<string>(new WatchIt(target), TimeSpan.FromSeconds(5));
    public Task UnwatchAsync(IActorRef target) => Ref.Ask<string>(new UnwatchIt(target), TimeSpan.FromSeconds(5));

    private sealed class ProbeActor(ChannelWriter<object> sink) : Actor
    {
        protected internal override Task OnReceive(object message)
        {
            switch (message)
            {
                case WatchIt w:
                    Context.Watch(w.Target);
                    Sender.Tell("watching");
                    break;
                case UnwatchIt u:
                    Context.Unwatch(u.Target);
                    Sender.Tell("unwatched");
                    break;
                default:
                    sink.TryWrite(message);
                    break;
            }
            return Task.CompletedTask;
        }
    }
}

/// <summary>Counts "inc"; "fail" throws; "get" replies the count. Reports lifecycle calls to a shared log.</summary>
public sealed class Counter(ConcurrentQueue<string> log) : Actor
{
    private int _count;

    protected internal override Task PreStart()
    {
        log.Enqueue("start");
        return Task.CompletedTask;
    }

    protected internal override Task PreRestart(Exception reason, object? message)
    {
        log.Enqueue($"pre-restart:{message}");
        return base.PreRestart(reason, message);
    }

    protected internal override Task PostRestart(Exception reason)
    {
        log.Enqueue("post-restart");
        return base.PostRestart(reason);
    }

    protected internal override Task PostStop()
    {
        log.Enqueue("stop");
        return Task.CompletedTask;
    }

    protected internal override Task OnReceive(object message)
    {
        switch (message)
        {
            case "inc": _count++; break;
            case "fail": throw new InvalidOperationException($"failing at count {_count}");
            case "get": Sender.Tell(_count); break;
            default: Unhandled(message); break;
        }
        return Task.CompletedTask;
    }
}

/// <summary>Spawns "child" from the given props, watches it, forwards Terminated to a probe.</summary>
public sealed class Supervisor(SupervisorStrategy strategy, Props child, IActorRef report) : Actor
{
    protected internal override SupervisorStrategy SupervisorStrategy => strategy;

    protected internal override Task PreStart()
    {
        Context.Watch(Context.Spawn(child, "child"));
        return Task.CompletedTask;
    }

    protected internal override Task OnReceive(object message)
    {
        switch (message)
        {
            case Terminated t: report.Tell(t); break;
            case "child?": Sender.Tell(Context.Child("child")!); break;
            default: Unhandled(message); break;
        }
        return Task.CompletedTask;
    }
}

public static class Wait
{
    public static readonly TimeSpan Long = TimeSpan.FromSeconds(5);
}
