using System.Text.Json;
using Gsv.Langflow;

namespace Gsv.Tests.Langflow;

/// <summary>How the answer, its message id and the token usage are read from Langflow's <c>RunResponse</c> (contract §2.2).</summary>
public sealed class RunResponseTests
{
    private static RunResponse Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        return RunResponse.From(document.RootElement);
    }

    private static string Response(string result) => $$"""{"session_id":"s-1","outputs":[{"inputs":{"input_value":"hi"},"outputs":[{{result}}]}]}""";

    [Fact]
    public void The_contract_example_gives_its_text_message_id_usage_and_session()
    {
        var response = Read(Response("""
            {"results":{"message":{"text":"Ticket 4711: printer offline","id":"m-5","sender":"Machine",
              "properties":{"source":{"id":"Agent-k3P9x"},"usage":{"input_tokens":412,"output_tokens":88,"total_tokens":500}}}},
             "artifacts":{"message":"artifact text"},"outputs":{"message":{"message":"outputs text","type":"text"}},
             "messages":[{"message":"messages text"}],"token_usage":{"input_tokens":1,"output_tokens":1,"total_tokens":2}}
            """));

        Assert.Equal(new RunResponse("s-1", "Ticket 4711: printer offline", "m-5", new TokenUsage(412, 88, 500)), response);
    }

    [Theory]
    [InlineData("""{"results":{"message":{"text":null}},"outputs":{"message":{"message":"b"}},"messages":[{"message":"c"}],"artifacts":{"message":"d"}}""", "b")]
    [InlineData("""{"results":{},"messages":[{"message":"c"}],"artifacts":{"message":"d"}}""", "c")]
    [InlineData("""{"results":{},"messages":[],"artifacts":{"message":"d"}}""", "d")]
    [InlineData("""{"results":{"text":"e"},"artifacts":"not an object"}""", "e")]
    [InlineData("""{"results":null,"outputs":[],"messages":{"message":"not a list"}}""", null)]
    public void The_text_falls_back_in_the_contracts_order(string result, string? text) =>
        Assert.Equal(text, Read(Response(result)).Text);

    [Fact]
    public void The_first_result_that_is_not_null_is_read_and_usage_falls_back_to_token_usage()
    {
        var response = Read(Response("""null, {"results":{"message":{"text":"second"}},"token_usage":{"input_tokens":3,"output_tokens":null,"total_tokens":3.5}}"""));

        Assert.Equal("second", response.Text);
        Assert.Null(response.MessageId);
        // A count that is absent, null or not a whole number is unknown (null), not an error.
        Assert.Equal(new TokenUsage(3, null, null), response.Usage);
    }

    [Theory]
    [InlineData("""{"session_id":"s-2"}""")]
    [InlineData("""{"session_id":"s-2","outputs":[]}""")]
    [InlineData("""{"session_id":"s-2","outputs":[{"outputs":[null]}]}""")]
    [InlineData("""{"session_id":"s-2","outputs":"not a list"}""")]
    public void A_response_without_results_has_no_text_and_no_usage(string json) =>
        Assert.Equal(new RunResponse("s-2", null, null, null), Read(json));

    [Fact]
    public void A_streams_end_event_carries_its_result()
    {
        var response = Response("""{"results":{"message":{"text":"done","id":"m-9"}}}""");
        var end = Assert.IsType<EndEvent>(LangflowClient.ParseEvent("""{"event":"end","data":{"result":""" + response + "}}"));

        Assert.Equal(new RunResponse("s-1", "done", "m-9", null), end.Result);
    }

    [Theory]
    [InlineData("""{"event":"end","data":{"result":"not a response"}}""", "String")]
    [InlineData("""{"event":"end","data":{"result":null}}""", "Null")]
    [InlineData("""{"event":"end","data":{}}""", "Undefined")]
    [InlineData("""{"event":"end"}""", "Undefined")]
    public void An_end_event_without_a_result_object_is_the_runtimes_error_not_an_empty_answer(string json, string kind)
    {
        var error = Assert.Throws<LangflowException>(() => LangflowClient.ParseEvent(json));

        Assert.Equal($"Langflow answered a {kind} instead of a RunResponse.", error.Detail);
    }
}
