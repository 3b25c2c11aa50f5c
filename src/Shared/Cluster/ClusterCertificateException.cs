namespace Orchestrator.Shared.Cluster;

/// <summary>A cluster certificate that cannot be created, saved, loaded or used; the message names the file and what is wrong.</summary>
public sealed class ClusterCertificateException(string message, Exception? inner = null) : Exception(message, inner);
