using System.Text;

namespace Orchestrator.Coordinator.Push;

/// <summary>Settings of git pushes; the defaults suit a Hugging Face model repository.</summary>
public sealed record GitPushOptions
{
    /// <summary>Bound on any single git command (a clone of a large model over a slow link needs minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public string Branch { get; init; } = "main";

    /// <summary>Commit identity, used unless GIT_AUTHOR_NAME / GIT_COMMITTER_NAME etc. are set in the environment.</summary>
    public string AuthorName { get; init; } = "Orchestrator";

    public string AuthorEmail { get; init; } = "orchestrator@localhost";

    /// <summary>Token for https remotes; default the HF_TOKEN environment variable. Sent as HTTP basic auth, never on the command line.</summary>
    public string? Token { get; init; } = Environment.GetEnvironmentVariable("HF_TOKEN");

    /// <summary>User name paired with the token (the Hub accepts any name with a valid token).</summary>
    public string TokenUser { get; init; } = Environment.GetEnvironmentVariable("HF_USER") ?? "hf_user";

    /// <summary>
    /// Files copied from a checkpoint: the model, its config and the tokenizer. Optimizer and trainer state stay out
    /// of the model repository (they are for resuming, which uses the run folder or a file:// copy).
    /// </summary>
    public IReadOnlyList<string> FilePatterns { get; init; } =
        ["model.safetensors", "model-*.safetensors", "model.safetensors.index.json", "config.json", "vocab.txt", "tokenizer.json",
         "tokenizer_config.json", "special_tokens_map.json", "added_tokens.json"];
}

/// <summary>
/// git+&lt;url&gt;: keeps a working folder (runs/&lt;name&gt;/push/git/...), and for each push: syncs it to the remote
/// branch, copies the model files and the generated README.md, commits with Trainer's message and pushes.
/// Every attempt starts from the remote's state, so a failed attempt leaves nothing to clean up and a retry
/// is a clean repeat. Large files go through git-lfs when it is installed (the Hub requires it above 10 MB).
/// </summary>
public sealed class GitPushDestination : IPushDestination
{
    private readonly string _remoteUrl;
    private readonly GitPushOptions _options;
    private readonly GitCli _git;
    private bool? _lfsAvailable;

