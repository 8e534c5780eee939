using CustomerProtection.Registration.Confidentiality.Application;
using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace CustomerProtection.Registration.Tests.Confidentiality;

/// <summary>C-5: an audit entry names the RPC it was made under, whether the call came as gRPC or as JSON (docs/api.md: the same method either way).</summary>
public sealed class RpcNameTests
{
    [Theory]
    [InlineData("/customerprotection.registration.v1.Customers/GetCustomer")]
    [InlineData("/v1/customers/1001")]
    public void C5_a_call_is_named_by_its_rpc_not_by_the_route_it_came_by(string path)
    {
        var http = new DefaultHttpContext();
        http.Request.Path = path;
        var marshaller = Marshallers.Create<V1.GetCustomerRequest>(m => m.ToByteArray(), V1.GetCustomerRequest.Parser.ParseFrom);
        var view = Marshallers.Create<V1.CustomerView>(m => m.ToByteArray(), V1.CustomerView.Parser.ParseFrom);
        var method = new Method<V1.GetCustomerRequest, V1.CustomerView>(MethodType.Unary, "customerprotection.registration.v1.Customers", "GetCustomer", marshaller, view);
        http.SetEndpoint(new Endpoint(null, new EndpointMetadataCollection(new GrpcMethodMetadata(typeof(V1.Customers.CustomersBase), method)), path));

        Assert.Equal("Customers/GetCustomer", new RpcName(new HttpContextAccessor { HttpContext = http }).Current);
    }

    [Fact]
    public void C5_what_runs_outside_a_call_is_the_background()
    {
        Assert.Equal(RpcName.Background, new RpcName(new HttpContextAccessor()).Current);
        Assert.Equal(RpcName.Background, new RpcName(null).Current);
    }
}
