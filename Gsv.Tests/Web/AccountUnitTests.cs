using System.Text;
using Gsv.ControlPlane.Client;
using Gsv.Web.Account;

namespace Gsv.Tests.Web;

/// <summary>The account pages' logic: reading the Gateway's event stream, the console's form and transcript, its messages.</summary>
public sealed class AccountUnitTests
{
    [Fact]
    public async Task Server_sent_events_are_read_as_the_standard_says()
    {
        const string stream = ": a comment\n"
            + "event: run\ndata: {\"runId\":1}\n\n"
            + "event: token\ndata:  two spaces\n\n"
            + "data: first\ndata: second\nunknown: x\n\n"
            + "event: empty\n\n"
            + "event: token\r\ndata: crlf\r\n\r\n"
            + "event: cut\ndata: never finished";
        var events = new List<ServerSentEvent>();
        await foreach (var item in ServerSentEventReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(stream))))
        {
            events.Add(item);
        }

        Assert.Equal(
            [new("run", "{\"runId\":1}"), new("token", " two spaces"), new("message", "first\nsecond"), new("token", "crlf")],
            events);
    }

    [Fact]
    public void The_transcript_keeps_the_newest_turns_within_its_bounds_and_a_bad_one_starts_empty()
    {
        var turns = Enumerable.Range(1, 15).Select(i => new ConsoleTurn($"q{i}", $"a{i}")).ToList();
        var kept = ConsoleTranscript.Parse(ConsoleTranscript.Serialize(turns));
        Assert.Equal(turns[^ConsoleTranscript.MaxTurns..], kept);

        var big = new ConsoleTurn("q", new string('x', ConsoleTranscript.MaxChars - 5));
        Assert.Equal([big], ConsoleTranscript.Parse(ConsoleTranscript.Serialize([new ConsoleTurn("old", "answer"), big])));

        Assert.Empty(ConsoleTranscript.Parse("not json"));
        Assert.Empty(ConsoleTranscript.Parse("[{\"message\":null,\"answer\":\"a\"}]"));
        Assert.Empty(ConsoleTranscript.Parse(null));
        Assert.Equal([new ConsoleTurn("<b>", "</b>", true)], ConsoleTranscript.Parse(ConsoleTranscript.Serialize([new ConsoleTurn("<b>", "</b>", true)])));
    }

    [Theory]
    [InlineData("", "Type a message to run.")]
    [InlineData("   ", "Type a message to run.")]
    [InlineData("hello", null)]
    public void A_console_message_is_required(string message, string? problem) =>
        Assert.Equal(problem, new RunForm { Message = message, RunKey = Guid.NewGuid().ToString() }.Problem());

    [Fact]
    public void A_console_form_without_its_key_or_with_a_too_long_message_or_session_is_refused()
    {
        Assert.Contains("expired", new RunForm { Message = "hi", RunKey = "x" }.Problem());
        Assert.Contains("at most", new RunForm { Message = new string('a', RunForm.MaxMessageLength + 1), RunKey = Guid.NewGuid().ToString() }.Problem());
        Assert.Contains("new one", new RunForm { Message = "hi", RunKey = Guid.NewGuid().ToString(), SessionId = new string('s', 201) }.Problem());
    }

    [Theory]
    [InlineData(402, "insufficient_credits", false, "Not enough credits: a run of Notes costs 2 credits. Nothing was charged.", "Buy credits")]
    [InlineData(409, "trial_expired", false, "Your free trial of Notes has ended. Buy it to keep using it.", "Buy Notes")]
    [InlineData(409, "connector_required", false, "Notes needs a connector before it can run: connect it on the Connect tab, then send your message again. Nothing was charged.", "Go to Connect")]
    [InlineData(409, "instance_not_active", false, "This instance is not active, so it cannot run right now (suspended).", null)]
    [InlineData(502, "runtime_error", false, "The run failed; nothing was charged. If it keeps failing, contact support with the reference abc123.", null)]
    [InlineData(502, "runtime_error", true, "The run failed after part of the answer was delivered, so it was charged. If it keeps failing, contact support with the reference abc123.", null)]
    public void Each_refusal_and_failure_says_what_happened_to_the_credits_and_where_to_go(int status, string code, bool answered, string message, string? link)
    {
        var instance = new InstanceDto(Guid.NewGuid(), Guid.NewGuid(), "notes", null, null, "agent", null, 2, false, [], InstanceState.Active, true,
            null, null, null, null, null, null, 0, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        var problem = ConsoleProblem.From(new RunProblem(status, code, "Title", "suspended", null, "abc123"), instance, "Notes", answered);
        Assert.Equal(message, problem.Message);
        Assert.Equal(link, problem.Link?.Text);
    }

    [Theory]
    [InlineData(0, "0 credits")]
    [InlineData(1, "1 credit")]
    [InlineData(12500, "12,500 credits")]
    public void Credits_are_counted_in_words(long credits, string text) => Assert.Equal(text, CreditsText.Of(credits));
}
