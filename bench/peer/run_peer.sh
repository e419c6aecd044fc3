#!/usr/bin/env bash
# Runs the shared peer harness with Freehold added as gateway (e), on a fresh copy of it.
#   bench/peer/run_peer.sh                        # direct, reference proxy, Freehold; ~20 min
#   bench/peer/run_peer.sh --quick                # any run.py arguments are passed on
#   ONLY=direct,nginx,litellm,refproxy,freehold bench/peer/run_peer.sh
#   FREEHOLD_SRC=/tmp/snapshot/src bench/peer/run_peer.sh   # measure another source tree
# Needs nginx-light and wrk (apt) like the harness's setup.sh. Instead of setup.sh's venvs, the
# harness's .venv-bench is linked to this repository's .venv (same aiohttp/uvloop/httptools
# versions as the harness pins); LiteLLM is only installed if ONLY asks for it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=${PEER_BENCH:-/work/shared/peer-bench}
d=$(mktemp -d)
cp -r "$src" "$d"
cd "$d/peer-bench"
chmod -R u+w .
sed -e "s|@SRC@|${FREEHOLD_SRC:-$repo/src}|g" -e "s|@REPO@|$repo|g" "$here/gateway.toml" >> gateways.toml
cp "$here/freehold.yaml.tmpl" gateways/freehold.yaml.tmpl
only=${ONLY:-direct,refproxy,freehold}
if [[ ",$only," == *",litellm,"* ]]; then ./setup.sh; else ln -s "$repo/.venv" .venv-bench; fi
echo "peer harness copy: $d/peer-bench" >&2
python3 run.py --only "$only" "$@"
echo "results: $(ls -d "$d"/peer-bench/results/* | tail -1)" >&2
