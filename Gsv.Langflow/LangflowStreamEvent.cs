using System.Text.Json;

namespace Gsv.Langflow;

/// <summary>One event of <c>/api/v1/run/{flow}?stream=true</c>: <c>{"event": name, "data": {…}}</c>.</summary>
public abstract record LangflowStreamEvent(string Event);

/// <summary>A stored message: the user's input, then the AI message (empty while its tokens stream).</summary>
public sealed record AddMessageEvent(LangflowMessage Message) : LangflowStreamEvent("add_message");

/// <summary>One chunk of the AI message <see cref="MessageId"/>.</summary>
public sealed record TokenEvent(string Chunk, string? MessageId, string? Timestamp) : LangflowStreamEvent("token");

/// <summary>Last event: the full <see cref="RunResponse"/>, the same document as the non-streaming answer.</summary>
public sealed record EndEvent(RunResponse Result) : LangflowStreamEvent("end");

/// <summary>Execution failed after the stream started; the stream ends here.</summary>
public sealed record ErrorEvent(string Error) : LangflowStreamEvent("error");

/// <summary>Any other event (<c>build_start</c>, <c>end_vertex</c>, <c>log</c>…), which clients may ignore.</summary>
public sealed record OtherEvent(string Name, JsonElement Data) : LangflowStreamEvent(Name);
