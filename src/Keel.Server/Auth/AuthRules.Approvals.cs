using Keel.Core.Auth;

namespace Keel.Server.Auth;

internal static partial class AuthRules
{
    /// <summary>
    /// Approvals follow the registered model they name (docs/approvals.md): reading needs READ;
    /// asking for an approval (and withdrawing one's own) needs EDIT, the level that may promote;
    /// deciding, and setting the policy, need MANAGE, the owner's level (MLflow has no approver
    /// role; the requester is refused whatever their level).
    /// </summary>
    private static void AddApprovals(Action<string, string, AuthRule> keel)
    {
        keel("POST", "approvals/policy/set", Model(Access.Manage));
        keel("GET", "approvals/policy/get", Model(Access.Read));
        keel("POST", "approvals/policy/delete", Model(Access.Manage));
        keel("POST", "approvals/requests/create", Model(Access.Update));
        keel("GET", "approvals/requests/get", Model(Access.Read));
        keel("GET", "approvals/requests/list", Model(Access.Read));
        keel("POST", "approvals/requests/approve", Model(Access.Manage));
        keel("POST", "approvals/requests/reject", Model(Access.Manage));
        keel("POST", "approvals/requests/cancel", Model(Access.Update));
    }
}
