"""Timing and memory helpers: a child process watched for its peak RSS, medians of runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import psutil

ROOT = Path(__file__).resolve().parent.parent


def tree_rss(proc: psutil.Process) -> int:
    """RSS in bytes of a process and all its descendants (those still alive)."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def tree_hwm(proc: psutil.Process) -> int:
    """Sum in bytes of the high-water RSS (VmHWM) of a process and its live descendants.

    Not `wait4()`'s ru_maxrss: Linux carries the parent's peak over fork and exec into the
    child's, so a child of this bench (which holds the national data in memory) reported the
    bench's own 894 MB for a 230 MB load. VmHWM belongs to the process image since its exec."""
    total = 0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            with open(f"/proc/{p.pid}/status") as fh:
                total += next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM:"))
        except (OSError, StopIteration, psutil.Error):
            pass
    return total


@dataclass
class ChildRun:
    returncode: int
    seconds: float
    peak_rss: int  # bytes: the larger of the two samplings below
    peak_hwm_polled: int  # bytes, VmHWM of the tree, sampled every 50 ms (misses at most the last 50 ms)
    peak_rss_polled: int  # bytes, RSS summed over the tree, sampled every 50 ms
    stdout: str
    stderr: str


def run_child(args: list[str], env: dict | None = None, timeout: float = 1800, cwd: Path = ROOT) -> ChildRun:
    """Run `python args...` from the repository root; wall time and peak memory of the child."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_child_{os.getpid()}_{time.monotonic_ns()}"
    with open(str(out_path) + ".out", "w+") as out, open(str(out_path) + ".err", "w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, stdout=out, stderr=err)
        ps = psutil.Process(proc.pid)
        peak = hwm = 0
        status = None
        while True:
            try:  # before wait4: a process reaped has no /proc entry left
                hwm = max(hwm, tree_hwm(ps))
                peak = max(peak, tree_rss(ps))
            except psutil.Error:
                pass
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - t0 > timeout:
                proc.kill()
                _, status, _ = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    for suffix in (".out", ".err"):
        Path(str(out_path) + suffix).unlink(missing_ok=True)
    return ChildRun(proc.returncode, seconds, max(hwm, peak), hwm, peak, stdout, stderr)


def timed(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def median_time(fn: Callable[[], object], runs: int = 5, warmup: int = 1, budget: float = 10.0) -> tuple[float, list[float]]:
    """Median wall time of `runs` calls after `warmup` calls; fewer runs when a call is slow,
    so one heavy query cannot eat the whole time budget (at least 3 runs are kept)."""
    for _ in range(warmup):
        timed(fn)
    times: list[float] = []
    spent = 0.0
    for i in range(runs):
        t = timed(fn)
        times.append(t)
        spent += t
        if i >= 2 and spent > budget:
            break
    return statistics.median(times), times


class RssSampler:
    """Peak RSS of a process tree, sampled in a background thread."""

    def __init__(self, pid: int, period: float = 0.05):
        self.proc = psutil.Process(pid)
        self.period = period
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, tree_rss(self.proc))
            except psutil.Error:
                return
            self._stop.wait(self.period)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def _busy_cpu_seconds() -> float | None:
    """CPU seconds spent busy by the whole machine since boot (all cores), from /proc/stat."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (int(v) for v in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _own_cpu_seconds() -> float:
    import resource

    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        ru = resource.getrusage(who)
        total += ru.ru_utime + ru.ru_stime
    return total


class OtherLoad:
    """How busy the machine was with work that is not the bench's (other users' tests...):
    the machine's busy CPU time minus ours, as an average number of cores."""

    def __init__(self):
        self.t0, self.busy0, self.own0 = time.perf_counter(), _busy_cpu_seconds(), _own_cpu_seconds()

    def cores(self, also_ours: float = 0.0) -> float | None:
        """`also_ours`: CPU seconds of our descendants that the kernel does not count as ours."""
        busy = _busy_cpu_seconds()
        if busy is None or self.busy0 is None:
            return None
        elapsed = time.perf_counter() - self.t0
        other = (busy - self.busy0) - (_own_cpu_seconds() - self.own0) - also_ours
        return max(0.0, other / elapsed) if elapsed > 0 else None
