namespace Keel.Client.Http;

/// <summary>When a request may be sent again after a transient failure.</summary>
internal enum Replay
{
    /// <summary>After any transient failure: repeating the call leaves the server as one call would (GETs, searches, log-metric, set-tag, ...).</summary>
    Always,

    /// <summary>
    /// Only when the server cannot have received it: the connection was refused, or the server
    /// answered 429 (it refused the call before doing it). Never after a 502, 503, 504 or a reset
    /// connection, when the server may have committed it (creates: a replay would make a second run
    /// or version, or fail because the first replay's object exists).
    /// </summary>
    BeforeSent,

    /// <summary>Never: the body cannot be sent twice (a non-seekable stream).</summary>
    Never,
}
