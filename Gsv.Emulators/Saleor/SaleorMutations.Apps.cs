using System.Security.Cryptography;
using System.Text.Json;
using GraphQL;
using static Gsv.Emulators.Saleor.SaleorGraph;
using Node = System.Collections.Generic.Dictionary<string, object?>;

namespace Gsv.Emulators.Saleor;

public sealed partial class SaleorMutations
{
    private const string TokenAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>Saleor app tokens are 30 characters (oauthlib's generate_token); only that length is read as an app token.</summary>
    private static string NewAppToken() => RandomNumberGenerator.GetString(TokenAlphabet, 30);

    private Node AppCreate(IResolveFieldContext ctx)
    {
        var caller = Caller(ctx);
        if (!caller.IsStaff)
        {
            throw PermissionDenied(["MANAGE_APPS"]);
        }

        var input = InputArg(ctx);
        var permissions = Strings(input, "permissions");
        var identifier = Str(input, "identifier");
        if (identifier is not null && store.Apps.Any(a => a.Identifier == identifier))
        {
            return Failed(Error("identifier", "UNIQUE", "App with the same identifier is already installed"));
        }

        var app = new AppRow { Pk = store.NextPk(), Name = Str(input, "name")!, Identifier = identifier ?? Guid.NewGuid().ToString(), Permissions = [.. permissions] };
        var token = NewAppToken();
        app.Tokens.Add(new AppTokenRow { Pk = store.NextPk(), Name = "Default", Token = token });
        store.Apps.Add(app);
        return new Node { ["authToken"] = token, ["app"] = views.App(app), ["errors"] = Array.Empty<Node>() };
    }

    private Node AppTokenCreate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_APPS");
        var input = InputArg(ctx);
        var app = store.Apps.FirstOrDefault(a => a.Pk == IntPk(Str(input, "app"), "App"));
        if (app is null)
        {
            return Failed(Error("app", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var row = new AppTokenRow { Pk = store.NextPk(), Name = Str(input, "name") ?? "", Token = NewAppToken() };
        app.Tokens.Add(row);
        return new Node { ["authToken"] = row.Token, ["appToken"] = SaleorViews.AppToken(row), ["errors"] = Array.Empty<Node>() };
    }

    /// <summary>appTokenDelete (MANAGE_APPS): the token stops authenticating at once.</summary>
    private Node AppTokenDelete(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_APPS");
        var pk = IntPk(Arg(ctx, "id") as string, "AppToken");
        var app = store.Apps.FirstOrDefault(a => a.Tokens.Any(t => t.Pk == pk));
        if (app is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var row = app.Tokens.First(t => t.Pk == pk);
        app.Tokens.Remove(row);
        return new Node { ["appToken"] = SaleorViews.AppToken(row), ["errors"] = Array.Empty<Node>() };
    }

    /// <summary>appUpdate (MANAGE_APPS): name, identifier and permissions; permissions given replace the app's.</summary>
    private Node AppUpdate(IResolveFieldContext ctx)
    {
        Require(ctx, "MANAGE_APPS");
        var app = store.Apps.FirstOrDefault(a => a.Pk == IntPk(Arg(ctx, "id") as string, "App"));
        if (app is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var input = InputArg(ctx);
        var identifier = Str(input, "identifier");
        if (identifier is not null && store.Apps.Any(a => a.Pk != app.Pk && a.Identifier == identifier))
        {
            return Failed(Error("identifier", "UNIQUE", "App with the same identifier is already installed"));
        }

        app.Name = Str(input, "name") ?? app.Name;
        app.Identifier = identifier ?? app.Identifier;
        if (input.ContainsKey("permissions"))
        {
            app.Permissions = [.. Strings(input, "permissions")];
        }

        return new Node { ["app"] = views.App(app), ["errors"] = Array.Empty<Node>() };
    }

    private Node WebhookCreate(IResolveFieldContext ctx)
    {
        var caller = Caller(ctx);
        var input = InputArg(ctx);
        AppRow? app;
        if (caller.App is not null)
        {
            app = caller.App;
        }
        else
        {
            Require(ctx, "MANAGE_APPS");
            app = store.Apps.FirstOrDefault(a => a.Pk == IntPk(Str(input, "app"), "App"));
            if (app is null)
            {
                return Failed(Error("app", "REQUIRED", "Missing app."));
            }
        }

        var webhook = new WebhookRow { Pk = store.NextPk(), AppPk = app.Pk, Name = Str(input, "name") ?? "", IsActive = Bool(input, "isActive") ?? true };
        return ApplyWebhookInput(webhook, input, creating: true) is { } error
            ? Failed(error)
            : Created(webhook);
    }

    private Node Created(WebhookRow webhook)
    {
        store.Webhooks.Add(webhook);
        return Payload("webhook", views.Webhook(webhook));
    }

    private Node WebhookUpdate(IResolveFieldContext ctx)
    {
        var webhook = store.Webhooks.FirstOrDefault(w => w.Pk == IntPk(Arg(ctx, "id") as string, "Webhook"));
        var caller = Caller(ctx);
        if (webhook is not null && !caller.Has("MANAGE_APPS") && caller.App?.Pk != webhook.AppPk)
        {
            throw PermissionDenied(["MANAGE_APPS"]);
        }

        if (webhook is null)
        {
            return Failed(Error("id", "NOT_FOUND", "Couldn't resolve to a node."));
        }

        var input = InputArg(ctx);
        webhook.Name = Str(input, "name") ?? webhook.Name;
        webhook.IsActive = Bool(input, "isActive") ?? webhook.IsActive;
        return ApplyWebhookInput(webhook, input, creating: false) is { } error ? Failed(error) : Payload("webhook", views.Webhook(webhook));
    }

    /// <summary>targetUrl (http/https, ≤255), events (explicit or derived from the subscription query), customHeaders (≤5, X-/Authorization).</summary>
    private Node? ApplyWebhookInput(WebhookRow webhook, IDictionary<string, object?> input, bool creating)
    {
        if (Str(input, "targetUrl") is { } target)
        {
            if (target.Length > 255 || !Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "awssqs" or "gcpubsub"))
            {
                return Error("targetUrl", "INVALID", "Enter a valid URL.");
            }

            webhook.TargetUrl = target;
        }
        else if (creating)
        {
            return Error("targetUrl", "REQUIRED", "This field is required.");
        }

        if (Str(input, "query") is { } query)
        {
            try
            {
                var document = GraphQLParser.Parser.Parse(query);
                if (document.Definitions.OfType<GraphQLParser.AST.GraphQLOperationDefinition>().FirstOrDefault()?.Operation != GraphQLParser.AST.OperationType.Subscription)
                {
                    return Error("query", "INVALID", "Subscription query is not valid.");
                }
            }
            catch (GraphQLParser.Exceptions.GraphQLSyntaxErrorException e)
            {
                return Error("query", "SYNTAX", e.Message);
            }

            webhook.Query = query;
        }

        var events = Strings(input, "asyncEvents");
        if (events.Count > 0)
        {
            webhook.AsyncEvents = [.. events];
        }
        else if (creating && webhook.Query is not null)
        {
            // Saleor derives the events from the subscription's fragments (`... on OrderFullyPaid` → ORDER_FULLY_PAID).
            webhook.AsyncEvents = [.. System.Text.RegularExpressions.Regex.Matches(webhook.Query, @"\.\.\.\s*on\s+([A-Z][A-Za-z]+)")
                .Select(m => System.Text.RegularExpressions.Regex.Replace(m.Groups[1].Value, "(?<=[a-z])([A-Z])", "_$1").ToUpperInvariant())];
        }

        if (Str(input, "customHeaders") is { } headers)
        {
            Dictionary<string, string>? parsed;
            try
            {
                parsed = JsonSerializer.Deserialize<Dictionary<string, string>>(headers);
            }
            catch (JsonException)
            {
                return Error("customHeaders", "INVALID_CUSTOM_HEADERS", "Custom headers must be a JSON object.");
            }

            if (parsed is null || parsed.Count > 5 || parsed.Keys.Any(k => !(k.StartsWith("X-", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Authorization", StringComparison.OrdinalIgnoreCase) || k == "BrokerProperties")))
            {
                return Error("customHeaders", "INVALID_CUSTOM_HEADERS", "Invalid custom headers.");
            }

            webhook.CustomHeaders = parsed.ToDictionary(kv => kv.Key.ToLowerInvariant(), kv => kv.Value);
        }

        return null;
    }
}
