"""Privacy: pose extraction must not open any internet connection (docs/privacy.md).

Runs `gaitcam pose` on a sample clip in a subprocess under strace and fails if the process (or
any thread or child) connects or sends to an AF_INET/AF_INET6 address. Attempts count even when
they fail: a DNS query that gets no answer on this machine would be an upload on another one.
MediaPipe's metrics client posts when a landmarker is closed (and about once a minute while one
is open), so the whole run is traced.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CLIP = ROOT / "sample_videos" / "good_form_side.mp4"

# Proxy settings change where libcurl (inside MediaPipe) connects; they are removed so the test
# measures what gaitcam itself does, not what the developer's shell happens to configure.
PROXY_VARS = ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
              "ALL_PROXY", "no_proxy", "NO_PROXY")

_SEND_OR_CONNECT = re.compile(r"^\d+\s+(connect|sendto|sendmsg|sendmmsg)\((.*)$")
# With -yy strace decorates socket fds, e.g. "8<UDP:[10.0.0.2:5000->10.0.0.1:53]>".
_INET_FD = re.compile(r"^\d+<(TCP|UDP)(v6)?:")
# systemd-resolved's socket only ever answers host-name lookups.
_RESOLVER_SOCKETS = ("/run/systemd/resolve/io.systemd.Resolve",)


def internet_attempts(trace: str) -> list[str]:
    """Lines of an `strace -f -yy -e trace=network` log that connect/send to the internet.

    Counted: connect/sendto/sendmsg/sendmmsg whose address is AF_INET or AF_INET6, or whose fd is
    an inet socket, and connections to systemd-resolved (a host-name lookup). Loopback counts
    too. Plain socket() calls without a connect (MediaPipe probes IPv4/IPv6 support at load
    time) and AF_UNIX/AF_NETLINK traffic stay on the machine and are not counted.
    """
    bad = []
    for line in trace.splitlines():
        m = _SEND_OR_CONNECT.match(line)
        if not m:
            continue
        args = m.group(2)
        if ("AF_INET" in args or _INET_FD.match(args)
                or any(path in args for path in _RESOLVER_SOCKETS)):
            bad.append(line[:200])
    return bad


def test_internet_attempts_parser_on_known_lines() -> None:
    dns = ('16005 connect(8<UDP:[312455]>, {sa_family=AF_INET, sin_port=htons(53), '
           'sin_addr=inet_addr("10.255.255.53")}, 16) = 0')
    send = ('16005 sendmmsg(8<UDP:[192.0.2.2:38413->10.255.255.53:53]>, '
            '[{msg_hdr={msg_name=NULL, msg_namelen=0, ...}}], 2, MSG_NOSIGNAL) = 2')
    unix = ('16005 connect(8<UNIX-STREAM:[312275]>, {sa_family=AF_UNIX, '
            'sun_path="/var/run/nscd/socket"}, 110) = -1 ENOENT (No such file or directory)')
    probe = "15927 socket(AF_INET, SOCK_DGRAM, IPPROTO_IP) = 4<UDP:[312433]>"
    v6 = ('7 connect(3<TCPv6:[9]>, {sa_family=AF_INET6, sin6_port=htons(443), '
          'sin6_addr=inet_pton(AF_INET6, "2a00:1450::1")}, 28 <unfinished ...>')
    assert internet_attempts("\n".join([dns, send, unix, probe, v6])) == [dns, send, v6]


def _strace_or_skip() -> str:
    strace = shutil.which("strace")
    if strace is None:
        pytest.skip("strace is not installed (apt-get install strace): can't trace network use")
    probe = subprocess.run([strace, "-f", "-o", os.devnull, "true"], capture_output=True,
                           text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"strace cannot trace here (ptrace not permitted?): {probe.stderr.strip()}")
    return strace


def test_pose_extraction_opens_no_internet_connection(tmp_path: Path) -> None:
    strace = _strace_or_skip()
    if not CLIP.exists():
        pytest.skip(f"sample clip {CLIP.name} is missing")
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["GAITCAM_DATA_DIR"] = str(tmp_path / "data")
    env["GLOG_minloglevel"] = "2"
    trace_file = tmp_path / "strace.txt"
    out = tmp_path / "clip.pose.npz"
    # The lite model keeps the run short; the metrics client is the same for every model, and
    # `pose` uses both running modes (an IMAGE-mode scout and the VIDEO-mode tracker).
    cmd = [strace, "-f", "-yy", "-s", "96", "-e", "trace=network", "-e", "signal=none",
           "-o", str(trace_file), sys.executable, "-m", "gaitcam", "pose", str(CLIP),
           "-o", str(out), "--model", "lite", "-q"]
    run = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)
    # A run that fails before MediaPipe starts would trivially "pass", so insist it worked.
    assert run.returncode == 0, f"gaitcam pose failed under strace:\n{run.stderr[-2000:]}"
    assert out.exists()

    bad = internet_attempts(trace_file.read_text(errors="replace"))
    assert not bad, (
        f"{len(bad)} internet connection attempt(s) during `gaitcam pose` "
        "(see docs/privacy.md: MediaPipe's metrics upload to play.googleapis.com):\n"
        + "\n".join(bad[:12])
    )
