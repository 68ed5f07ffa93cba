using Gsv.ControlPlane.Client;
using Gsv.Web.Account;
using Microsoft.AspNetCore.Http;

namespace Gsv.Tests.Web;

/// <summary>The knowledge tab's words (sizes, statuses, refusals) and the upload endpoint's own checks.</summary>
public sealed class KnowledgeUnitTests
{
    [Theory]
    [InlineData(0, "0 bytes")]
    [InlineData(1, "1 byte")]
    [InlineData(1023, "1023 bytes")]
    [InlineData(1024, "1 KB")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(12_600, "12.3 KB")]
    [InlineData(1024 * 1024, "1 MB")]
    [InlineData(16L * 1024 * 1024, "16 MB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5 GB")]
    [InlineData(-1, "—")]
    public void Sizes_are_in_bytes_KB_or_MB(long bytes, string expected) => Assert.Equal(expected, KnowledgeText.Size(bytes));

    [Fact]
    public void Statuses_are_in_words()
    {
        Assert.Equal("Queued", KnowledgeText.Status(Document("queued")));
        Assert.Equal("Parsing 0 %", KnowledgeText.Status(Document("parsing", progress: 0)));
        Assert.Equal("Parsing 40 %", KnowledgeText.Status(Document("parsing", progress: 0.4)));
        Assert.Equal("Parsing 100 %", KnowledgeText.Status(Document("parsing", progress: 1.7)));
        Assert.Equal("Ready — 12 passages", KnowledgeText.Status(Document("ready", chunks: 12)));
        Assert.Equal("Ready — 1 passage", KnowledgeText.Status(Document("ready", chunks: 1)));
        Assert.Equal("Failed: not a PDF file", KnowledgeText.Status(Document("failed", progress: -1, error: " not a PDF file ")));
        Assert.Equal("Failed", KnowledgeText.Status(Document("failed", progress: -1)));
        Assert.Equal("Cancelled", KnowledgeText.Status(Document("cancelled")));
    }

    [Fact]
    public void The_page_follows_the_list_while_a_document_is_queued_or_parsing()
    {
        Assert.False(KnowledgeText.AnyInProgress([]));
        Assert.False(KnowledgeText.AnyInProgress([Document("ready"), Document("failed"), Document("cancelled")]));
        Assert.True(KnowledgeText.AnyInProgress([Document("ready"), Document("queued")]));
        Assert.True(KnowledgeText.AnyInProgress([Document("parsing")]));
    }

    [Fact]
    public void Refusals_say_what_was_wrong_and_name_the_file()
    {
        Assert.Equal("big.pdf is larger than 16 MiB. Nothing was uploaded.", KnowledgeText.Refusal(KnowledgeUploadErrors.TooLarge, "big.pdf"));
        Assert.StartsWith("The upload is too large", KnowledgeText.Refusal(KnowledgeUploadErrors.TooLarge, null));
        Assert.Equal("notes.docx is of a type that cannot be read. Upload .txt, .md, .html, .htm, .pdf files. Nothing was uploaded.",
            KnowledgeText.Refusal(KnowledgeUploadErrors.Unsupported, "notes.docx"));
        Assert.Contains("not ready", KnowledgeText.Refusal(KnowledgeUploadErrors.NotReady, null));
        Assert.Contains("unavailable", KnowledgeText.Refusal(KnowledgeUploadErrors.Unavailable, null));
        Assert.Contains("at most 10 files", KnowledgeText.Refusal(KnowledgeUploadErrors.TooMany, null));
        Assert.Contains("200 documents", KnowledgeText.Refusal(KnowledgeUploadErrors.Full, null));
        Assert.Contains("without control characters", KnowledgeText.Refusal("anything-else", null));
        Assert.Contains("16 MiB each and 10 files at once", KnowledgeText.Limits);
        Assert.Equal(".txt,.md,.html,.htm,.pdf", KnowledgeText.Accept);
    }

