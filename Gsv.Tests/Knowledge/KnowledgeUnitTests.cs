using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Gsv.ControlPlane.Client;
using Gsv.ControlPlane.Data;
using Gsv.ControlPlane.Domain;
using Gsv.ControlPlane.Knowledge;
using Gsv.Gateway.Knowledge;
using Gsv.Langflow;
using Gsv.Ragflow;
using Microsoft.AspNetCore.Http;

namespace Gsv.Tests.Knowledge;

/// <summary>The knowledge rules without a platform: upload refusals, statuses, the passages a run gets, and the RAGFlow client's envelope.</summary>
public sealed class KnowledgeUnitTests
{
    private static RetrievedChunk Chunk(string document, string content, double similarity = 0.5) =>
        new(Guid.NewGuid().ToString("N"), content, document, document + ".md", "ds", similarity, similarity, similarity, null);

    [Fact]
    public void Passages_are_numbered_best_first_with_their_document_and_cite_each_document_once()
    {
        var context = KnowledgeRetriever.Render("Prompt-1", "context", [Chunk("a", "First."), Chunk("b", "Second."), Chunk("a", "Third.")]);

        Assert.Equal("[1] a.md: First.\n\n[2] b.md: Second.\n\n[3] a.md: Third.", context.Text);
        Assert.Equal(3, context.ChunksUsed);
        Assert.Equal(["a", "b"], context.DocumentIds);
        Assert.Equal(("Prompt-1", "context"), (context.Component, context.Field));
    }

    [Fact]
    public void Passages_stop_at_the_context_budget_and_none_says_so()
    {
        var big = new string('w', KnowledgeRetriever.MaxContextCharacters - 100);
        var context = KnowledgeRetriever.Render("P", "c", [Chunk("a", big), Chunk("b", big)]);
        Assert.Equal(1, context.ChunksUsed);
        Assert.Equal(["a"], context.DocumentIds);
        Assert.True(context.Text.Length <= KnowledgeRetriever.MaxContextCharacters);

        var oversized = KnowledgeRetriever.Render("P", "c", [Chunk("a", new string('w', KnowledgeRetriever.MaxContextCharacters * 2))]);
        Assert.Equal(KnowledgeRetriever.MaxContextCharacters, oversized.Text.Length);

        var none = KnowledgeRetriever.Render("P", "c", []);
        Assert.Equal((KnowledgeRetriever.NoPassages, 0), (none.Text, none.ChunksUsed));
        Assert.Empty(none.DocumentIds);
    }

    [Theory]
    [InlineData(DocumentRunStatus.Unstart, KnowledgeDocumentStatuses.Queued)]
    [InlineData(DocumentRunStatus.Running, KnowledgeDocumentStatuses.Parsing)]
    [InlineData(DocumentRunStatus.Done, KnowledgeDocumentStatuses.Ready)]
    [InlineData(DocumentRunStatus.Fail, KnowledgeDocumentStatuses.Failed)]
    [InlineData(DocumentRunStatus.Cancel, KnowledgeDocumentStatuses.Cancelled)]
    public void RAGFlow_run_statuses_map_to_the_buyer_s_words(string run, string status) =>
        Assert.Equal(status, KnowledgeService.StatusOf(run));

