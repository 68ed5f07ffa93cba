using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Gsv.Emulators.Langflow.Graph;

/// <summary>What a run asks for (the <c>SimplifiedAPIRequest</c> fields that change execution).</summary>
/// <param name="TokenIntervalMs">The streaming model's pace when the flow sets none (<c>gsv_token_delay_ms</c>): a real model
/// streams tens of tokens a second, not all at once.</param>
/// <param name="Variables">The Langflow global variables that exist (a field with <c>load_from_db</c> naming another fails the
/// build, as in Langflow); null when the caller does not resolve them (unit tests of the graph alone).</param>
public sealed record FlowRunRequest(
    string? InputValue, string InputType, JsonObject? Tweaks, int TokenIntervalMs = 0, IReadOnlySet<string>? Variables = null);

/// <summary>
/// One executed component: its output text, the sender for chat components, for models and agents the usage and, for
/// MCP Tools, the connected toolset it hands to an agent's <c>tools</c>.
/// </summary>
public sealed record VertexRun(
    FlowVertex Vertex, string Text, TokenUsage? Usage, string? ModelName, string? Sender, string? SenderName, McpToolset? Toolset = null);

/// <summary>Receives what a streaming run emits while the graph executes.</summary>
public interface IFlowRunObserver
{
    /// <summary>A chat message was stored (the user's input from a Chat Input).</summary>
    Task MessageAsync(VertexRun run, CancellationToken cancellationToken);

    /// <summary>A streaming model is about to emit tokens for the AI message <paramref name="messageId"/>.</summary>
    Task StreamStartAsync(string messageId, CancellationToken cancellationToken);

    Task TokenAsync(string chunk, string messageId, CancellationToken cancellationToken);
}

/// <summary>Component failure, reported by Langflow as <c>Error building Component X: …</c> (500).</summary>
public sealed class ComponentBuildException(string displayName, string reason)
    : Exception($"Error building Component {displayName}: \n\n{reason}");

/// <summary>
/// Runs a flow's graph in dependency order for the components GSV's templates use: Chat/Text Input, Prompt,
/// a language model (any <c>*Model</c> class or <c>LanguageModelComponent</c>, answered by
/// <see cref="DeterministicModel"/>), MCP Tools (<see cref="McpToolset"/>, a real MCP client) feeding an Agent's
/// <c>tools</c> (<see cref="DeterministicAgent"/>), and Chat/Text Output.
/// </summary>
public static partial class FlowExecutor
{
    /// <summary>Emulator-only knobs on a model component (template field or tweak); a real Langflow ignores them.</summary>
    public const string FailField = "gsv_fail";
    public const string DelayField = "gsv_delay_ms";
    public const string TokenDelayField = "gsv_token_delay_ms";

    private static readonly string[] KnobFields = [FailField, DelayField, TokenDelayField];

    public static async Task<IReadOnlyList<VertexRun>> RunAsync(
        FlowGraph graph, FlowRunRequest request, string aiMessageId, IFlowRunObserver? observer, CancellationToken cancellationToken)
    {
        ApplyTweaks(graph, request.Tweaks);
        var runs = new Dictionary<string, VertexRun>(StringComparer.Ordinal);
        var order = graph.TopologicalOrder();
        Build(order, request.Variables);

        try
        {
            foreach (var vertex in order)
            {
                var incoming = graph.Edges.Where(e => e.Target == vertex.Id).ToList();

                // Connected inputs override the template value of the field they target; toolsets go to the agent as they are.
                foreach (var edge in incoming.Where(e => runs[e.Source].Toolset is null))
                {
                    vertex.Fields[edge.TargetField] = runs[edge.Source].Text;
                }

                var toolsets = incoming.Select(e => runs[e.Source].Toolset).OfType<McpToolset>().ToList();
                var upstreamUsage = incoming.Select(e => runs[e.Source].Usage).LastOrDefault(u => u is not null);
                var upstreamModel = incoming.Select(e => runs[e.Source].ModelName).LastOrDefault(m => m is not null);

                var run = ComponentKind(vertex.Type) switch
                {
                    Kind.ChatInput => ChatInput(vertex, request),
                    Kind.TextInput => new VertexRun(vertex, InputText(vertex, request, "text"), null, null, null, null),
                    Kind.Prompt => new VertexRun(vertex, RenderPrompt(vertex), null, null, null, null),
                    Kind.Model => await ModelAsync(vertex, aiMessageId, request.TokenIntervalMs, observer, cancellationToken),
                    Kind.McpTools => await McpToolsAsync(vertex, cancellationToken),
                    Kind.Agent => await AgentAsync(vertex, toolsets, aiMessageId, request.TokenIntervalMs, observer, cancellationToken),
                    Kind.ChatOutput => new VertexRun(vertex, vertex.GetString("input_value") ?? "", upstreamUsage, upstreamModel, "Machine",
                        vertex.GetString("sender_name") is { Length: > 0 } name ? name : "AI"),
                    Kind.TextOutput => new VertexRun(vertex, vertex.GetString("input_value") ?? "", upstreamUsage, upstreamModel, null, null),
                    _ => throw new ComponentBuildException(vertex.DisplayName, $"Component type '{vertex.Type}' is not supported by the GSV Langflow emulator."),
                };
                runs[vertex.Id] = run;

                if (ComponentKind(vertex.Type) == Kind.ChatInput && observer is not null)
                {
                    await observer.MessageAsync(run, cancellationToken);
                }
            }
        }
        finally
        {
            // MCP sessions live for the run only (Langflow's MCP Tools do not cache a server by default: use_cache = false).
            foreach (var toolset in runs.Values.Select(r => r.Toolset).OfType<McpToolset>())
            {
                await toolset.DisposeAsync();
            }
        }

        return [.. order.Select(v => runs[v.Id])];
    }

