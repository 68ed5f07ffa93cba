namespace Gsv.Gateway.Knowledge;

/// <summary>
/// What a knowledge run is given from the buyer's documents: the prompt text of the passages, how many there are,
/// and the documents they come from (kept on the run record).
/// </summary>
public sealed record RunContext(string Component, string Field, string Text, int ChunksUsed, IReadOnlyList<string> DocumentIds);
