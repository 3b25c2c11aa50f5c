using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Orchestrator.Torch.Tests")]
[assembly: InternalsVisibleTo("Orchestrator.Worker")]
