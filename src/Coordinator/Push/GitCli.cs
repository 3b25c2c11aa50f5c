using System.Diagnostics;
using System.Text;

namespace Orchestrator.Coordinator.Push;

/// <summary>A git command that failed; the message carries git's own error text (credentials removed).</summary>
public sealed class GitCommandException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}

public sealed record GitResult(int ExitCode, string StandardOutput, string StandardError);

/// <summary>
/// Runs the git command-line program: never interactive (GIT_TERMINAL_PROMPT=0, no stdin, ssh in batch mode),
/// bounded by a timeout after which the process tree is killed, secrets removed from every message.
/// </summary>
public sealed class GitCli(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? secrets = null)
{
    public TimeSpan Timeout { get; } = timeout;

    public async Task<GitResult> RunAsync(string? workingDirectory, IReadOnlyList<string> arguments, CancellationToken cancellationToken,
        bool check = true)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (workingDirectory is not null) start.WorkingDirectory = workingDirectory;
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GCM_INTERACTIVE"] = "never";
        start.Environment["LC_ALL"] = "C";
        if (!start.Environment.ContainsKey("GIT_SSH_COMMAND")) start.Environment["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes";
        if (environment is not null)
            foreach (var (key, value) in environment)
                start.Environment[key] = value;

        // Only the subcommand: arguments can hold URLs with credentials.
        var commandText = "git " + Subcommand(arguments);
        using var process = Process.Start(start) ?? throw new GitCommandException($"{commandText}: could not start git", -1);
        process.StandardInput.Close();
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(Timeout);
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException(Redact($"{commandText} did not finish within {Timeout.TotalSeconds:0.#} s and was stopped"));
        }

        var result = new GitResult(process.ExitCode, Redact(await output.ConfigureAwait(false)), Redact(await error.ConfigureAwait(false)));
        if (check && result.ExitCode != 0)
        {
            var detail = result.StandardError.Trim();
            if (detail.Length == 0) detail = result.StandardOutput.Trim();
            throw new GitCommandException(Redact($"{commandText} failed (exit {result.ExitCode}): {detail}"), result.ExitCode);
        }

        return result;
    }

    private static string Subcommand(IReadOnlyList<string> arguments)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "-c" or "-C" or "--git-dir" or "--work-tree") i++;
            else if (!arguments[i].StartsWith('-')) return arguments[i];
        }

        return "";
    }

    private string Redact(string text)
    {
        if (secrets is null) return text;
        foreach (var secret in secrets.Where(s => s.Length > 0))
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        return text;
    }
}