    [Fact]
    public void A_failed_document_carries_the_error_lines_of_its_progress_log_as_its_reason()
    {
        var document = new RagflowDocument("d", "ds", "scan.pdf", "pdf", 10, DocumentRunStatus.Fail, -1,
            "09:31:02 Task has been received.\n09:31:03 [ERROR] The file is not a valid PDF: no header found.", 0, 0, 1767600600000);

        var dto = KnowledgeService.ToDto(document);

        Assert.Equal((KnowledgeDocumentStatuses.Failed, -1.0, "The file is not a valid PDF: no header found."), (dto.Status, dto.Progress, dto.Error));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767600600000), dto.UploadedAt);
        Assert.Null(KnowledgeService.ToDto(document with { Run = DocumentRunStatus.Done, Progress = 1 }).Error);
    }

    private static FormFileCollection Files(params (string Name, int Length)[] files)
    {
        var collection = new FormFileCollection();
        foreach (var (name, length) in files)
        {
            collection.Add(new FormFile(Stream.Null, 0, length, "file", name));
        }

        return collection;
    }

    [Fact]
    public void Uploads_are_refused_for_count_size_type_name_and_emptiness_before_anything_is_sent()
    {
        Assert.Null(KnowledgeService.Refuse(Files(("a.txt", 10), ("b.PDF", 10), ("c.md", 10), ("d.html", 10), ("e.htm", 10))));
        Assert.Equal(400, KnowledgeService.Refuse(Files())!.Status);
        Assert.Equal(400, KnowledgeService.Refuse(Files([.. Enumerable.Range(0, KnowledgeLimits.MaxFilesPerUpload + 1).Select(i => ($"{i}.txt", 1))]))!.Status);
        Assert.Equal(413, KnowledgeService.Refuse(Files(("big.txt", (int)KnowledgeLimits.MaxFileBytes + 1)))!.Status);
        Assert.Equal(415, KnowledgeService.Refuse(Files(("contract.docx", 10)))!.Status);
        Assert.Equal(415, KnowledgeService.Refuse(Files(("noextension", 10)))!.Status);
        Assert.Equal(400, KnowledgeService.Refuse(Files(("../etc/passwd.txt", 10)))!.Status);
        Assert.Equal(400, KnowledgeService.Refuse(Files(("evil\u202Etxt.md", 10)))!.Status);
        Assert.Equal(400, KnowledgeService.Refuse(Files((new string('a', 252) + ".txt", 10)))!.Status);
        Assert.Equal(400, KnowledgeService.Refuse(Files(("empty.txt", 0)))!.Status);
    }

    private static Instance KnowledgeInstance(InstanceState state, string? dataset, bool knowledge = true) => new()
    {
        Id = Guid.NewGuid(), OfferingSlug = "support-agent", Kind = "agent", Knowledge = knowledge, State = state, KnowledgeBaseId = dataset,
    };

    [Fact]
    public void Only_a_provisioned_knowledge_instance_has_a_dataset_to_use()
    {
        Assert.Equal("ds1", KnowledgeService.DatasetOf(KnowledgeInstance(InstanceState.Active, "ds1")));
        Assert.Equal("ds1", KnowledgeService.DatasetOf(KnowledgeInstance(InstanceState.Suspended, "ds1")));

        var notKnowledge = Assert.Throws<ControlPlaneException>(() => KnowledgeService.DatasetOf(KnowledgeInstance(InstanceState.Active, null, knowledge: false)));
        Assert.Equal(("knowledge_not_supported", 409), (notKnowledge.Code, notKnowledge.Status));
        var provisioning = Assert.Throws<ControlPlaneException>(() => KnowledgeService.DatasetOf(KnowledgeInstance(InstanceState.Provisioning, null)));
        Assert.Equal(("knowledge_not_ready", 409), (provisioning.Code, provisioning.Status));
        var terminated = Assert.Throws<ControlPlaneException>(() => KnowledgeService.DatasetOf(KnowledgeInstance(InstanceState.Terminated, "ds1")));
        Assert.Contains("TERMINATED", terminated.Message);
    }

    [Fact]
    public void Document_ids_are_RAGFlow_ids_only()
    {
        Assert.True(KnowledgeService.IsDocumentId("c41f7d02c1d311f0b8d20242ac120006"));
        Assert.False(KnowledgeService.IsDocumentId("C41F7D02C1D311F0B8D20242AC120006"));
        Assert.False(KnowledgeService.IsDocumentId("../../datasets"));
        Assert.False(KnowledgeService.IsDocumentId(""));
    }

    [Fact]
    public void A_template_s_context_input_must_name_a_field_of_its_flow()
    {
        var template = JsonNode.Parse("""
            { "name": "x", "data": { "nodes": [ { "id": "Prompt-1", "data": { "node": { "template": { "context": { "value": "" } } } } } ], "edges": [] } }
            """)!.AsObject();

        template["gsv_context_input"] = "Prompt-1.context";
        Assert.Equal(("Prompt-1", "context"), new FlowTemplate("x", template).ContextInput);

        foreach (var wrong in new JsonNode[] { "Prompt-1.missing", "Other-2.context", "nodot", ".context", 42 })
        {
            template["gsv_context_input"] = wrong.DeepClone();
            Assert.Throws<InvalidDataException>(() => new FlowTemplate("x", template));
        }
    }

    private sealed class Answering(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public string? RequestBody { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            RequestBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private static RagflowClient Client(Answering handler) => new(new HttpClient(handler) { BaseAddress = new Uri("http://ragflow.test/") });

    [Fact]
    public async Task The_client_reads_the_envelope_and_turns_a_non_zero_code_on_HTTP_200_into_an_exception()
    {
        var refused = new Answering(HttpStatusCode.OK, """{"code":102,"message":"You don't own the dataset 9c0e5a44c1d211f0b8d20242ac120006."}""");
        var error = await Assert.ThrowsAsync<RagflowException>(() =>
            Client(refused).RetrieveAsync(new RetrievalRequest("q", ["9c0e5a44c1d211f0b8d20242ac120006"])));
        Assert.Equal((102, true, false), (error.Code, error.IsNotFound, error.IsTransient));

        var unauthorized = new Answering(HttpStatusCode.Unauthorized, """{"code":401,"message":"<Unauthorized '401: Unauthorized'>","data":null}""");
        Assert.Equal(401, (await Assert.ThrowsAsync<RagflowException>(() => Client(unauthorized).ListDocumentsAsync("9c0e5a44c1d211f0b8d20242ac120006"))).Code);

        var html = new Answering(HttpStatusCode.BadGateway, "<html>bad gateway</html>");
        Assert.True((await Assert.ThrowsAsync<RagflowException>(() => Client(html).ListDocumentsAsync("9c0e5a44c1d211f0b8d20242ac120006"))).IsTransient);
    }

    [Fact]
    public async Task The_client_reads_the_contract_s_retrieval_example_and_sends_snake_case()
    {
        var handler = new Answering(HttpStatusCode.OK, """
            { "code": 0, "data": { "total": 7, "chunks": [ { "id": "0f3c9a8e5d7b4e21", "content": "To clear a paper jam, open tray 2 …",
              "content_ltks": "to clear a paper jam", "document_id": "c41f7d02c1d311f0b8d20242ac120006", "document_keyword": "printer-faq.pdf",
              "dataset_id": "9c0e5a44c1d211f0b8d20242ac120006", "important_keywords": [], "similarity": 0.8312, "vector_similarity": 0.7741,
              "term_similarity": 0.8557, "positions": [[3, 72, 520, 140, 260]], "highlight": "To clear a <em>paper</em> <em>jam</em>" } ],
              "doc_aggs": [ { "doc_name": "printer-faq.pdf", "doc_id": "c41f7d02c1d311f0b8d20242ac120006", "count": 5 } ] } }
            """);

        var result = await Client(handler).RetrieveAsync(new RetrievalRequest("How do I clear a paper jam?", ["9c0e5a44c1d211f0b8d20242ac120006"], PageSize: 5));

        Assert.Equal(7, result.Total);
        var chunk = Assert.Single(result.Chunks);
        Assert.Equal(("c41f7d02c1d311f0b8d20242ac120006", "printer-faq.pdf", 0.8312), (chunk.DocumentId, chunk.DocumentKeyword, chunk.Similarity));
        Assert.Equal(5, Assert.Single(result.DocumentHits).Count);
        var sent = JsonNode.Parse(handler.RequestBody!)!;
        Assert.Equal("9c0e5a44c1d211f0b8d20242ac120006", (string?)sent["dataset_ids"]![0]);
        Assert.Equal(5, (int)sent["page_size"]!);
        Assert.Equal(0.2, (double)sent["similarity_threshold"]!);

        var blank = new Answering(HttpStatusCode.OK, """{"code":0,"data":{"total":0,"chunks":[],"doc_aggs":{}}}""");
        Assert.Empty((await Client(blank).RetrieveAsync(new RetrievalRequest(" ", ["9c0e5a44c1d211f0b8d20242ac120006"]))).DocumentHits);
    }
}
