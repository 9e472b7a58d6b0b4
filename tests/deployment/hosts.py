"""Hosts for the two-host test: network namespaces on this machine, each joined to it by a veth pair.

Each host is a namespace of its own (``ip netns``) with one address, reaching the machine's side of its
veth pair as its default gateway. The shared servers (PostgreSQL, Redis, the object store) listen on the
first host's gateway address, which every namespace reaches through its own gateway (Linux accepts a
packet for any of its addresses on any interface). So the web processes and the worker share nothing but
those three servers: no loopback, no port, no folder named in their settings.

Where namespaces cannot be made (not root, no ``ip``), every host is loopback with ports of its own:
separate processes with nothing shared but the three servers, which is what the test relies on.
"""

from __future__ import annotations

import contextlib
import random
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field


@dataclass
class Host:
    name: str
    address: str
    namespace: str = ""
    exec_prefix: list[str] = field(default_factory=list)


def _ip(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=False, timeout=30)  # noqa: S607


class Network:
    """``count`` hosts; ``gateway`` is where the shared servers listen. Use as a context manager."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.hosts: list[Host] = []
        self.gateway = "127.0.0.1"
        self.isolated = False
        self._tag = uuid.uuid4().hex[:6]
        self._octet = random.randint(100, 250)  # noqa: S311 - a subnet unlikely to meet another run's

    def __enter__(self) -> Network:
        if shutil.which("ip") and self._make_namespaces():
            self.isolated = True
        else:
            self._remove_namespaces()
            self.hosts = [Host(f"host-{index}", "127.0.0.1") for index in range(self.count)]
        return self

    def __exit__(self, *exc) -> None:
        self._remove_namespaces()

    def _make_namespaces(self) -> bool:
        for index in range(self.count):
            namespace = f"tp{self._tag}{index}"
            outside, inside = f"tp{self._tag}{index}o", f"tp{self._tag}{index}i"
            gateway, address = f"10.{self._octet}.{index + 1}.1", f"10.{self._octet}.{index + 1}.2"
            steps = [
                ("netns", "add", namespace),
                ("link", "add", outside, "type", "veth", "peer", "name", inside),
                ("link", "set", inside, "netns", namespace),
                ("addr", "add", f"{gateway}/30", "dev", outside),
                ("link", "set", outside, "up"),
                ("-n", namespace, "addr", "add", f"{address}/30", "dev", inside),
                ("-n", namespace, "link", "set", inside, "up"),
                ("-n", namespace, "link", "set", "lo", "up"),
                ("-n", namespace, "route", "add", "default", "via", gateway),
            ]
            self.hosts.append(Host(f"host-{index}", address, namespace, ["ip", "netns", "exec", namespace]))
            for step in steps:
                if _ip(*step).returncode:
                    return False
        self.gateway = f"10.{self._octet}.1.1"
        return True

    def _remove_namespaces(self) -> None:
        for host in self.hosts:
            if host.namespace:
                with contextlib.suppress(subprocess.SubprocessError):
                    _ip("netns", "del", host.namespace)  # takes its end of the veth pair, and so the pair
        for index in range(self.count):
            with contextlib.suppress(subprocess.SubprocessError):
                _ip("link", "del", f"tp{self._tag}{index}o")
