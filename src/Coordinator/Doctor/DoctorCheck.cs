namespace Orchestrator.Coordinator.Doctor;

/// <summary>The outcome of one self-test check.</summary>
public sealed record CheckResult(bool Passed, string Detail)
{
    public static CheckResult Pass(string detail) => new(true, detail);
    public static CheckResult Fail(string detail) => new(false, detail);
}

/// <summary>A named self-test check of `orchestrator doctor`. An exception thrown by <paramref name="Run"/> counts as a failure.</summary>
public sealed record DoctorCheck(string Name, Func<CheckResult> Run);

/// <summary>A check's result with its name and how long it took.</summary>
public sealed record CheckOutcome(string Name, bool Passed, string Detail, double ElapsedMs);
