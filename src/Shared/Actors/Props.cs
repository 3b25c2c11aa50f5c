namespace Orchestrator.Shared.Actors;

/// <summary>
/// How to make an actor. The factory runs again on every restart, so state kept in the actor's fields
/// is reset while the mailbox (and the messages in it) is kept.
/// </summary>
public sealed class Props
{
    private Props(Func<Actor> factory, string typeName)
    {
        Factory = factory;
        TypeName = typeName;
    }

    internal Func<Actor> Factory { get; }

    /// <summary>For logs and errors.</summary>
    public string TypeName { get; }

    public static Props Create<TActor>() where TActor : Actor, new() => new(() => new TActor(), typeof(TActor).Name);

    public static Props Create<TActor>(Func<TActor> factory) where TActor : Actor =>
        new(factory ?? throw new ArgumentNullException(nameof(factory)), typeof(TActor).Name);
}
