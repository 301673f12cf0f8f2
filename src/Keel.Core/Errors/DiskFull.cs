namespace Keel.Core.Errors;

/// <summary>
/// Recognises "the disk is full" among I/O errors and turns it into
/// <see cref="ErrorCode.InsufficientStorage"/> (HTTP 507). On Linux and macOS .NET puts the raw
/// <c>errno</c> in <see cref="Exception.HResult"/> of the <see cref="IOException"/> (checked: a
/// write to a full tmpfs gives 28); on Windows it is the Win32 error as an HRESULT.
/// </summary>
public static class DiskFull
{
    /// <summary>Linux <c>ENOSPC</c>: no space left on device.</summary>
    public const int Enospc = 28;

    /// <summary>Linux <c>EDQUOT</c>: disk quota exceeded.</summary>
    public const int Edquot = 122;

    /// <summary>macOS <c>EDQUOT</c>.</summary>
    private const int EdquotDarwin = 69;

    /// <summary>Windows <c>ERROR_HANDLE_DISK_FULL</c> and <c>ERROR_DISK_FULL</c> as HRESULTs.</summary>
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027), WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>Whether <paramref name="exception"/> (or an inner one) says the disk or the quota is full.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is KeelException { Code: ErrorCode.InsufficientStorage })
            {
                return true;
            }

            if (e is IOException io && IsFullCode(io.HResult))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an <see cref="Exception.HResult"/> means the disk or the quota is full.</summary>
    public static bool IsFullCode(int hresult) => hresult switch
    {
        Enospc or Edquot => !OperatingSystem.IsWindows(),
        EdquotDarwin => OperatingSystem.IsMacOS(),
        WindowsHandleDiskFull or WindowsDiskFull => OperatingSystem.IsWindows(),
        _ => false,
    };

    /// <summary>
    /// The error clients get: which disk is full (<paramref name="what"/>, e.g. "the artifact store"),
    /// that nothing of this request was stored, and what to do. No paths: those go to the server log.
    /// </summary>
    public static KeelException Error(string what, string notStored, Exception inner) => new(
        ErrorCode.InsufficientStorage,
        $"The disk holding {what} is full (no space left on the device or quota exceeded): {notStored} was not stored. Free space on that disk and retry; everything acknowledged before is kept.",
        inner);
}
