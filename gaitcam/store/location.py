"""Where the history lives: the data folder and the database URL.

Data folder: `GAITCAM_DATA_DIR`, else the per-user data folder of the platform
(Linux `$XDG_DATA_HOME/gaitcam` or `~/.local/share/gaitcam`, macOS
`~/Library/Application Support/gaitcam`, Windows `%LOCALAPPDATA%\\gaitcam`). It holds
`gaitcam.db` (the SQLite database, unless a URL points elsewhere) and `clips/`.
Database URL: the argument, else `GAITCAM_DB_URL`, else SQLite in the data folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DATA_DIR_ENV = "GAITCAM_DATA_DIR"
DB_URL_ENV = "GAITCAM_DB_URL"
DB_FILENAME = "gaitcam.db"
CLIPS_DIRNAME = "clips"


def default_data_dir() -> Path:
    """The data folder: `GAITCAM_DATA_DIR` if set, else the platform's per-user data folder."""
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    if env:
        return Path(env).expanduser()
    home = Path.home()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "gaitcam"
    if sys.platform == "darwin":
        return home / "Library" / "Application Support" / "gaitcam"
    xdg = os.environ.get("XDG_DATA_HOME", "").strip()
    return (Path(xdg) if xdg else home / ".local" / "share") / "gaitcam"


def resolve_url(url: str | None, data_dir: Path) -> str:
    """The database URL: `url`, else `GAITCAM_DB_URL`, else `sqlite:///<data_dir>/gaitcam.db`."""
    if url and url.strip():
        return url.strip()
    env = os.environ.get(DB_URL_ENV, "").strip()
    if env:
        return env
    return f"sqlite:///{(data_dir / DB_FILENAME).resolve().as_posix()}"
