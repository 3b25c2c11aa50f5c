namespace Orchestrator.Shared.Actors;

/// <summary>An Ask got no reply in time.</summary>
public sealed class AskTimeoutException : TimeoutException
{
    public AskTimeoutException(string actorPath, Type messageType, TimeSpan timeout)
        : base($"Ask to actor {actorPath} with message {messageType.Name} got no reply within {timeout.TotalMilliseconds:0} ms.")
    {
        ActorPath = actorPath;
        MessageType = messageType;
        Timeout = timeout;
    }

    public string ActorPath { get; }
    public Type MessageType { get; }
    public TimeSpan Timeout { get; }
}

/// <summary>An Ask was answered with <see cref="ReplyFailure"/>.</summary>
public sealed class AskFailedException : Exception
{
    public AskFailedException(string actorPath, Type messageType, string error)
        : base($"Actor {actorPath} answered {messageType.Name} with an error: {error}") => Error = error;

    public string Error { get; }
}

/// <summary>An actor name is malformed or already taken by a sibling.</summary>
public sealed class InvalidActorNameException : ArgumentException
{
    public InvalidActorNameException(string message) : base(message) { }
}
