namespace Gsv.Web.Account;

/// <summary>What a streamed run of the Gateway tells, in order: started, tokens, then finished or failed.</summary>
public abstract record RunStreamEvent;

public sealed record RunStarted(Guid RunId) : RunStreamEvent;

public sealed record RunToken(string Chunk) : RunStreamEvent;

/// <summary>The <c>done</c> event: the whole answer, the session to continue, and the credits charged and left.</summary>
public sealed record RunFinished(Guid RunId, string? Output, string? SessionId, RunCharge Credits) : RunStreamEvent;

/// <summary>A refusal before the run (402, 409, 429…) or a failure during it (502): the Gateway's problem.</summary>
public sealed record RunFailed(RunProblem Problem) : RunStreamEvent;

public sealed record RunCharge(long Charged, long Balance, bool Low);

/// <summary>The fields of the Gateway's problem+json (or its stream's <c>error</c> event) the console shows.</summary>
public sealed record RunProblem(int Status, string? Code, string? Title, string? Detail, Guid? RunId, string? CorrelationId);
