"""Freehold benchmark: the same load straight to a mock upstream and through each gateway, in one run.

    .venv/bin/python bench/run.py              # 3 rounds, ~12 min
    .venv/bin/python bench/run.py --quick      # 1 round, short tests, ~3 min
    .venv/bin/python bench/run.py --targets direct,freehold,freehold-granian,freehold-httpx --skip-slow

Targets (run.py always talks to 127.0.0.1 only and stops only the processes it started, by
process group id):
  direct            load generator -> mock upstream (the ceiling for every gateway row)
  freehold          `freehold serve` (uvicorn + httptools + uvloop, aiohttp client), master key set
  ref               the 74-line aiohttp reverse proxy of the peer harness (bench/ref_proxy.py)
  freehold-granian  the same app under Granian (ASGI interface, uvloop, single-threaded runtime)
  freehold-httpx    the same app with a throwaway httpx-based provider (bench/variants/httpx_gateway.py)

CPU layout as in the peer harness: every gateway is pinned to CPU 1 (`taskset -c 1`, one worker
process); wrk, loadgen.py, the mocks and this script share CPU 0.

Tests, per target and round (rounds interleave the targets so drift hits all alike):
  1. max throughput, closed loop: `wrk -t1 -cN` for N in --conns, non-streaming (573 B JSON) and
     streaming (51 SSE events, 11.6 KB); requests/s, wrk p50/p99, gateway CPU ms per request.
  2. fixed offered rate, open loop (loadgen.py --rate): 100 req/s by default; TTFB (first body
     byte, i.e. the first event of a stream) and total time from each request's scheduled send
     time, gateway CPU ms per request (utime+stime of its process group from /proc).
  3. slow upstream: --slow-clients streaming clients at once, each on its own connection, each
     sending 2 streams back to back (200 ms to the first event, ~1 s per stream); success,
     TTFB/total percentiles, gateway peak RSS (VmRSS summed over its process group, sampled
     every 0.1 s).
Results: printed as markdown tables and written to bench/results/<UTC stamp>/{raw.json,summary.md}.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PY = sys.executable
LOAD_CPU, GW_CPU = "0", "1"
HOST = "127.0.0.1"
PORT_GW = 19100
FAST = (19001, 19002)  # fast mock: JSON port, SSE port
SLOW = {  # name -> (ports, mock arguments); both streams end ~1.0 s after the request
    "slow50": ((19011, 19012), ["--ttfb-ms", "200", "--interval-ms", "50", "--events", "17"]),
    "slow20": ((19021, 19022), ["--ttfb-ms", "200", "--interval-ms", "20", "--events", "41"]),
}
API_KEY = "sk-bench-4f1c2a9e7b3d4c8a9e0f1a2b3c4d5e6f"  # benchmark-only key
PATH = "/v1/chat/completions"
HZ = os.sysconf("SC_CLK_TCK")
sleep = time.sleep  # noqa: TID251 - this orchestrator is synchronous, there is no event loop to block

FREEHOLD_YAML = """\
# Rendered by bench/run.py: one alias per mock endpoint.
aliases:
  mock:
    deployments: [{provider: openai, model: gpt-4o-mini, api_base: "http://127.0.0.1:@JSON@/v1"}]
  mock-stream:
    deployments: [{provider: openai, model: gpt-4o-mini, api_base: "http://127.0.0.1:@SSE@/v1"}]
  slow50:
    deployments: [{provider: openai, model: gpt-4o-mini, api_base: "http://127.0.0.1:@SLOW50@/v1"}]
  slow20:
    deployments: [{provider: openai, model: gpt-4o-mini, api_base: "http://127.0.0.1:@SLOW20@/v1"}]
