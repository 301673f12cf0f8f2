namespace Keel.Server;

/// <summary>Where the server listens and what it stores where. Bound from the "Keel" configuration section.</summary>
public sealed class KeelServerOptions
{
    /// <summary>The folder that holds the embedded defaults.</summary>
    public const string DefaultDataFolder = "keel-data";

    /// <summary>Interface to bind.</summary>
    /// <value>127.0.0.1: only this machine can connect.</value>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>TCP port; 0 picks a free one.</summary>
    /// <value>5000, as MLflow.</value>
    public int Port { get; set; } = 5000;

    /// <summary>Tracking and registry database.</summary>
    /// <value><c>sqlite:///keel-data/keel.db</c> (relative to the working directory).</value>
    public string BackendStoreUri { get; set; } = $"sqlite:///{DefaultDataFolder}/keel.db";

    /// <summary>Artifact root.</summary>
    /// <value><c>./keel-data/artifacts</c>.</value>
    public string ArtifactsUri { get; set; } = $"./{DefaultDataFolder}/artifacts";
}
