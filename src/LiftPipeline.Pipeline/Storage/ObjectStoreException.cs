namespace LiftPipeline.Pipeline.Storage;

/// <summary>A storage operation failed; <see cref="Code"/> says how, the message names the object.</summary>
public sealed class ObjectStoreException : Exception
{
    /// <summary>The object name is not allowed (path traversal, odd characters, bad campaign id).</summary>
    public const string InvalidName = "invalid-name";

    /// <summary>A conditional write found the object changed (ETag mismatch) or already present.</summary>
    public const string PreconditionFailed = "precondition-failed";

    /// <summary>
    /// The path is not a regular file inside the store: a symbolic link (of the object, a folder on its way or a side
    /// file) or a FIFO, socket or device. The store follows no links and opens no special files.
    /// </summary>
    public const string NotAFile = "not-a-file";

    /// <summary>The store could not be reached or refused the operation.</summary>
    public const string Unavailable = "unavailable";

    /// <summary>A stored object the pipeline wrote itself does not read back as what it wrote (edited or damaged).</summary>
    public const string Corrupt = "corrupt";

    public ObjectStoreException(string code, string name, string message, Exception? inner = null)
        : base($"{name}: [{code}] {message}", inner)
    {
        Code = code;
        ObjectName = name;
    }

    /// <summary>One of the codes above.</summary>
    public string Code { get; }

    /// <summary>The object the operation was about.</summary>
    public string ObjectName { get; }
}
