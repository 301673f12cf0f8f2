using System.Reflection;
using Keel.Core.Registry;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>
/// A real registry store whose <see cref="IRegistryStore.SetAliasAsync"/> throws the next
/// <see cref="FailuresLeft"/> times: the crash between a promotion's write and its alias move.
/// </summary>
public class FailingAliasRegistry : DispatchProxy
{
    private IRegistryStore _inner = null!;

    public int FailuresLeft { get; set; }

    public static (IRegistryStore Registry, FailingAliasRegistry Control) Wrap(IRegistryStore inner)
    {
        var proxy = Create<IRegistryStore, FailingAliasRegistry>();
        var control = (FailingAliasRegistry)(object)proxy;
        control._inner = inner;
        return (proxy, control);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        if (targetMethod.Name == nameof(IRegistryStore.SetAliasAsync) && FailuresLeft > 0)
        {
            FailuresLeft--;
            throw new IOException("simulated crash before the alias moved");
        }

        try
        {
            return targetMethod.Invoke(_inner, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw e.InnerException;
        }
    }
}
