"""Where a streaming turn's CPU goes: py-spy samples the web process and the worker while the
benchmark's streaming-LLM load runs, then prints the modules and functions that hold the most
samples (each sample counted once per module on its stack, and once for its leaf function).

    .venv/bin/python bench/profile_streaming.py [--clients 100] [--messages 3] [--secs 15]

py-spy comes with the bench extras (`pip install -e '.[bench]'`) and needs ptrace rights (root
or CAP_SYS_PTRACE).
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import streaming_llm, streaming_system  # noqa: E402


def sample(pid: int, secs: int, out: Path) -> None:
    py_spy = Path(sys.executable).with_name("py-spy")
    subprocess.run(
        [
            str(py_spy),
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(secs),
            "--rate",
            "200",
            "--format",
            "raw",
            "--gil",
            "--nonblocking",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )


def summary(raw: Path, top: int) -> list[str]:
    """Collapsed stacks ("frame;frame;… count") → the busiest modules and leaf functions."""
    modules: collections.Counter[str] = collections.Counter()
    leaves: collections.Counter[str] = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        count = int(count_text)
        frames = stack.split(";")
        total += count
        seen = {_module(frame) for frame in frames}
        for module in seen:
            modules[module] += count
        leaves[frames[-1].split(" (")[0] + " " + _module(frames[-1])] += count
    lines = [f"  {total} samples; modules on the stack:"]
    lines += [f"    {n * 100 / total:5.1f} %  {name}" for name, n in modules.most_common(top)]
    lines.append("  leaf functions:")
    lines += [f"    {n * 100 / total:5.1f} %  {name}" for name, n in leaves.most_common(top)]
    return lines


def _module(frame: str) -> str:
    """A frame "function (path/to/module.py:12)" → the package it belongs to."""
    path = frame.rpartition("(")[2].split(":")[0]
    for marker in ("site-packages/", "lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    else:
        path = path.replace(str(ROOT) + "/", "")
    parts = path.split("/")
    return "/".join(parts[:2]) if parts[0] in ("chat", "agents", "easy_islanders") else parts[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--messages", type=int, default=3)
    parser.add_argument("--secs", type=int, default=15)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    with streaming_system("profile") as (system, token):
        pids = {"web": system.webs[0][0].popen.pid, "worker": system.workers[0].popen.pid}
        raws = {name: system.log_dir / f"{name}.raw" for name in pids}
        samplers = [
            threading.Thread(target=sample, args=(pid, args.secs, raws[name]))
            for name, pid in pids.items()
        ]
        for sampler in samplers:
            sampler.start()
        level = streaming_llm(system, token, args.clients, args.messages)
        for sampler in samplers:
            sampler.join()
    print(
        f"{args.clients} clients, {args.messages} messages each: {level['messages_per_s']} msg/s, "
        f"CPU {level['cpu_ms_per_message']} ms per message, "
        f"final p50 {level['final_ms']['p50']} ms, "
        f"{level['errors']} errors {level['error_kinds']}, {level['streams_held_max']} streams "
        f"held at most, {level['frames_per_reply']} frames per reply"
    )
    for name, raw in raws.items():
        print(f"{name}:")
        print("\n".join(summary(raw, args.top)))


if __name__ == "__main__":
    main()
