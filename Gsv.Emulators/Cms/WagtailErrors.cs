namespace Gsv.Emulators.Cms;

/// <summary>
/// Wagtail API v2's error bodies: <c>BaseAPIViewSet.handle_exception</c> answers a <c>BadRequestError</c> with 400 and
/// an <c>Http404</c> with 404, both as <c>{"message": "…"}</c>.
/// </summary>
public static class WagtailErrors
{
    public const string PageNotFound = "No Page matches the given query.";
    public const string ImageNotFound = "No Image matches the given query.";
    public const string TypeDoesNotExist = "type doesn't exist";

    public static IResult BadRequest(string message) => Results.Json(new { message }, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string message = PageNotFound) => Results.Json(new { message }, statusCode: StatusCodes.Status404NotFound);

    public static IResult UnknownFields(IEnumerable<string> fields) =>
        BadRequest("unknown fields: " + string.Join(", ", fields.Order(StringComparer.Ordinal)));

    public static IResult UnknownParameters(IEnumerable<string> parameters) =>
        BadRequest("query parameter is not an operation or a recognised field: " + string.Join(", ", parameters.Order(StringComparer.Ordinal)));
}
