namespace Gsv.Emulators.Ragflow.Store;

/// <summary>RAGFlow's <c>FileType</c> of a suffix: <c>pdf</c>, <c>doc</c> (documents and text), <c>visual</c>, <c>aural</c>, <c>other</c>.</summary>
public static class FileTypes
{
    private static readonly HashSet<string> Documents =
    [
        "doc", "docx", "txt", "md", "markdown", "mdx", "html", "htm", "csv", "json", "xml", "rtf", "xls", "xlsx", "ppt", "pptx",
        "eml", "epub", "odt", "py", "js", "java", "c", "cpp", "h", "cs", "go", "ts", "sh", "sql", "yaml", "yml", "tsv",
    ];

    private static readonly HashSet<string> Images = ["jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "svg", "ico", "mp4", "avi", "mkv"];

    private static readonly HashSet<string> Audio = ["mp3", "wav", "flac", "ogg", "aac", "m4a", "wma"];

    public static string Of(string suffix) => suffix switch
    {
        "pdf" => "pdf",
        _ when Documents.Contains(suffix) => "doc",
        _ when Images.Contains(suffix) => "visual",
        _ when Audio.Contains(suffix) => "aural",
        _ => "other",
    };
}
