"""Reading a process's CPU time and memory from /proc (Linux only, like taskset).

CPU time is what makes a run trustworthy: a server whose core was not busy ~all the time
during a run was waiting for the load generator (or lost its core to someone else), so
its requests/s say nothing about the server. The driver and the websocket client both
sample it around their measured window.
"""

from __future__ import annotations

import os
import resource

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds used so far by ``pid`` (None once it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    # Fields after the ")" that closes the command name; utime and stime are fields 14, 15.
    fields = text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def own_cpu_seconds() -> float:
    """User + system CPU seconds of this process."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def children_cpu_seconds() -> float:
    """User + system CPU seconds of this process's waited-for children (wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def memory_mib(pid: int, field: str) -> float | None:
    """A /proc/PID/status memory line in MiB: ``VmRSS`` (now) or ``VmHWM`` (peak RSS)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0  # the kernel reports kB
    except OSError:
        return None
    return None


def cores_busy_seconds(cpus: tuple[int, ...]) -> dict[int, float]:
    """Seconds each of ``cpus`` spent running tasks (user, nice, system) or stolen by the host.

    Minus the CPU time of the process pinned there, this is what others took from that core
    during a run. Interrupt and softirq time is left out on purpose: the loopback traffic of
    the run itself lands there.
    """
    wanted = {f"cpu{cpu}": cpu for cpu in cpus}
    busy: dict[int, float] = {}
    with open("/proc/stat") as stat:
        for line in stat:
            name, _, rest = line.partition(" ")
            if name in wanted:
                ticks = [int(x) for x in rest.split()[:8]]
                user, nice, system, steal = ticks[0], ticks[1], ticks[2], ticks[7]
                busy[wanted[name]] = (user + nice + system + steal) / CLOCK_TICKS
    return busy


def foreign_pct(
    busy_before: dict[int, float],
    busy_after: dict[int, float],
    own: dict[int, float],
    wall: float,
) -> float | None:
    """The largest share of a pinned core that others took: ``own`` = our CPU s per core."""
    shares = [
        100.0 * ((busy_after[cpu] - busy_before[cpu]) - used) / wall
        for cpu, used in own.items()
        if cpu in busy_before and cpu in busy_after
    ]
    return max(0.0, *shares) if shares and wall > 0 else None


def usable_cpus() -> set[int]:
    """The CPUs this process may run on (what taskset can pin to)."""
    return set(os.sched_getaffinity(0))
