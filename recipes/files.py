"""Writing results so that an interrupted run never leaves a half-written file behind.

Every result file is written to a temporary name in the same folder and moved into
place with `os.replace`, which is atomic on POSIX: readers see the old file or the new
one, never a torn one.
"""
import errno
import json
import os
import tempfile

from recipes import UserError

TMP_PREFIX = ".tmp-"  # atomic_write's temporary files: what a hard kill can leave behind

# the errors of a disk, not of the program: full, read-only, a file where a folder should be, no permission
FILESYSTEM_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.ENOTDIR, errno.EISDIR,
                     errno.EACCES, errno.EPERM, errno.EEXIST}


class WriteError(UserError):
    """A result could not be written (full disk, read-only folder...): one line naming the path and the cause."""


def is_filesystem_error(error):
    return isinstance(error, OSError) and error.errno in FILESYSTEM_ERRNOS


def write_error(path, error):
    """The WriteError for `error` met while writing `path`: 'cannot write PATH: No space left on device'."""
    return WriteError(f"cannot write {path}: {error.strerror or error}")


def atomic_write(path, data):
    """Write `data` (str or bytes) to `path` atomically; a disk's refusal is a WriteError, the old file kept."""
    path = os.fspath(path)
    try:
        _replace_atomically(path, data)
    except OSError as error:
        if is_filesystem_error(error):
            raise write_error(path, error) from None
        raise


def _replace_atomically(path, data):
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX + os.path.basename(path))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; a result file is as any other file
    try:
        with os.fdopen(fd, mode) as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_json(path, obj):
    atomic_write(path, json.dumps(obj, indent=2, sort_keys=False) + "\n")
