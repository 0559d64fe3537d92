"""Atomic writes: a temporary file in the same folder, fsync, then rename.

A crash, a full disk or Ctrl-C leaves either the old file or the new one,
never a half-written mix. The replaced file keeps its permission bits and,
where the process may set them, its owner and group; a file the user may not
write is refused (``PermissionError``) rather than replaced behind its back.
After the rename the folder is synced too, so the rename itself survives a
power cut (``durable=True``). A process killed with SIGKILL mid-write can leave
a ``.compliance-lint-*.tmp`` file next to the target; the target is intact.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


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
    if st is not None and not os.access(path, os.W_OK):
        raise PermissionError(13, "Permission denied", path)
    if st is not None:
        mode = st.st_mode & 0o7777
    else:  # a new file gets the usual permissions, not mkstemp's 0600
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=".compliance-lint-", suffix=".tmp", dir=folder)
    with _removed_on_failure(tmp):
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        if st is not None and (st.st_uid, st.st_gid) != (os.geteuid(), os.getegid()):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass  # not allowed to give the file away: it becomes ours, as with any editor
        os.replace(tmp, path)
    if durable:
        _sync_folder(folder)


def atomic_write_own(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, for a file in a folder of our own (cache entries).

    Readers see the old file or the new one, never part of one; nothing else
    ``atomic_write_bytes`` keeps applies there (no symlink, device, owner or
    mode to keep, no fsync: a lost entry is rebuilt). The temporary name carries
    the process id, so pool workers never share one. A run with an empty cache
    writes an entry per file: ``mkstemp``'s random names were most of that.
    """
    tmp = f"{os.path.dirname(path)}/.{os.path.basename(path)}.{os.getpid()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    with _removed_on_failure(tmp):
        with open(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)


@contextmanager
def _removed_on_failure(tmp: str) -> Iterator[None]:
    """Remove the temporary file ``tmp`` if the block fails (the target is left as it was)."""
    try:
        yield
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _sync_folder(folder: str) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems cannot sync a folder; the rename is still atomic
    finally:
        os.close(fd)


def atomic_write_text(path: str, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))
