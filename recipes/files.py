"""Writing results so that an interrupted run never leaves a half-written file behind.

Every result file is written to a temporary name in the same folder and moved into
place with `os.replace`, which is atomic on POSIX: readers see the old file or the new
one, never a torn one.
"""
import json
import os
import tempfile


def atomic_write(path, data):
    """Write `data` (str or bytes) to `path` atomically."""
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-" + os.path.basename(path))
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
