using System.Net.Http.Headers;
using System.Text;

namespace Keel.Client;

// Credentials for a server with auth on (docs/auth.md): HTTP Basic with a user name and password,
// or Bearer with an API token, as MLflow's clients send them. A request with credentials does not
// claim a user in X-Keel-User: the server records who signed in.
public sealed partial class KeelClient
{
    private AuthenticationHeaderValue? _authorization;
    private bool _authorizationBuilt;

    private void Authorize(HttpRequestMessage request)
    {
        if (!_authorizationBuilt)
        {
            _authorization = !string.IsNullOrEmpty(Options.Token)
                ? new AuthenticationHeaderValue("Bearer", Options.Token)
                : !string.IsNullOrEmpty(Options.Username)
                    ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Options.Username}:{Options.Password}")))
                    : null;
            _authorizationBuilt = true;
        }

        if (_authorization is null)
        {
            return;
        }

        request.Headers.Authorization ??= _authorization;
        request.Headers.Remove(UserHeader);
    }
}
