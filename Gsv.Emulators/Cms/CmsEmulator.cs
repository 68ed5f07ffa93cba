namespace Gsv.Emulators.Cms;

/// <summary>
/// Wagtail 7 stand-in (the containers-mode project is <c>deploy/cms/</c>): the API v2 endpoints the web app reads,
/// over the pages of the repository's <c>content/</c> folder (<see cref="CmsContent"/>), read-only.
/// <list type="bullet">
/// <item><c>/api/v2/pages/</c>, <c>/api/v2/pages/{id}/</c>, <c>/api/v2/pages/find/</c> (<see cref="PagesApi"/>).</item>
/// <item><c>/api/v2/images/</c> (<see cref="ImagesApi"/>).</item>
/// <item><c>/health/</c>: the GSV project's own health view (Wagtail has none), answered once the content is loaded.</item>
/// </list>
/// </summary>
public static class CmsEmulator
{
    public const string HealthPath = "/health/";

    public static WebApplicationBuilder AddCmsEmulator(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CmsContent>();
        return builder;
    }

    public static WebApplication MapCmsEmulator(this WebApplication app)
    {
        // Loaded at startup: a broken content file stops the emulator instead of the first request.
        var content = app.Services.GetRequiredService<CmsContent>();
        app.MapGet(HealthPath, () => Results.Json(new { status = "ok", pages = content.Pages.Count }));
        app.MapPagesApi();
        app.MapImagesApi();
        return app;
    }
}