"""

FREEHOLD_ENV = {"FREEHOLD_LOG_LEVEL": "warning", "FREEHOLD_MASTER_KEY": API_KEY, "FREEHOLD_STATE_DIR": "@RUN@/state"}
TARGETS: dict[str, dict[str, Any]] = {
    "direct": {"label": "(a) direct: load -> mock"},
    "freehold": {
        "label": "(b) Freehold (uvicorn, aiohttp client)",
        "cmd": f"{ROOT}/.venv/bin/freehold serve --config @RUN@/freehold.yaml --port @PORT@",
        "env": FREEHOLD_ENV,
    },
    "freehold-base": {
        "label": "(b0) Freehold at --base-src (A/B)",
        "cmd": f"{ROOT}/.venv/bin/freehold serve --config @RUN@/freehold.yaml --port @PORT@",
        "env": FREEHOLD_ENV,
    },
    "ref": {
        "label": "(r) reference aiohttp proxy",
        "cmd": f"{PY} {HERE}/ref_proxy.py --port @PORT@ --route mock=http://127.0.0.1:@JSON@ "
        "--route mock-stream=http://127.0.0.1:@SSE@ --route slow50=http://127.0.0.1:@SLOW50@ "
        "--route slow20=http://127.0.0.1:@SLOW20@",
    },
    "freehold-granian": {
        "label": "(b') Freehold under Granian",
        "cmd": f"{ROOT}/.venv/bin/granian --interface asgi --loop uvloop --workers 1 --runtime-mode st --no-ws "
        "--log-level warning --backlog 4096 --host 127.0.0.1 --port @PORT@ --factory freehold.worker:create_worker_app",
        "env": {**FREEHOLD_ENV, "FREEHOLD_CONFIG": "@RUN@/freehold.yaml"},
    },
    "freehold-httpx": {
        "label": "(b'') Freehold, httpx client",
        "cmd": f"{PY} {HERE}/variants/httpx_gateway.py --config @RUN@/freehold.yaml --port @PORT@",
        "env": FREEHOLD_ENV,
    },
}

PROCS: list[Proc] = []


def log(*parts: object) -> None:
    print(time.strftime("%H:%M:%S"), *parts, file=sys.stderr, flush=True)


# ------------------------------------------------------------------------------ processes
class Proc:
    """A process started in its own session; ``stop`` signals that process group by id."""

    def __init__(self, name: str, argv: list[str], logfile: Path, env: dict[str, str] | None = None) -> None:
        self.name = name
        self.logf = open(logfile, "w")  # closed in stop()
        self.p = subprocess.Popen(
            argv, stdout=self.logf, stderr=subprocess.STDOUT, env=env, start_new_session=True, stdin=subprocess.DEVNULL
        )
        self.pid = self.p.pid
        PROCS.append(self)

    def group_pids(self) -> list[int]:
        pids = []
        for d in os.listdir("/proc"):
            if d.isdigit():
                try:
                    st = Path(f"/proc/{d}/stat").read_text()
                    if int(st[st.rindex(")") + 2 :].split()[2]) == self.pid:  # field 5: process group
                        pids.append(int(d))
                except (OSError, ValueError):
                    pass
        return pids

    def rss_kb(self, pids: list[int] | None = None) -> int:
        total = 0
        for pid in self.group_pids() if pids is None else pids:
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            except OSError:
                pass
        return total

    def cpu_ticks(self) -> int:
        """utime+stime of the process group, in clock ticks."""
        total = 0
        for pid in self.group_pids():
            try:
                st = Path(f"/proc/{pid}/stat").read_text()
                fields = st[st.rindex(")") + 2 :].split()
                total += int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                pass
        return total

    def settle(self, max_s: float = 30.0) -> float:
        """Wait until the process is idle (< 10 % CPU over 0.5 s): nothing left queued from the last test."""
        t0 = time.monotonic()
        while time.monotonic() - t0 < max_s:
            c1 = self.cpu_ticks()
            sleep(0.5)
            if self.cpu_ticks() - c1 <= 0.05 * HZ:
                break
        return round(time.monotonic() - t0, 1)

    def alive(self) -> bool:
        return self.p.poll() is None

    def stop(self) -> None:
        if self in PROCS:
            PROCS.remove(self)
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self.group_pids():
                try:
                    self.p.wait(0.1)
                except subprocess.TimeoutExpired:
                    pass
            if not self.group_pids():
                break
        self.p.wait(5)
        self.logf.close()


def stop_all() -> None:
    for p in list(PROCS):
        try:
            p.stop()
        except Exception as exc:  # keep stopping the others
            log("stop failed", p.name, exc)


class RssSampler:
    """Peak summed VmRSS of a process group since ``reset``, sampled every 0.1 s."""

    def __init__(self, proc: Proc) -> None:
        self.proc = proc
        self.peak = 0
        self._pids = proc.group_pids()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        n = 0
        while not self._stop.wait(0.1):
            n += 1
            if n % 20 == 0:
                self._pids = self.proc.group_pids()
            self.peak = max(self.peak, self.proc.rss_kb(self._pids))

    def reset(self) -> None:
        self.peak = self.proc.rss_kb(self._pids)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------ helpers
def post_once(port: int, body: Path, stream: bool) -> bool:
    req = urllib.request.Request(
        f"http://{HOST}:{port}{PATH}",
        data=body.read_bytes(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {API_KEY}"},
    )
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            data = resp.read()
            return resp.status == 200 and (not stream or b"[DONE]" in data)
    except (OSError, urllib.error.URLError):
        return False


def wait_ready(port: int, bodies: list[tuple[Path, bool]], timeout: float, proc: Proc | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and not proc.alive():
            raise RuntimeError(f"{proc.name} exited during start-up; see its log")
        if all(post_once(port, b, s) for b, s in bodies):
            return
        sleep(0.2)
    raise RuntimeError(f"nothing ready on port {port} after {timeout}s")


def run_wrk(port: int, body: Path, conns: int, duration: float, api_key: str = API_KEY) -> dict[str, Any]:
    env = dict(os.environ, WRK_BODY_FILE=str(body), WRK_API_KEY=api_key)
    argv = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{conns}", f"-d{max(1, round(duration))}s", "--timeout", "10s"]
    argv += ["-s", str(HERE / "wrk_post.lua"), f"http://{HOST}:{port}{PATH}"]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        return {"error": (out.stdout + out.stderr)[-300:]}
    d: dict[str, Any] = json.loads(line[8:])
    d["errors"] = sum(d[k] for k in ("err_connect", "err_read", "err_write", "err_timeout", "err_status"))
    d["ok"] = d["requests"] - d["err_status"]
    d["rps"] = round(d["ok"] / d["duration_s"], 1)
    return d


def run_loadgen(port: int, body: Path, stream: bool, extra: list[Any], timeout: float) -> dict[str, Any]:
    argv = ["taskset", "-c", LOAD_CPU, PY, str(HERE / "loadgen.py"), "--port", str(port), "--body", str(body)]
    argv += ["--api-key", API_KEY] + (["--stream"] if stream else []) + [str(x) for x in extra]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    try:
        result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
        return result
    except (IndexError, ValueError):
        return {"error": (out.stdout + out.stderr)[-300:]}


def render(text: str, subs: dict[str, Any]) -> str:
    for key, value in subs.items():
        text = text.replace(f"@{key}@", str(value))
    return text


def med(values: list[Any]) -> float | None:
    nums = [v for v in values if isinstance(v, int | float)]
    return statistics.median(nums) if nums else None


def fmt(x: float | None, nd: int = 0) -> str:
    return "–" if x is None else f"{x:,.{nd}f}"


# ------------------------------------------------------------------------------ the run
class Bench:
    def __init__(self, a: argparse.Namespace) -> None:
        self.a = a
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
        self.out = Path(a.out) if a.out else HERE / "results" / stamp
        self.out.mkdir(parents=True, exist_ok=True)
        self.stamp = stamp
        self.data: dict[str, Any] = {"stamp": stamp, "args": vars(a), "versions": versions(a.src), "rounds": []}
        self.bodies = self._bodies()

    def _bodies(self) -> dict[str, Path]:
        """Request bodies per model: the peer harness's 1.5 KB payloads, renamed for the slow aliases."""
        src = {"json": HERE / "payloads" / "request.json", "sse": HERE / "payloads" / "request-stream.json"}
        bodies = dict(src)
        for name in SLOW:
            data = json.loads(src["sse"].read_bytes())
            data["model"] = name
            bodies[name] = self.out / f"request-{name}.json"
            bodies[name].write_bytes(json.dumps(data, separators=(",", ":")).encode())
        return bodies

    def start_mocks(self) -> None:
        mock = [PY, str(HERE / "mock_upstream.py")]
        specs = [("mock-fast", FAST, ["--chunked"] if self.a.chunked else [])]
        specs += [(f"mock-{n}", ports, args) for n, (ports, args) in SLOW.items()]
        for name, (jp, sp), args in specs:
            argv = ["taskset", "-c", LOAD_CPU, *mock, "--json-port", str(jp), "--sse-port", str(sp), *args]
            p = Proc(name, argv, self.out / f"{name}.log")
            wait_ready(sp, [(self.bodies["sse"], True)], 15, p)

    def ports(self, target: str) -> dict[str, int]:
        """Port the load generator sends each kind of request to."""
        if target == "direct":
            return {"json": FAST[0], "sse": FAST[1], **{n: ports[1] for n, (ports, _) in SLOW.items()}}
        return dict.fromkeys(("json", "sse", *SLOW), PORT_GW)

    def start_gateway(self, target: str, rnd: int) -> tuple[Proc | None, float]:
        spec = TARGETS[target]
        if "cmd" not in spec:
            return None, 0.0
        run = self.out / "run" / f"{target}-r{rnd}"
        run.mkdir(parents=True, exist_ok=True)
        subs = {"PORT": PORT_GW, "RUN": run, "JSON": FAST[0], "SSE": FAST[1]}
        subs |= {n.upper(): ports[1] for n, (ports, _) in SLOW.items()}
        (run / "freehold.yaml").write_text(render(FREEHOLD_YAML, subs))
        env = dict(os.environ, **{k: render(v, subs) for k, v in spec.get("env", {}).items()})
        if self.a.src and target != "ref":  # run Freehold from another source tree (e.g. a `git archive` snapshot)
            env["PYTHONPATH"] = self.a.src
        if target == "freehold-base":  # an older tree in the same run, for before/after comparisons
            if not self.a.base_src:
                raise SystemExit("target freehold-base needs --base-src DIR")
            env["PYTHONPATH"] = self.a.base_src
        argv = ["taskset", "-c", GW_CPU, *shlex.split(render(spec["cmd"], subs))]
        t0 = time.monotonic()
        proc = Proc(target, argv, run / "gateway.log", env=env)
        try:
            wait_ready(PORT_GW, [(self.bodies["json"], False), (self.bodies["sse"], True)], 30, proc)
        except Exception:
            proc.stop()
            raise
        return proc, round(time.monotonic() - t0, 2)

    def one(self, target: str, rnd: int) -> dict[str, Any]:
        a = self.a
        res: dict[str, Any] = {"target": target, "round": rnd, "wrk": {}, "rate": {}, "slow": {}}
        proc, res["startup_s"] = self.start_gateway(target, rnd)
        sampler = RssSampler(proc) if proc else None
        settle: Callable[[], float] = proc.settle if proc else (lambda: sleep(0.3) or 0.0)
        ports = self.ports(target)

        def cpu() -> int:
            return proc.cpu_ticks() if proc else 0

        try:
            if proc:
                sleep(0.5)
                res["rss_idle_kb"] = proc.rss_kb()
            for mode in ("json", "sse"):  # warm-up, not recorded
                run_wrk(ports[mode], self.bodies[mode], 16, a.warmup)
            settle()
            if sampler:
                sampler.reset()
            for mode in ("json", "sse"):
                for c in a.conns:
                    c0 = cpu()
                    r = run_wrk(ports[mode], self.bodies[mode], c, a.duration)
                    if proc and r.get("ok"):
                        r["gw_cpu_ms_per_req"] = round((cpu() - c0) * 1000 / HZ / r["ok"], 3)
                    r["settle_s"] = settle()
                    res["wrk"][f"{mode}/c{c}"] = r
                    lat = r.get("lat_ms", {})
                    log(f"  {target} r{rnd} {mode} c={c}: {fmt(r.get('rps'))} req/s, p50 {fmt(lat.get('p50'), 2)}"
                        f" p99 {fmt(lat.get('p99'), 2)} ms, cpu {r.get('gw_cpu_ms_per_req')} ms/req,"
                        f" err {r.get('errors')}")
            for mode in ("json", "sse"):
                for rate in a.rates:
                    c0 = cpu()
                    extra = ["--rate", rate, "--duration", a.rate_duration, "--max-conns", 256, "--timeout", 20]
                    r = run_loadgen(ports[mode], self.bodies[mode], mode == "sse", extra + ["--max-time", 60], 120)
                    if proc and r.get("ok"):
                        r["gw_cpu_ms_per_req"] = round((cpu() - c0) * 1000 / HZ / r["ok"], 3)
                    r["settle_s"] = settle()
                    res["rate"][f"{mode}/r{rate}"] = r
                    log(f"  {target} r{rnd} {mode} @{rate}/s: ok {r.get('ok')}/{r.get('sent')}, ttfb p50 "
                        f"{fmt(r.get('ttfb_ms', {}).get('p50'), 2)} p99 {fmt(r.get('ttfb_ms', {}).get('p99'), 2)} ms,"
                        f" cpu {r.get('gw_cpu_ms_per_req')} ms/req")
            if sampler:
                res["rss_peak_fast_kb"] = sampler.peak
            for name in a.slow:
                run_loadgen(ports[name], self.bodies[name], True, ["--concurrency", 16, "--timeout", 10], 60)
                settle()
                if sampler:
                    sampler.reset()
                rss0 = proc.rss_kb() if proc else None
                c0 = cpu()
                extra = ["--concurrency", a.slow_clients, "--per-client", 2, "--ramp", 0.5, "--timeout", 30]
                r = run_loadgen(ports[name], self.bodies[name], True, extra + ["--max-time", 45], 120)
                if proc and r.get("elapsed_s"):
                    r["gw_cpu_pct"] = round((cpu() - c0) * 100 / HZ / r["elapsed_s"], 1)
                r["rss_before_kb"] = rss0
                r["rss_peak_kb"] = sampler.peak if sampler else None
                r["settle_s"] = settle()
                res["slow"][name] = r
                log(f"  {target} r{rnd} {name} x{a.slow_clients}: success {r.get('success_rate')}, total p50/p99 "
                    f"{fmt(r.get('total_ms', {}).get('p50'))}/{fmt(r.get('total_ms', {}).get('p99'))} ms, "
                    f"rss peak {fmt((r['rss_peak_kb'] or 0) / 1024)} MiB, errors {r.get('errors')}")
        finally:
            if sampler:
                sampler.stop()
            if proc:
                proc.stop()
        return res

    def run(self) -> None:
        self.start_mocks()
        try:
            for rnd in range(1, self.a.rounds + 1):
                for target in self.a.targets:
                    log(f"round {rnd}/{self.a.rounds}: {target}")
                    self.data["rounds"].append(self.one(target, rnd))
                    (self.out / "raw.json").write_text(json.dumps(self.data, indent=1))
        finally:
            stop_all()
        text = summarize(self.data)
        (self.out / "summary.md").write_text(text)
        print(text)
        log(f"results in {self.out}")