    /// <summary>
    /// What Langflow checks when it builds the graph, before anything runs: every node has its component's code, and every
    /// global variable a field refers to exists.
    /// </summary>
    private static void Build(IEnumerable<FlowVertex> vertices, IReadOnlySet<string>? variables)
    {
        foreach (var vertex in vertices)
        {
            if (string.IsNullOrWhiteSpace(vertex.Code))
            {
                throw new ComponentBuildException(vertex.DisplayName,
                    "The node has no component code (template.code). Export flows from this Langflow version, or hydrate them against GET /api/v1/all.");
            }

            if (variables is not null && vertex.GlobalVariables.FirstOrDefault(v => !variables.Contains(v.Value)) is { Key: not null } missing)
            {
                throw new ComponentBuildException(vertex.DisplayName,
                    $"{missing.Key}: variable {missing.Value} not found. Create the global variable or pass it with LANGFLOW_VARIABLES_TO_GET_FROM_ENVIRONMENT.");
            }
        }
    }

    public enum Kind { ChatInput, TextInput, Prompt, Model, McpTools, Agent, ChatOutput, TextOutput, Unsupported }

    public static Kind ComponentKind(string type) => type switch
    {
        "ChatInput" => Kind.ChatInput,
        "TextInput" => Kind.TextInput,
        "Prompt" or "Prompt Template" or "PromptTemplate" => Kind.Prompt,
        "ChatOutput" => Kind.ChatOutput,
        "TextOutput" => Kind.TextOutput,
        "MCPTools" => Kind.McpTools,
        "Agent" => Kind.Agent,
        "LanguageModelComponent" => Kind.Model,
        _ when type.EndsWith("Model", StringComparison.Ordinal) => Kind.Model,
        _ => Kind.Unsupported,
    };

    /// <summary>
    /// Langflow's <c>apply_tweaks</c>: keyed by component id or display name; only fields the template has are set
    /// (plus the emulator knobs), and <c>code</c> is never replaced.
    /// </summary>
    public static void ApplyTweaks(FlowGraph graph, JsonObject? tweaks)
    {
        if (tweaks is null)
        {
            return;
        }

        foreach (var vertex in graph.Vertices)
        {
            var vertexTweaks = (tweaks[vertex.Id] ?? tweaks[vertex.DisplayName]) as JsonObject;
            if (vertexTweaks is null)
            {
                continue;
            }

            foreach (var (field, value) in vertexTweaks)
            {
                if (field != "code" && (vertex.Fields.ContainsKey(field) || KnobFields.Contains(field)))
                {
                    vertex.Fields[field] = value?.DeepClone();
                }
            }
        }
    }

    private static VertexRun ChatInput(FlowVertex vertex, FlowRunRequest request) =>
        new(vertex, InputText(vertex, request, "chat"), null, null, "User",
            vertex.GetString("sender_name") is { Length: > 0 } name ? name : "User");

