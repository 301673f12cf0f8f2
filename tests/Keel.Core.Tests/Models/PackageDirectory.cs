using System.Text;

namespace Keel.Core.Tests.Models;

/// <summary>A throw-away package directory under the temp folder, deleted on dispose.</summary>
internal sealed class PackageDirectory : IDisposable
{
    public PackageDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keel-package-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Write(string name, string text) => System.IO.File.WriteAllText(File(name), text, new UTF8Encoding(false));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
