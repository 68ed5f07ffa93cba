using Gsv.ServiceDefaults.Problems;
using Gsv.Web;
using Gsv.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebServices();

var app = builder.Build();

// First in the pipeline in every environment: no exception (stack, request headers) reaches a client.
app.UseSafeExceptionResponses();
app.UseSecurityHeaders();
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapWebEndpoints();
app.MapDefaultEndpoints();
app.Run();
