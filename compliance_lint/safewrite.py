"""Atomic writes: a temporary file in the same folder, fsync, then rename.

A crash, a full disk or Ctrl-C leaves either the old file or the new one,
never a half-written mix.
"""

from __future__ import annotations

import os
import stat
import tempfile


def atomic_write_bytes(path: str, data: bytes, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically. ``durable=False`` skips the fsync:
    still never a half-written file for readers, but a power cut may lose the
    write (for cache entries, which are rebuilt when missing or unreadable)."""
    # A symlink is followed (the link stays a link); a device or FIFO (/dev/stdout,
    # /dev/null, a named pipe) is written in place: renaming over it would replace
    # the node itself.
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    path = os.path.realpath(path)
    folder = os.path.dirname(path) or "."
    if st is not None:
        mode = st.st_mode & 0o7777
    else:  # a new file gets the usual permissions, not mkstemp's 0600
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=".compliance-lint-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: str, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))
