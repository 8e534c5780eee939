using Google.Protobuf.Reflection;
using Grpc.AspNetCore.Server;
using Google.Rpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi.Models;

namespace CustomerProtection.ServiceDefaults.Api;

/// <summary>
/// JSON beside gRPC (docs/api.md): every RPC with a <c>google.api.http</c> annotation is also an HTTP/JSON route
/// (gRPC JSON transcoding). It is the same gRPC method behind it — the same interceptors (errors, account access,
/// edge limits), the same authorization, the same rule ids — so nothing can differ between the two. A refusal is the
/// rich status as JSON (<c>{"code", "message", "details": [ErrorInfo | BadRequest]}</c>) with the HTTP status Google's
/// mapping gives (FAILED_PRECONDITION → 400, PERMISSION_DENIED → 403, ...).
/// Each service publishes its OpenAPI document at <see cref="DocumentPath"/>; in Development a browsable reference
/// is at <see cref="ReferencePath"/>.
/// </summary>
public static class JsonApi
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-docs";

    public static void AddJsonApi(this IGrpcServerBuilder grpc, IHostApplicationBuilder builder, string serviceName)
    {
        grpc.AddJsonTranscoding(options =>
        {
            // The detail types our errors carry (DomainErrorInterceptor): without them in the registry the JSON
            // writer cannot write the status, and a refusal would become an empty 500.
            options.TypeRegistry = TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor);
            // proto3's JSON mapping: a 64-bit integer is a decimal string (JavaScript's numbers lose digits past 2^53).
            options.JsonSettings.WriteInt64sAsStrings = true;
        });

        builder.Services.AddGrpcSwagger();
        builder.Services.AddSwaggerGen(options =>
        {
            options.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = $"CustomerProtection {serviceName}",
                Version = DocumentName,
                Description = "客户保护系统 / customer protection: the gRPC API of this service as HTTP/JSON. Conventions: docs/api.md.",
            });
            options.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "cpctl token --role <role> --employee <id> (development), the company's OIDC provider elsewhere.",
            });
            options.AddSecurityRequirement(new OpenApiSecurityRequirement
            {
                [new OpenApiSecurityScheme { Reference = new OpenApiReference { Type = ReferenceType.SecurityScheme, Id = "bearer" } }] = [],
            });
            var comments = Path.Combine(AppContext.BaseDirectory, "CustomerProtection.Protos.xml");
            if (File.Exists(comments))
            {
                options.IncludeXmlComments(comments);
                options.IncludeGrpcXmlComments(comments, includeControllerXmlComments: true);
            }
        });
    }

    /// <summary>The OpenAPI document (anonymous: it describes the API, no customer); the reference page in Development.</summary>
    public static void MapJsonApi(this WebApplication app)
    {
        app.UseSwagger(options => options.RouteTemplate = "openapi/{documentName}.json");
        if (app.Environment.IsDevelopment())
        {
            app.UseSwaggerUI(options =>
            {
                options.RoutePrefix = ReferencePath.TrimStart('/');
                options.SwaggerEndpoint(DocumentPath, app.Environment.ApplicationName);
                options.DocumentTitle = "CustomerProtection API";
            });
        }
    }
}