# ------------------------------------------------------------------------------ report
def versions(src: str | None = None) -> dict[str, str]:
    def sh(cmd: str) -> str:
        try:
            out = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30)
            return ((out.stdout + out.stderr).strip().splitlines() or ["?"])[0]
        except Exception as exc:  # a missing tool is reported, not fatal
            return f"? ({exc})"

    mods = "freehold uvicorn granian starlette aiohttp httpx uvloop httptools orjson msgspec".split()
    code = "import importlib.metadata as m\nfor n in %r:\n    print(n, m.version(n))" % mods  # noqa: UP031
    pkgs = subprocess.run([PY, "-c", code], capture_output=True, text=True).stdout.split("\n")
    return {
        "cpu": sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip(),
        "nproc": str(os.cpu_count()),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "wrk": sh("wrk -v 2>&1 | head -1"),
        "packages": ", ".join(p for p in pkgs if p),
        "freehold commit": sh(f"git -C {ROOT} rev-parse --short HEAD") + (
            " + uncommitted changes" if sh(f"git -C {ROOT} status --porcelain src | head -1") not in ("", "?") else ""
        ),
        "freehold source": src or str(ROOT / "src"),
    }


def summarize(data: dict[str, Any]) -> str:
    a = argparse.Namespace(**data["args"])
    rounds: dict[str, list[dict[str, Any]]] = {}
    for r in data["rounds"]:
        rounds.setdefault(r["target"], []).append(r)
    names = [t for t in a.targets if t in rounds]
    L = [f"Run {data['stamp']}: {a.rounds} round(s), wrk tests {a.duration} s, fixed-rate tests {a.rate_duration} s;"
         " every cell is the median over rounds (min–max for throughput).", ""]

    def wrk_cells(t: str, mode: str, c: int, key: str) -> list[Any]:
        return [r["wrk"].get(f"{mode}/c{c}", {}).get(key) for r in rounds[t]]

    def best(t: str, mode: str) -> float | None:
        """Max over concurrencies of the median requests/s."""
        return max((med(wrk_cells(t, mode, c, "rps")) or 0 for c in a.conns), default=None)

    for mode, title in (("json", "Non-streaming (573 B answer)"), ("sse", "Streaming (51 SSE events, 11.6 KB)")):
        L += [f"### {title}: max throughput, closed loop (wrk -t1), requests/s", ""]
        cols = " | ".join(f"c={c}" for c in a.conns)
        L.append(f"| target | {cols} | p50 / p99 ms @c=64 | gw CPU ms/req @c=64 | errors |")
        L.append("|---" * (len(a.conns) + 4) + "|")
        for t in names:
            cells = []
            for c in a.conns:
                v = [x for x in wrk_cells(t, mode, c, "rps") if x is not None]
                cells.append(f"{fmt(med(v))} ({fmt(min(v))}–{fmt(max(v))})" if v else "–")
            lat = [r["wrk"].get(f"{mode}/c64", {}).get("lat_ms", {}) for r in rounds[t]]
            errs = sum(x or 0 for c in a.conns for x in wrk_cells(t, mode, c, "errors"))
            L.append(f"| {TARGETS[t]['label']} | " + " | ".join(cells)
                     + f" | {fmt(med([x.get('p50') for x in lat]), 2)} / {fmt(med([x.get('p99') for x in lat]), 2)}"
                     + f" | {fmt(med(wrk_cells(t, mode, 64, 'gw_cpu_ms_per_req')), 3)} | {errs} |")
        L.append("")
    for mode, title in (("json", "Non-streaming"), ("sse", "Streaming")):
        L += [f"### {title}: fixed offered rate (open loop), ms from the scheduled send time", ""]
        L.append("| target | rate/s | achieved/s | TTFB p50 | TTFB p99 | total p50 | total p99 | failed "
                 "| gw CPU ms/req |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        for t in names:
            for rate in a.rates:
                rs = [r["rate"].get(f"{mode}/r{rate}", {}) for r in rounds[t]]
                rs = [x for x in rs if "ttfb_ms" in x]
                if not rs:
                    continue

                def q(k: str, p: str, rs: list[dict[str, Any]] = rs) -> str:
                    return fmt(med([x[k].get(p) for x in rs]), 2)

                L.append(f"| {TARGETS[t]['label']} | {rate} | {fmt(med([x.get('achieved_rps') for x in rs]))} | "
                         f"{q('ttfb_ms', 'p50')} | {q('ttfb_ms', 'p99')} | {q('total_ms', 'p50')} | "
                         f"{q('total_ms', 'p99')} | {sum(x['sent'] - x['ok'] for x in rs)} | "
                         f"{fmt(med([x.get('gw_cpu_ms_per_req') for x in rs]), 3)} |")
        L.append("")
    for name in a.slow:
        ((_, _), args) = SLOW[name]
        L += [f"### Slow upstream {name} (first event after 200 ms, then one every {args[3]} ms, ~1 s per stream): "
              f"{a.slow_clients} concurrent clients x 2 streams, ramp 0.5 s", ""]
        L.append("| target | success | failed (all rounds) | TTFB p50 | TTFB p99 | total p50 | total p99 | total max | "
                 "gw CPU % | gw RSS before → peak MiB |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for t in names:
            rs = [r["slow"].get(name, {}) for r in rounds[t]]
            rs = [x for x in rs if "ttfb_ms" in x]
            if not rs:
                continue

            def s(k: str, p: str, rs: list[dict[str, Any]] = rs) -> str:
                return fmt(med([x[k].get(p) for x in rs]))

            rss = "–" if t == "direct" else (f"{fmt(med([x['rss_before_kb'] for x in rs]) / 1024)} → "  # type: ignore[operator]
                                             f"{fmt(max(x['rss_peak_kb'] for x in rs) / 1024)}")
            L.append(f"| {TARGETS[t]['label']} | {fmt(med([x['success_rate'] for x in rs]), 4)} | "
                     f"{sum(x['sent'] - x['ok'] + x['errors'].get('not_completed', 0) for x in rs)} | "
                     f"{s('ttfb_ms', 'p50')} | {s('ttfb_ms', 'p99')} | {s('total_ms', 'p50')} | "
                     f"{s('total_ms', 'p99')} | "
                     f"{s('total_ms', 'max')} | {fmt(med([x.get('gw_cpu_pct') for x in rs]))} | {rss} |")
        L.append("")
    L += ["### Gateway process", "", "| target | start-up s | RSS idle MiB | peak RSS MiB, fast tests |"]
    L.append("|---|---|---|---|")
    for t in names:
        if t == "direct":
            continue
        rs = rounds[t]
        L.append(f"| {TARGETS[t]['label']} | {fmt(med([r['startup_s'] for r in rs]), 1)} | "
                 f"{fmt((med([r.get('rss_idle_kb') for r in rs]) or 0) / 1024)} | "
                 f"{fmt(max(r.get('rss_peak_fast_kb') or 0 for r in rs) / 1024)} |")
    L.append("")
    # Ratios: every gateway over direct (a) and over the reference proxy, from the medians above.
    gws = [t for t in names if t != "direct"]
    if gws:
        def rate_q(t: str, mode: str, k: str, p: str) -> float | None:
            rs = [r["rate"].get(f"{mode}/r100", {}) for r in rounds.get(t, [])]
            return med([x[k].get(p) for x in rs if k in x])

        def rate_cpu(t: str, mode: str) -> float | None:
            return med([r["rate"].get(f"{mode}/r100", {}).get("gw_cpu_ms_per_req") for r in rounds.get(t, [])])

        def slow_q(t: str, k: str, p: str | None = None) -> float | None:
            rs = [r["slow"].get(a.slow[0], {}) for r in rounds.get(t, [])] if a.slow else []
            if p is None:
                return med([x.get(k) for x in rs])
            return med([x[k].get(p) for x in rs if k in x])

        metrics: list[tuple[str, Callable[[str], float | None], int]] = [
            ("max non-stream req/s", lambda t: best(t, "json"), 0),
            ("max streams/s", lambda t: best(t, "sse"), 0),
            ("gw CPU ms/req, non-stream @100/s", lambda t: rate_cpu(t, "json"), 3),
            ("gw CPU ms/stream @100/s", lambda t: rate_cpu(t, "sse"), 3),
            ("non-stream TTFB p50 @100/s, ms", lambda t: rate_q(t, "json", "ttfb_ms", "p50"), 2),
            ("non-stream TTFB p99 @100/s, ms", lambda t: rate_q(t, "json", "ttfb_ms", "p99"), 2),
            ("stream TTFB p50 @100/s, ms", lambda t: rate_q(t, "sse", "ttfb_ms", "p50"), 2),
            ("stream TTFB p99 @100/s, ms", lambda t: rate_q(t, "sse", "ttfb_ms", "p99"), 2),
        ]
        if a.slow:
            metrics += [
                (f"{a.slow[0]}: success rate", lambda t: slow_q(t, "success_rate"), 4),
                (f"{a.slow[0]}: total p99, ms", lambda t: slow_q(t, "total_ms", "p99"), 0),
                (f"{a.slow[0]}: peak RSS, MiB", lambda t: (slow_q(t, "rss_peak_kb") or 0) / 1024 or None, 0),
            ]
        has_ref = "ref" in names
        L += ["### Summary and ratios (medians over rounds)", ""]
        head = "| metric | (a) direct | " + " | ".join(TARGETS[t]["label"] for t in gws)
        head += " | " + " | ".join(f"{t} / direct" for t in gws if t != "ref")
        head += (" | " + " | ".join(f"{t} / ref" for t in gws if t != "ref")) if has_ref else ""
        L.append(head + " |")
        L.append("|---" * (head.count("|")) + "|")
        for label, fn, nd in metrics:
            vals = {t: fn(t) for t in names}
            row = f"| {label} | {fmt(vals.get('direct'), nd)} | " + " | ".join(fmt(vals[t], nd) for t in gws)
            d, ref = vals.get("direct"), vals.get("ref")
            row += " | " + " | ".join(
                fmt(vals[t] / d, 2) if vals[t] and d and "RSS" not in label and "CPU" not in label else "–"
                for t in gws if t != "ref")
            if has_ref:
                row += " | " + " | ".join(fmt(vals[t] / ref, 2) if vals[t] and ref else "–" for t in gws if t != "ref")
            L.append(row + " |")
        L.append("")
        L += ["Added latency over direct at 100 req/s (gateway minus direct, ms):", ""]
        for t in gws:
            parts = []
            for mode in ("json", "sse"):
                for p in ("p50", "p99"):
                    g, d = rate_q(t, mode, "ttfb_ms", p), rate_q("direct", mode, "ttfb_ms", p)
                    parts.append(f"{mode} TTFB {p} +{fmt(g - d, 2) if g is not None and d is not None else '–'}")
            L.append(f"* {TARGETS[t]['label']}: " + ", ".join(parts))
        L.append("")
    L += ["Versions: " + "; ".join(f"{k}: {v}" for k, v in data["versions"].items()), ""]
    return "\n".join(L)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="1 round, 2 s tests, 300 slow clients, slow50 only")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--targets", default="direct,ref,freehold", help=f"comma list of {', '.join(TARGETS)}")
    ap.add_argument("--conns", default="1,16,64,256")
    ap.add_argument("--rates", default="100")
    ap.add_argument("--duration", type=float, default=5.0, help="seconds per wrk test")
    ap.add_argument("--rate-duration", type=float, default=10.0, help="seconds per fixed-rate test")
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--slow", default="slow50,slow20", help="slow tests to run (slow50, slow20), or ''")
    ap.add_argument("--skip-slow", action="store_true")
    ap.add_argument("--slow-clients", type=int, default=1000)
    ap.add_argument("--chunked", action="store_true", help="fast mock sends SSE chunk-encoded, one chunk per event")
    ap.add_argument("--out", help="results folder (default bench/results/<UTC stamp>)")
    ap.add_argument("--src", help="PYTHONPATH for the Freehold targets (a source tree other than this checkout's)")
    ap.add_argument("--base-src", help="source tree of the freehold-base target (e.g. an older commit, git archive)")
    ap.add_argument("--report", help="reprint the summary of a results folder and exit")
    a = ap.parse_args()
    if a.report:
        print(summarize(json.loads((Path(a.report) / "raw.json").read_text())))
        return
    if a.quick:
        a.rounds, a.duration, a.rate_duration, a.warmup = 1, 2.0, 3.0, 1.0
        a.conns, a.slow, a.slow_clients = "16,64", "slow50", 300
    a.targets = [t for t in a.targets.split(",") if t]
    unknown = set(a.targets) - set(TARGETS)
    if unknown:
        sys.exit(f"unknown target(s): {', '.join(sorted(unknown))}")
    a.conns = [int(c) for c in a.conns.split(",")]
    a.rates = [int(r) for r in a.rates.split(",")]
    a.slow = [] if a.skip_slow else [s for s in a.slow.split(",") if s]
    for tool in ("wrk", "taskset"):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            sys.exit(f"{tool} is missing (apt-get install -y wrk util-linux)")
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: sys.exit(130))
    Bench(a).run()


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
