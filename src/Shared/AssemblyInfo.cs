using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Orchestrator.Shared.Tests")]
