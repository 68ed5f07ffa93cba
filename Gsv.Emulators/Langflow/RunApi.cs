using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gsv.Emulators.Langflow.Graph;

namespace Gsv.Emulators.Langflow;

/// <summary>
/// <c>POST /api/v1/run/{flow_id_or_name}</c> (contract §2): executes the flow's graph and answers Langflow's
/// <c>RunResponse</c>, or with <c>?stream=true</c> its newline-delimited event stream.
/// </summary>
public static class RunApi
{
    private static readonly string[] InputTypes = ["chat", "text", "any"];
    private static readonly string[] OutputTypes = ["chat", "text", "any", "debug"];
    private static readonly byte[] EventSeparator = "\n\n"u8.ToArray();

    public static RouteGroupBuilder MapRunApi(this RouteGroupBuilder api)
    {
        api.MapPost("/run/{flowIdOrName}", RunAsync);
        return api;
    }

    private sealed record RunOptions(string? InputValue, string InputType, string OutputType, string OutputComponent, JsonObject? Tweaks, string? SessionId);

    private static async Task<IResult> RunAsync(
        string flowIdOrName, bool? stream, HttpContext context, FlowStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var flow = store.FindByIdOrEndpointName(flowIdOrName);
        if (flow is null)
        {
            return LangflowErrors.Detail(StatusCodes.Status404NotFound, $"Flow identifier {flowIdOrName} not found");
        }

        var (body, error) = await LangflowErrors.ReadObjectAsync(context.Request, required: false, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var (options, invalid) = ReadOptions(body);
        if (invalid is not null)
        {
            return invalid;
        }

        var flowId = (string)flow["id"]!;
        var sessionId = options!.SessionId ?? flowId;
        var logger = loggers.CreateLogger("Gsv.Emulators.Langflow.Run");

        if (stream == true)
        {
            await StreamAsync(context, flow, options, sessionId, logger, cancellationToken);
            return Results.Empty;
        }

        try
        {
            var run = await ExecuteAsync(flow, options, TokenInterval(context), aiMessageId: Guid.NewGuid().ToString(), observer: null, cancellationToken);
            return Results.Json(RunResponse(flow, options, sessionId, run, aiMessageId: null));
        }
        catch (Exception exception) when (exception is ComponentBuildException or FlowGraphException)
        {
            logger.LogWarning("Flow {FlowId} failed: {Error}", flowId, exception.Message);
            return LangflowErrors.ExecutionFailed($"Error running graph: {exception.Message}");
        }
    }

    /// <summary><c>SimplifiedAPIRequest</c>; a conflicting input tweak is a 400, wrong literals are 422.</summary>
    private static (RunOptions? Options, IResult? Error) ReadOptions(JsonObject? body)
    {
        string? Text(string name) => body?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

        var inputType = Text("input_type") ?? "chat";
        var outputType = Text("output_type") ?? "chat";
        if (!InputTypes.Contains(inputType))
        {
            return (null, Literal("input_type", inputType, InputTypes));
        }

        if (!OutputTypes.Contains(outputType))
        {
            return (null, Literal("output_type", outputType, OutputTypes));
        }

        if (body?["tweaks"] is { } tweaksNode && tweaksNode is not JsonObject)
        {
            return (null, LangflowErrors.Validation(LangflowErrors.ValidationError(
                "dict_type", ["body", "tweaks"], "Input should be a valid dictionary", tweaksNode)));
        }

        var tweaks = body?["tweaks"] as JsonObject;
        var inputValue = Text("input_value");
        if (inputValue is not null && tweaks is not null && tweaks.Any(t =>
                (t.Key.StartsWith("ChatInput", StringComparison.Ordinal) && inputType is "chat" or "any"
                 || t.Key.StartsWith("TextInput", StringComparison.Ordinal) && inputType is "text" or "any")
                && t.Value is JsonObject fields && fields.ContainsKey("input_value")))
        {
            return (null, LangflowErrors.Detail(StatusCodes.Status400BadRequest,
                "If you pass an input_value to the chat input, you cannot pass a tweak with the same name."));
        }

        return (new RunOptions(inputValue, inputType, outputType, Text("output_component") ?? "", tweaks, Text("session_id")), null);
    }

    private static IResult Literal(string field, string input, string[] allowed)
    {
        var expected = allowed.Length == 1
            ? $"'{allowed[0]}'"
            : string.Join(", ", allowed[..^1].Select(a => $"'{a}'")) + $" or '{allowed[^1]}'";
        return LangflowErrors.Validation(LangflowErrors.ValidationError(
            "literal_error", ["body", field], $"Input should be {expected}", input, new JsonObject { ["expected"] = expected }));
    }

    /// <summary>
    /// The global variables that exist: as the AppHost configures Langflow, those named in
    /// <c>LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT</c> (comma-separated) that are set in the environment.
    /// </summary>
    private static readonly Lazy<IReadOnlySet<string>> GlobalVariables = new(() =>
        (Environment.GetEnvironmentVariable("LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
            .ToHashSet(StringComparer.Ordinal));

    /// <summary><c>Langflow:TokenIntervalMs</c>: the pace of streamed tokens (0, all at once, unless the AppHost sets one).</summary>
    private static int TokenInterval(HttpContext context) =>
        Math.Clamp(context.RequestServices.GetRequiredService<IConfiguration>().GetValue("Langflow:TokenIntervalMs", 0), 0, 1000);

    private static Task<IReadOnlyList<VertexRun>> ExecuteAsync(
        JsonObject flow, RunOptions options, int tokenInterval, string aiMessageId, IFlowRunObserver? observer, CancellationToken cancellationToken)
    {
        if (flow["data"] is not JsonObject data)
        {
            throw new FlowGraphException($"Flow {(string?)flow["id"]} has no data.");
        }

        var graph = FlowGraph.Parse(data);
        return FlowExecutor.RunAsync(
            graph, new FlowRunRequest(options.InputValue, options.InputType, options.Tweaks, tokenInterval, GlobalVariables.Value), aiMessageId, observer,
            cancellationToken);
    }

    /// <summary>
    /// Body is <c>text/event-stream</c> but not SSE-framed: each event is <c>{"event":…,"data":…}</c> then a blank line.
    /// Errors after the stream started become an <c>error</c> event.
    /// </summary>
    private static async Task StreamAsync(HttpContext context, JsonObject flow, RunOptions options, string sessionId, ILogger logger, CancellationToken cancellationToken)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);

        var aiMessageId = Guid.NewGuid().ToString();
        var observer = new StreamObserver(response, flow, sessionId);
        try
        {
            var run = await ExecuteAsync(flow, options, TokenInterval(context), aiMessageId, observer, cancellationToken);
            await WriteEventAsync(response, "end", new JsonObject { ["result"] = RunResponse(flow, options, sessionId, run, aiMessageId) }, cancellationToken);
        }
        catch (Exception exception) when (exception is ComponentBuildException or FlowGraphException)
        {
            logger.LogWarning("Flow {FlowId} failed while streaming: {Error}", (string?)flow["id"], exception.Message);
            await WriteEventAsync(response, "error", new JsonObject { ["error"] = $"Error running graph: {exception.Message}" }, cancellationToken);
        }
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, JsonObject data, CancellationToken cancellationToken)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["event"] = name, ["data"] = data });
        await response.Body.WriteAsync(bytes, cancellationToken);
        await response.Body.WriteAsync(EventSeparator, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private sealed class StreamObserver(HttpResponse response, JsonObject flow, string sessionId) : IFlowRunObserver
    {
        public Task MessageAsync(VertexRun run, CancellationToken cancellationToken) =>
            WriteEventAsync(response, "add_message", LangflowMessages.Message(run, sessionId, (string)flow["id"]!, Guid.NewGuid().ToString(), "complete"), cancellationToken);

        public Task StreamStartAsync(string messageId, CancellationToken cancellationToken)
        {
            var output = FindChatOutput(flow);
            var placeholder = LangflowMessages.Message(
                "", "Machine", "AI", sessionId, (string)flow["id"]!, messageId, output.Id, output.DisplayName, null, null, "partial");
            return WriteEventAsync(response, "add_message", placeholder, cancellationToken);
        }

        public Task TokenAsync(string chunk, string messageId, CancellationToken cancellationToken) =>
            WriteEventAsync(response, "token", new JsonObject
            {
                ["chunk"] = chunk,
                ["id"] = messageId,
                ["timestamp"] = LangflowMessages.Timestamp(),
            }, cancellationToken);
    }

    private static (string Id, string DisplayName) FindChatOutput(JsonObject flow)
    {
        var node = (flow["data"]?["nodes"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(n => (string?)n["data"]?["type"] == "ChatOutput");
        return ((string?)node?["id"] ?? "", (string?)node?["data"]?["node"]?["display_name"] ?? "Chat Output");
    }

    /// <summary><c>RunResponse</c>: one <c>RunOutputs</c> whose outputs are the selected output components' <c>ResultData</c>.</summary>
    private static JsonObject RunResponse(JsonObject flow, RunOptions options, string sessionId, IReadOnlyList<VertexRun> runs, string? aiMessageId)
    {
        var flowId = (string)flow["id"]!;
        var selected = runs.Where(run => IsSelected(run, options)).ToList();
        var firstChatOutput = true;
        var outputs = new JsonArray();
        foreach (var run in selected)
        {
            var messageId = aiMessageId is not null && firstChatOutput && run.Vertex.Type == "ChatOutput" ? aiMessageId : Guid.NewGuid().ToString();
            firstChatOutput &= run.Vertex.Type != "ChatOutput";
            outputs.Add(LangflowMessages.ResultData(run, sessionId, flowId, messageId));
        }

        var inputs = new JsonObject();
        if (options.InputValue is not null)
        {
            inputs["input_value"] = options.InputValue;
        }

        return new JsonObject
        {
            ["session_id"] = sessionId,
            ["outputs"] = new JsonArray(new JsonObject { ["inputs"] = inputs, ["outputs"] = outputs }),
        };
    }

    /// <summary><c>output_component</c> wins; otherwise output vertices whose id contains the output type, all of them for <c>any</c>, every vertex for <c>debug</c>.</summary>
    private static bool IsSelected(VertexRun run, RunOptions options)
    {
        if (options.OutputComponent.Length > 0)
        {
            return run.Vertex.Id == options.OutputComponent;
        }

        var kind = FlowExecutor.ComponentKind(run.Vertex.Type);
        var isOutput = kind is FlowExecutor.Kind.ChatOutput or FlowExecutor.Kind.TextOutput;
        return options.OutputType switch
        {
            "debug" => true,
            "any" => isOutput,
            _ => isOutput && run.Vertex.Id.Contains(options.OutputType, StringComparison.OrdinalIgnoreCase),
        };
    }
}

/// <summary>Langflow's <c>Message</c> and <c>ResultData</c> documents (contract §2.2).</summary>
public static class LangflowMessages
{
    public static string Timestamp() => DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static JsonObject Message(VertexRun run, string sessionId, string flowId, string messageId, string state) =>
        Message(run.Text, run.Sender ?? "Machine", run.SenderName ?? "AI", sessionId, flowId, messageId,
            run.Vertex.Id, run.Vertex.DisplayName, run.ModelName, run.Usage, state);

    public static JsonObject Message(
        string text, string sender, string senderName, string sessionId, string flowId, string messageId,
        string componentId, string displayName, string? source, TokenUsage? usage, string state) => new()
        {
            ["text_key"] = "text",
            ["data"] = new JsonObject { ["text"] = text, ["sender"] = sender, ["sender_name"] = senderName },
            ["default_value"] = "",
            ["text"] = text,
            ["sender"] = sender,
            ["sender_name"] = senderName,
            ["files"] = new JsonArray(),
            ["session_id"] = sessionId,
            ["context_id"] = "",
            ["timestamp"] = Timestamp(),
            ["flow_id"] = flowId,
            ["error"] = false,
            ["edit"] = false,
            ["properties"] = new JsonObject
            {
                ["text_color"] = "",
                ["background_color"] = "",
                ["edited"] = false,
                ["source"] = new JsonObject { ["id"] = componentId, ["display_name"] = displayName, ["source"] = source },
                ["icon"] = sender == "User" ? "" : "MessagesSquare",
                ["allow_markdown"] = false,
                ["positive_feedback"] = null,
                ["state"] = state,
                ["targets"] = new JsonArray(),
                ["usage"] = Usage(usage),
            },
            ["category"] = "message",
            ["content_blocks"] = new JsonArray(),
            ["duration"] = null,
            ["session_metadata"] = null,
            ["id"] = messageId,
        };

    public static JsonObject? Usage(TokenUsage? usage) => usage is null
        ? null
        : new JsonObject { ["input_tokens"] = usage.InputTokens, ["output_tokens"] = usage.OutputTokens, ["total_tokens"] = usage.TotalTokens };

    /// <summary>
    /// Chat Output → <c>results.message</c>; Text Output → <c>results.text</c>; other vertices (debug) → their output by name.
    /// <c>token_usage</c> is filled on model and agent vertices and null on Chat Output, as in Langflow.
    /// </summary>
    public static JsonObject ResultData(VertexRun run, string sessionId, string flowId, string messageId)
    {
        var kind = FlowExecutor.ComponentKind(run.Vertex.Type);
        var text = run.Text;
        JsonObject results, artifacts, outputs;
        var messages = new JsonArray();
        switch (kind)
        {
            case FlowExecutor.Kind.ChatOutput or FlowExecutor.Kind.ChatInput:
                var message = Message(run, sessionId, flowId, messageId, "complete");
                results = new JsonObject { ["message"] = message };
                artifacts = new JsonObject
                {
                    ["message"] = text, ["sender"] = run.Sender, ["sender_name"] = run.SenderName, ["files"] = new JsonArray(), ["type"] = "object",
                };
                outputs = new JsonObject { ["message"] = new JsonObject { ["message"] = text, ["type"] = "text" } };
                messages.Add(new JsonObject
                {
                    ["message"] = text, ["sender"] = run.Sender, ["sender_name"] = run.SenderName, ["session_id"] = sessionId,
                    ["stream_url"] = null, ["component_id"] = run.Vertex.Id, ["files"] = new JsonArray(), ["type"] = "text",
                });
                break;
            default:
                var name = kind switch
                {
                    FlowExecutor.Kind.Model => "text_output",
                    FlowExecutor.Kind.Agent => "response",
                    FlowExecutor.Kind.McpTools => "component_as_tool",
                    FlowExecutor.Kind.Prompt => "prompt",
                    _ => "text",
                };
                results = new JsonObject { [name] = text };
                artifacts = new JsonObject { ["repr"] = text, ["raw"] = text, ["type"] = "text" };
                outputs = new JsonObject { [name] = new JsonObject { ["message"] = text, ["type"] = "text" } };
                break;
        }

        return new JsonObject
        {
            ["results"] = results,
            ["artifacts"] = artifacts,
            ["outputs"] = outputs,
            ["logs"] = new JsonObject { [outputs.First().Key] = new JsonArray() },
            ["messages"] = messages,
            ["timedelta"] = null,
            ["duration"] = null,
            ["component_display_name"] = run.Vertex.DisplayName,
            ["component_id"] = run.Vertex.Id,
            ["used_frozen_result"] = false,
            ["token_usage"] = kind is FlowExecutor.Kind.Model or FlowExecutor.Kind.Agent ? Usage(run.Usage) : null,
        };
    }
}
