"""python -m replica [--host H] [--site NAME=PORT ...] [--with -- CMD ...]"""
from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import threading

from pathlib import Path

from . import mechanisms_site
from .hostile_site import serve_hostile
from .server import SITES, PortBusy, serve

DEFAULT_SITES = {"jcms": 8101, "trs": 8102, "ucap": 8103, "spa": 8104, "gkmlpt": 8105, "oldsite": 8106, "jpaas": 8107}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replica", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--site", action="append", metavar="NAME=[HOST:]PORT",
                        help="serve replica/sites/NAME on PORT (0 = any free port), on HOST if given "
                             "(another loopback address); default: all sites on 8101-8107; "
                             "NAME=hostile: the generated hostile site (replica/hostile_site.py)")
    parser.add_argument("--root", type=Path, default=SITES, help="folder holding the sites (default replica/sites)")
    parser.add_argument("--edition", type=int, default=1,
                        help="2 = the portals after edits and removals (replica/editions/2)")
    parser.add_argument("--request-log", type=Path, metavar="FILE",
                        help="write every request of the hostile site to FILE (host:port method path status)")
    parser.add_argument("--with", dest="command", action="store_true",
                        help="-- CMD ...: run CMD while serving, then stop; exits with its status")
    argv = list(sys.argv[1:] if argv is None else argv)
    command = []
    if "--with" in argv:  # everything after it is the command
        at = argv.index("--with")
        argv, command = argv[:at + 1], argv[at + 1:]
        command = command[1:] if command[:1] == ["--"] else command
    args = parser.parse_args(argv)
    sites = dict(DEFAULT_SITES)
    if args.site:
        sites = {}
        for spec in args.site:
            name, _, where = spec.partition("=")
            site_host, _, port = where.rpartition(":")
            sites[name] = (site_host, int(port or 0)) if site_host else int(port or 0)
    try:
        servers = serve(sites, args.host, args.edition, args.root, args.request_log,
                        generated={"hostile": serve_hostile}, handlers=mechanisms_site.handler_for,
                        started=mechanisms_site.started)
    except PortBusy as exc:
        print(f"python -m replica: {exc}", file=sys.stderr)
        return 2
    for server in servers:
        host, port = server.server_address[:2]
        print(f"serving {server.site_name} http://{host}:{port}/", flush=True)
    if args.command:
        if not command:
            parser.error("--with needs a command: python -m replica --with -- CMD ...")
        try:
            return subprocess.call(command)
        finally:
            for server in servers:
                server.shutdown()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    # all at once: each shutdown waits up to serve_forever's 0.5 s poll, and the mechanism
    # replica serves 36 sites (one after the other took over the tests' 10 s on a loaded machine)
    stopping = [threading.Thread(target=server.shutdown) for server in servers]
    for thread in stopping:
        thread.start()
    for thread in stopping:
        thread.join()
    return 0


if __name__ == "__main__":
    sys.exit(main())
