using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Keel.Server.Infrastructure;

/// <summary>Wraps the socket transport so that every listener accepts only while <see cref="HostingConnectionLimit"/> has room for another socket.</summary>
internal sealed class HostingListenerFactory(IConnectionListenerFactory inner, HostingConnectionLimit limit) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public async ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        new Listener(await inner.BindAsync(endpoint, cancellationToken).ConfigureAwait(false), limit);

    public bool CanBind(EndPoint endpoint) => inner is not IConnectionListenerFactorySelector selector || selector.CanBind(endpoint);

    private sealed class Listener(IConnectionListener inner, HostingConnectionLimit limit) : IConnectionListener
    {
        public EndPoint EndPoint => inner.EndPoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            try
            {
                await limit.EnterAcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return null; // Unbinding.
            }

            ConnectionContext? connection;
            try
            {
                connection = await inner.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                limit.ExitAccept();
                throw;
            }

            if (connection is null)
            {
                limit.ExitAccept();
                return null;
            }

            // The place is given back when the transport has closed the socket.
            connection.ConnectionClosed.Register(static state => ((HostingConnectionLimit)state!).ExitAccept(), limit);
            return connection;
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default) => inner.UnbindAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