    /// <summary>The request's <c>input_value</c> goes to inputs of the matching <c>input_type</c> (<c>any</c> matches both).</summary>
    private static string InputText(FlowVertex vertex, FlowRunRequest request, string kind) =>
        request.InputValue is not null && (request.InputType == kind || request.InputType == "any")
            ? request.InputValue
            : vertex.GetString("input_value") ?? "";

    /// <summary>Replaces <c>{variable}</c> with the connected value or the field's own value; <c>{{</c>/<c>}}</c> are literal braces.</summary>
    public static string RenderPrompt(FlowVertex vertex)
    {
        var template = vertex.GetString("template") ?? "";
        var rendered = PromptVariable().Replace(template, match =>
        {
            if (match.Value == "{{")
            {
                return "{";
            }

            if (match.Value == "}}")
            {
                return "}";
            }

            var name = match.Groups["name"].Value;
            return vertex.GetString(name) ?? "";
        });
        return rendered;
    }

    private static async Task<VertexRun> ModelAsync(
        FlowVertex vertex, string aiMessageId, int tokenInterval, IFlowRunObserver? observer, CancellationToken cancellationToken)
    {
        await KnobsAsync(vertex, cancellationToken);
        var modelName = vertex.GetString("model_name") ?? vertex.GetString("model") ?? vertex.Type;
        var answer = DeterministicModel.Answer(modelName, vertex.GetString("system_message") ?? "", vertex.GetString("input_value") ?? "");
        await StreamAsync(vertex, answer, aiMessageId, tokenInterval, observer, cancellationToken);
        return new VertexRun(vertex, answer.Text, answer.Usage, modelName, null, null);
    }

    /// <summary>MCP Tools in tool mode: connects and lists the server's tools; its output is the toolset (the text lists the names).</summary>
    private static async Task<VertexRun> McpToolsAsync(FlowVertex vertex, CancellationToken cancellationToken)
    {
        var toolset = await McpToolset.ConnectAsync(vertex, cancellationToken);
        return new VertexRun(vertex, string.Join('\n', toolset.ToolNames), null, null, null, null, toolset);
    }

    /// <summary>The Agent: its instructions (<c>system_prompt</c>) and input, the tools of the MCP Tools connected to <c>tools</c>.</summary>
    private static async Task<VertexRun> AgentAsync(
        FlowVertex vertex, IReadOnlyList<McpToolset> toolsets, string aiMessageId, int tokenInterval, IFlowRunObserver? observer,
        CancellationToken cancellationToken)
    {
        await KnobsAsync(vertex, cancellationToken);
        var modelName = vertex.GetString("model_name") ?? vertex.Type;
        var answer = await DeterministicAgent.AnswerAsync(
            modelName, vertex.GetString("system_prompt") ?? "", vertex.GetString("input_value") ?? "", toolsets, cancellationToken);
        await StreamAsync(vertex, answer, aiMessageId, tokenInterval, observer, cancellationToken);
        return new VertexRun(vertex, answer.Text, answer.Usage, modelName, null, null);
    }

    /// <summary>The emulator's delay and failure knobs, before a model or agent answers.</summary>
    private static async Task KnobsAsync(FlowVertex vertex, CancellationToken cancellationToken)
    {
        var delay = vertex.GetInt(DelayField);
        if (delay > 0)
        {
            await Task.Delay(delay, cancellationToken);
        }

        if (vertex.GetString(FailField) is { Length: > 0 } failure)
        {
            throw new ComponentBuildException(vertex.DisplayName, failure);
        }
    }

    /// <summary>Like Langflow, the request decides: a run asked with <c>?stream=true</c> streams the answer's tokens.</summary>
    private static async Task StreamAsync(
        FlowVertex vertex, ModelAnswer answer, string aiMessageId, int tokenInterval, IFlowRunObserver? observer, CancellationToken cancellationToken)
    {
        if (observer is null)
        {
            return;
        }

        await observer.StreamStartAsync(aiMessageId, cancellationToken);
        var tokenDelay = vertex.GetString(TokenDelayField) is null ? tokenInterval : vertex.GetInt(TokenDelayField);
        var first = true;
        foreach (var chunk in answer.Chunks)
        {
            if (!first && tokenDelay > 0)
            {
                await Task.Delay(tokenDelay, cancellationToken);
            }

            first = false;
            await observer.TokenAsync(chunk, aiMessageId, cancellationToken);
        }
    }

    [GeneratedRegex(@"\{\{|\}\}|\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex PromptVariable();
}
