namespace Gsv.Emulators;

/// <summary>How the emulators keep their state on disk: write a temporary file, then rename it over the old one.</summary>
public static class AtomicFile
{
    /// <summary>A crash mid-write leaves the previous file whole.</summary>
    public static void Write(string path, string content)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>The same for bytes (uploaded files).</summary>
    public static void Write(string path, byte[] content)
    {
        var temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
