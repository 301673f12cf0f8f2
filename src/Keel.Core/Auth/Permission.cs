using Keel.Core.Errors;

namespace Keel.Core.Auth;

/// <summary>
/// MLflow's permission levels, in MLflow's order of power. Spelled on the wire as MLflow spells them
/// (<c>READ</c>, <c>EDIT</c>, <c>MANAGE</c>, <c>NO_PERMISSIONS</c>).
/// </summary>
public enum Permission
{
    /// <summary>Nothing: the resource cannot even be read.</summary>
    NoPermissions,

    /// <summary>Read only.</summary>
    Read,

    /// <summary>Read and update.</summary>
    Edit,

    /// <summary>Read, update, delete and manage the resource's permissions.</summary>
    Manage,
}

/// <summary>What a request needs of a resource; a <see cref="Permission"/> grants some of these.</summary>
public enum Access
{
    /// <summary>Reading (get, list, search, download).</summary>
    Read,

    /// <summary>Changing (log, set tag, update, create a version).</summary>
    Update,

    /// <summary>Deleting the resource or its parts.</summary>
    Delete,

    /// <summary>Changing who may do what with the resource.</summary>
    Manage,
}

/// <summary>Wire names and MLflow's table of what each level can do.</summary>
public static class Permissions
{
    /// <summary>The levels' wire names, in order of power.</summary>
    public static IReadOnlyList<string> WireNames { get; } = ["NO_PERMISSIONS", "READ", "EDIT", "MANAGE"];

    /// <summary>MLflow's wire name of <paramref name="permission"/>.</summary>
    public static string ToWireName(this Permission permission) => permission switch
    {
        Permission.Read => "READ",
        Permission.Edit => "EDIT",
        Permission.Manage => "MANAGE",
        _ => "NO_PERMISSIONS",
    };

    /// <summary>Parses a wire name (exactly as MLflow spells it).</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming the valid levels.</exception>
    public static Permission Parse(string? value, string field = "permission") => value switch
    {
        "READ" => Permission.Read,
        "EDIT" => Permission.Edit,
        "MANAGE" => Permission.Manage,
        "NO_PERMISSIONS" => Permission.NoPermissions,
        null or "" => throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'."),
        _ => throw KeelException.InvalidParameter($"Invalid permission '{Printable(value)}' for '{field}'. Valid permissions are: {string.Join(", ", WireNames)}."),
    };

    /// <summary>Whether <paramref name="permission"/> allows <paramref name="access"/> (MLflow's can_read/can_update/can_delete/can_manage).</summary>
    public static bool Allows(this Permission permission, Access access) => access switch
    {
        Access.Read => permission >= Permission.Read,
        Access.Update => permission >= Permission.Edit,
        Access.Delete or Access.Manage => permission == Permission.Manage,
        _ => false,
    };

    private static string Printable(string value)
    {
        var cut = value.Length > 40 ? value[..40] + "..." : value;
        return new string(cut.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
