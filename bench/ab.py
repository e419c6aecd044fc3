"""Interleaved A/B of two Freehold source trees: gateway CPU per request at saturation.

    git archive <old commit> src | tar -x -C /tmp/fh-base
    .venv/bin/python bench/ab.py --base-src /tmp/fh-base/src --rounds 6

``run.py``'s max-throughput tables move ±20 % between minutes on a shared VM; a paired A/B is
the finer instrument for "did this change make the hot path slower". Both gateways run at once
on CPU 1 (on different ports, only one under load at a time); each round sends the same wrk
load (closed loop, ``--conns`` connections, non-streaming and streaming) to A and to B in an
order that alternates per round, and reads each gateway's CPU time from ``/proc``. The figure
is CPU microseconds per request (lower is better) and its paired difference B − A per round.

``--virtual-key-b`` sends B's load with a virtual key that has a budget and rate limits (made
through B's admin API once it is up), to price governance against the master-key path:

    .venv/bin/python bench/ab.py --base-src src --src src --virtual-key-b

``--yaml-b FILE`` renders B's gateway file from FILE instead of run.py's (same ``@JSON@``/``@SSE@``
placeholders), to price a feature that the file turns on (e.g. bench/cache-hit.yaml):

    .venv/bin/python bench/ab.py --base-src src --src src --yaml-b bench/cache-hit.yaml
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # bench/ is a folder of scripts, not a package

PORTS = {"A": 19110, "B": 19111}


def start(
    name: str, src: str | None, port: int, out: Path, env_extra: dict[str, str], yaml: str = bench.FREEHOLD_YAML
) -> bench.Proc:
    run = out / name
    run.mkdir(parents=True, exist_ok=True)
    subs = {"PORT": port, "RUN": run, "JSON": bench.FAST[0], "SSE": bench.FAST[1]}
    subs |= {n.upper(): ports[1] for n, (ports, _) in bench.SLOW.items()}
    (run / "freehold.yaml").write_text(bench.render(yaml, subs))
    env = dict(os.environ, **bench.FREEHOLD_ENV, **env_extra)
    env["FREEHOLD_STATE_DIR"] = str(run / "state")  # the gateway's own embedded database
    if src:
        env["PYTHONPATH"] = src
    argv = ["taskset", "-c", bench.GW_CPU, *shlex.split(bench.render(bench.TARGETS["freehold"]["cmd"], subs))]
    proc = bench.Proc(name, argv, run / "gateway.log", env=env)
    body = bench.HERE / "payloads"
    bench.wait_ready(port, [(body / "request.json", False), (body / "request-stream.json", True)], 30, proc)
    return proc


def virtual_key(port: int) -> str:
    """A key with a budget and rate limits that the benchmark's load never reaches: every check runs."""
    body = {
        "name": "bench",
        "budget": {"usd": "1000000", "period": "monthly"},
        "rpm": 100_000_000,
        "tpm": 1_000_000_000,
    }
    request = urllib.request.Request(
        f"http://{bench.HOST}:{port}/admin/keys",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {bench.API_KEY}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        key: str = json.load(response)["key"]
    return key


def measure(
    proc: bench.Proc, port: int, body: Path, conns: int, duration: float, api_key: str = bench.API_KEY
) -> float | None:
    proc.settle()
    c0 = proc.cpu_ticks()
    r = bench.run_wrk(port, body, conns, duration, api_key)
    if not r.get("ok") or r.get("errors"):
        bench.log("  wrk failed or saw errors:", r)
        return None
    return (proc.cpu_ticks() - c0) * 1e6 / bench.HZ / r["ok"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base-src", required=True, help="source tree A (e.g. a git archive of an older commit)")
    ap.add_argument("--src", help="source tree B (default: this checkout's installed package)")
    ap.add_argument("--env-a", action="append", default=[], help="extra KEY=VALUE for gateway A only")
    ap.add_argument("--env-b", action="append", default=[], help="extra KEY=VALUE for gateway B only")
    ap.add_argument("--virtual-key-b", action="store_true", help="B's load uses a virtual key with budget and limits")
    ap.add_argument("--yaml-b", help="B's gateway file template (default: run.py's)")
    ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--duration", type=float, default=5.0)
    ap.add_argument("--out", default=str(bench.HERE / "results" / "ab"))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    env_a = dict(kv.split("=", 1) for kv in a.env_a)
    env_b = dict(kv.split("=", 1) for kv in a.env_b)
    yaml_b = Path(a.yaml_b).read_text() if a.yaml_b else bench.FREEHOLD_YAML
    payloads = bench.HERE / "payloads"
    modes = {"json": payloads / "request.json", "sse": payloads / "request-stream.json"}
    results: dict[str, dict[str, list[float]]] = {m: {"A": [], "B": []} for m in modes}
    try:
        mock = [bench.PY, str(bench.HERE / "mock_upstream.py"), "--json-port", str(bench.FAST[0])]
        argv = ["taskset", "-c", bench.LOAD_CPU, *mock, "--sse-port", str(bench.FAST[1])]
        m = bench.Proc("mock", argv, out / "mock.log")
        bench.wait_ready(bench.FAST[1], [(modes["sse"], True)], 15, m)
        procs = {
            "A": start("A", a.base_src, PORTS["A"], out, env_a),
            "B": start("B", a.src, PORTS["B"], out, env_b, yaml_b),
        }
        keys = {"A": bench.API_KEY, "B": virtual_key(PORTS["B"]) if a.virtual_key_b else bench.API_KEY}
        for name in procs:  # warm-up, not recorded
            for body in modes.values():
                bench.run_wrk(PORTS[name], body, a.conns, 2, keys[name])
        for rnd in range(a.rounds):
            order = ("A", "B") if rnd % 2 == 0 else ("B", "A")
            for mode, body in modes.items():
                row = {}
                for name in order:
                    us = measure(procs[name], PORTS[name], body, a.conns, a.duration, keys[name])
                    if us is not None:
                        results[mode][name].append(us)
                        row[name] = us
                shown = ", ".join(f"{k} {v:.0f} us/req" for k, v in sorted(row.items()))
                bench.log(f"round {rnd + 1} {mode}: {shown}")
    finally:
        bench.stop_all()
    b = f"{a.src or 'installed'} {env_b or ''} {a.yaml_b or ''}"
    b += (" with a virtual key (budget + limits)" if a.virtual_key_b else "")
    print(f"\nCPU us/request at c={a.conns} (A = {a.base_src} {env_a or ''}, B = {b})")
    print("| mode | A median | B median | B - A per round | median diff |")
    print("|---|---|---|---|---|")
    for mode, r in results.items():
        diffs = [b - x for x, b in zip(r["A"], r["B"], strict=False)]
        if not diffs:
            continue
        print(f"| {mode} | {statistics.median(r['A']):.0f} | {statistics.median(r['B']):.0f} | "
              f"{', '.join(f'{d:+.0f}' for d in diffs)} | {statistics.median(diffs):+.0f} |")


if __name__ == "__main__":
    main()