    public GitPushDestination(string remoteUrl, string workingDirectory, GitPushOptions? options = null)
    {
        _remoteUrl = remoteUrl;
        _options = options ?? new GitPushOptions();
        WorkingDirectory = workingDirectory;
        var environment = new Dictionary<string, string>();
        var secrets = new List<string>();
        if (remoteUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(_options.Token))
        {
            // Passed through git's environment-config protocol so it never shows in a process list or in .git/config.
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{_options.TokenUser}:{_options.Token}"));
            environment["GIT_CONFIG_COUNT"] = "1";
            environment["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic;
            secrets.Add(_options.Token);
            secrets.Add(basic);
        }

        if (Uri.TryCreate(remoteUrl, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
            secrets.Add(uri.UserInfo);
        _git = new GitCli(_options.CommandTimeout, environment, secrets);
    }

    public string WorkingDirectory { get; }

    public string Description => "git+" + RedactUserInfo(_remoteUrl);

    public async Task PushAsync(PushRequest request, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(request.CheckpointDirectory))
            throw new DirectoryNotFoundException($"checkpoint folder {request.CheckpointDirectory} does not exist");
        var branch = _options.Branch;
        var remoteHasBranch = await RemoteHasBranchAsync(branch, cancellationToken).ConfigureAwait(false);
        if (remoteHasBranch)
        {
            await EnsureRepositoryAsync(fresh: false, cancellationToken).ConfigureAwait(false);
            await Git(cancellationToken, "fetch", "--quiet", "--depth=1", "origin", branch).ConfigureAwait(false);
            await Git(cancellationToken, "checkout", "--quiet", "--force", "-B", branch, "FETCH_HEAD").ConfigureAwait(false);
            await Git(cancellationToken, "clean", "-fdq").ConfigureAwait(false);
        }
        else
        {
            // An empty remote: start from an empty history (dropping any commit of an earlier failed attempt).
            await EnsureRepositoryAsync(fresh: true, cancellationToken).ConfigureAwait(false);
        }

        await TrackLargeFilesAsync(cancellationToken).ConfigureAwait(false);
        var copied = CopyModelFiles(request.CheckpointDirectory);
        if (copied == 0)
            throw new InvalidOperationException($"{request.CheckpointDirectory} holds none of the model files ({string.Join(", ", _options.FilePatterns)})");
        if (request.Card is not null)
            ModelCardFiles.Write(WorkingDirectory, request.Card);

        await Git(cancellationToken, "add", "--all").ConfigureAwait(false);
        var staged = await _git.RunAsync(WorkingDirectory, ["diff", "--cached", "--quiet"], cancellationToken, check: false).ConfigureAwait(false);
        if (staged.ExitCode != 0)
        {
            await Git(cancellationToken, "-c", $"user.name={_options.AuthorName}", "-c", $"user.email={_options.AuthorEmail}", "-c", "commit.gpgsign=false",
                "commit", "--quiet", "--no-verify", "-m", request.CommitMessage).ConfigureAwait(false);
        }

        if (staged.ExitCode != 0 || !remoteHasBranch)
            await Git(cancellationToken, "push", "--quiet", "origin", $"HEAD:refs/heads/{branch}").ConfigureAwait(false);
    }

    private async Task<bool> RemoteHasBranchAsync(string branch, CancellationToken cancellationToken)
    {
        // ls-remote works without a local repository and fails (so the attempt is retried) when the remote is unreachable.
        var result = await _git.RunAsync(null, ["ls-remote", "--heads", _remoteUrl, $"refs/heads/{branch}"], cancellationToken).ConfigureAwait(false);
        return result.StandardOutput.Contains($"refs/heads/{branch}", StringComparison.Ordinal);
    }

    private async Task EnsureRepositoryAsync(bool fresh, CancellationToken cancellationToken)
    {
        if (fresh || !Directory.Exists(Path.Combine(WorkingDirectory, ".git")))
        {
            if (Directory.Exists(WorkingDirectory)) Directory.Delete(WorkingDirectory, recursive: true);
            Directory.CreateDirectory(WorkingDirectory);
            await Git(cancellationToken, "init", "--quiet", "-b", _options.Branch).ConfigureAwait(false);
            await Git(cancellationToken, "remote", "add", "origin", _remoteUrl).ConfigureAwait(false);
        }
        else
        {
            await Git(cancellationToken, "remote", "set-url", "origin", _remoteUrl).ConfigureAwait(false);
        }
    }

    private async Task TrackLargeFilesAsync(CancellationToken cancellationToken)
    {
        _lfsAvailable ??= (await _git.RunAsync(WorkingDirectory, ["lfs", "version"], cancellationToken, check: false).ConfigureAwait(false)).ExitCode == 0;
        if (_lfsAvailable != true) return;
        await Git(cancellationToken, "lfs", "install", "--local").ConfigureAwait(false);
        var attributes = Path.Combine(WorkingDirectory, ".gitattributes");
        if (!File.Exists(attributes) || !File.ReadAllText(attributes).Contains("*.safetensors", StringComparison.Ordinal))
            await Git(cancellationToken, "lfs", "track", "*.safetensors").ConfigureAwait(false);
    }

    private int CopyModelFiles(string checkpointDirectory)
    {
        var files = _options.FilePatterns
            .SelectMany(pattern => Directory.EnumerateFiles(checkpointDirectory, pattern, SearchOption.TopDirectoryOnly))
            .Distinct()
            .ToArray();
        foreach (var file in files)
            File.Copy(file, Path.Combine(WorkingDirectory, Path.GetFileName(file)), overwrite: true);
        return files.Length;
    }

    private Task<GitResult> Git(CancellationToken cancellationToken, params string[] arguments) =>
        _git.RunAsync(WorkingDirectory, arguments, cancellationToken);

    private static string RedactUserInfo(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? url.Replace(uri.UserInfo + "@", "***@", StringComparison.Ordinal)
            : url;
}