    [Theory]
    [InlineData(413, "payload_too_large", KnowledgeUploadErrors.TooLarge)]
    [InlineData(415, "unsupported_media_type", KnowledgeUploadErrors.Unsupported)]
    [InlineData(409, "conflict", KnowledgeUploadErrors.Full)]
    [InlineData(409, "knowledge_not_ready", KnowledgeUploadErrors.NotReady)]
    [InlineData(409, "knowledge_not_supported", KnowledgeUploadErrors.NotSupported)]
    [InlineData(503, "knowledge_unavailable", KnowledgeUploadErrors.Unavailable)]
    [InlineData(502, "upstream", KnowledgeUploadErrors.Unavailable)]
    [InlineData(400, "validation", KnowledgeUploadErrors.Invalid)]
    public void The_Control_Planes_refusals_map_to_the_pages_codes(int status, string code, string expected) =>
        Assert.Equal(expected, KnowledgeUploadErrors.Of(new ControlPlaneProblemException((System.Net.HttpStatusCode)status, code, null, null, null)));

    [Fact]
    public void The_web_apps_upload_limit_is_the_Control_Planes()
    {
        Assert.Equal(Gsv.ControlPlane.Apis.KnowledgeApi.UploadBodyLimit, KnowledgeText.UploadBodyLimit);
        Assert.True(KnowledgeText.UploadBodyLimit > 2 * KnowledgeLimits.MaxFileBytes);
    }

    [Fact]
    public void The_upload_endpoint_refuses_before_sending_what_the_Control_Plane_would_refuse()
    {
        Assert.Equal((KnowledgeUploadErrors.NoFiles, null), Gsv.Web.Apis.KnowledgeApi.Check(Files()));
        Assert.Null(Gsv.Web.Apis.KnowledgeApi.Check(Files(("a.md", 10), ("b.PDF", 20), ("c.htm", 1))));
        Assert.Equal((KnowledgeUploadErrors.TooMany, null), Gsv.Web.Apis.KnowledgeApi.Check(Files([.. Enumerable.Range(0, 11).Select(i => ($"{i}.txt", 1L))])));
        Assert.Equal((KnowledgeUploadErrors.TooLarge, "big.pdf"), Gsv.Web.Apis.KnowledgeApi.Check(Files(("a.md", 1), ("big.pdf", KnowledgeLimits.MaxFileBytes + 1))));
        Assert.Null(Gsv.Web.Apis.KnowledgeApi.Check(Files(("max.pdf", KnowledgeLimits.MaxFileBytes))));
        Assert.Equal((KnowledgeUploadErrors.Unsupported, "notes.docx"), Gsv.Web.Apis.KnowledgeApi.Check(Files(("notes.docx", 5))));
        Assert.Equal((KnowledgeUploadErrors.Empty, "empty.txt"), Gsv.Web.Apis.KnowledgeApi.Check(Files(("empty.txt", 0))));
        Assert.Equal((KnowledgeUploadErrors.Invalid, null), Gsv.Web.Apis.KnowledgeApi.Check(Files(("dir/a.md", 5))));
        Assert.Equal((KnowledgeUploadErrors.Invalid, null), Gsv.Web.Apis.KnowledgeApi.Check(Files(("a\u0007.md", 5))));
    }

    private static KnowledgeDocumentDto Document(string status, double progress = 0, string? error = null, int chunks = 0) =>
        new("doc", "notes.md", 10, status, progress, error, chunks, DateTimeOffset.UnixEpoch);

    /// <summary>Files of the given names and lengths (their content is never read by the checks).</summary>
    private static FormFileCollection Files(params (string Name, long Length)[] files)
    {
        var collection = new FormFileCollection();
        collection.AddRange(files.Select(f => new FormFile(Stream.Null, 0, f.Length, "file", f.Name)));
        return collection;
    }
}
