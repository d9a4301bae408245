"""The managed clip folder: content-addressed copies of the analysed videos.

A clip is stored once per content as `clips/<first 2 hex>/<sha256><.ext>` under the data folder,
so saving the same video twice stores one file. A copy is written to a hidden temp file
(`.<sha256>.<random>.tmp`) in the destination folder, fsynced, checked against the hash, and
only then renamed onto the final name with `os.replace` (atomic): an interrupted copy never
leaves a partial file under a final name. Leftovers (temp files of killed copies, clips no
session references) are removed by `sweep`, which the store runs when it opens.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from gaitcam.store.errors import ClipNotFoundError, InvalidInputError, StoreError
from gaitcam.store.location import CLIPS_DIRNAME

TMP_SUFFIX = ".tmp"
TMP_GRACE_S = 3600.0  # younger temp files may be another process's copy in progress
_CHUNK = 1 << 20
_FINAL_NAME = re.compile(r"[0-9a-f]{64}(\.[a-z0-9]{1,8})?")


@dataclass(frozen=True)
class StoredClip:
    """A clip in the managed folder. `relpath` is relative to the data folder, with `/`."""

    relpath: str
    sha256: str
    created: bool  # True if this call wrote the file (it was not there before)


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def clip_relpath(sha256: str, suffix: str) -> str:
    """Where a clip with this hash and file suffix lives, relative to the data folder."""
    return f"{CLIPS_DIRNAME}/{sha256[:2]}/{sha256}{suffix}"


def _suffix(src: Path) -> str:
    s = src.suffix.lower()
    return s if re.fullmatch(r"\.[a-z0-9]{1,8}", s) else ""


def store_clip(src: Path, data_dir: Path, name: str | None = None) -> StoredClip:
    """Copy `src` into the managed folder (if its content is not there yet). The stored file's
    extension comes from `name` (the original file name) if it has one, else from `src`."""
    try:
        size = src.stat().st_size
        sha = file_sha256(src)
    except FileNotFoundError as exc:
        raise ClipNotFoundError(f"The clip {src.name} no longer exists.") from exc
    except OSError as exc:
        raise ClipNotFoundError(f"The clip {src.name} cannot be read ({exc.strerror}).") from exc
    rel = clip_relpath(sha, _suffix(Path(name or "")) or _suffix(src))
    final = data_dir / rel
    if final.is_file() and final.stat().st_size == size:
        return StoredClip(rel, sha, created=False)
    tmp = final.parent / f".{sha}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}"
    try:
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        h = hashlib.sha256()
        with open(src, "rb") as fin, open(tmp, "xb") as fout:
            for chunk in iter(lambda: fin.read(_CHUNK), b""):
                h.update(chunk)
                fout.write(chunk)
            fout.flush()
            os.fsync(fout.fileno())
        if h.hexdigest() != sha:
            raise InvalidInputError(f"The clip {src.name} changed while it was being saved.")
        os.replace(tmp, final)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise StoreError(
            f"Could not copy the clip into {final.parent} ({exc.strerror or exc}).",
            hint="Check the free disk space and that the data folder is writable.",
        ) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(final.parent)
    return StoredClip(rel, sha, created=True)


def clip_file(data_dir: Path, relpath: str) -> Path:
    """The absolute path of a stored clip; refuses paths outside the clip folder."""
    parts = relpath.split("/")
    if len(parts) != 3 or parts[0] != CLIPS_DIRNAME or ".." in parts or not _FINAL_NAME.fullmatch(
        parts[2]
    ):
        raise InvalidInputError(f"'{relpath}' is not a path inside the clip folder.")
    return data_dir.joinpath(*parts)


def remove_clip(data_dir: Path, relpath: str) -> None:
    """Delete a stored clip file (no error if it is already gone)."""
    clip_file(data_dir, relpath).unlink(missing_ok=True)


def sweep(data_dir: Path, referenced: set[str], tmp_grace_s: float = TMP_GRACE_S) -> int:
    """Remove clip files no session references and temp files older than `tmp_grace_s`.

    Only files named like ours are touched. Returns how many files were removed. The caller
    must hold the write lock so no session referencing a swept clip commits meanwhile.
    """
    root = data_dir / CLIPS_DIRNAME
    if not root.is_dir():
        return 0
    now = time.time()
    removed = 0
    for sub in root.iterdir():
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for f in sub.iterdir():
            try:
                if f.name.startswith(".") and f.name.endswith(TMP_SUFFIX):
                    stale = now - f.stat().st_mtime > tmp_grace_s
                else:
                    rel = f"{CLIPS_DIRNAME}/{sub.name}/{f.name}"
                    stale = _FINAL_NAME.fullmatch(f.name) is not None and rel not in referenced
                if stale and f.is_file():
                    f.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # removed meanwhile by another process
    return removed


def _fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
