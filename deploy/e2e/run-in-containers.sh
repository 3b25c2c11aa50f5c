#!/usr/bin/env bash
# End-to-end in containers (run by .ci/run): the cpu image on a podman network this script creates,
# run folders on podman volumes, containers addressed by headless-Service-shaped names
# (coordinator.orchestrator, orchestrator-worker-<i>.orchestrator, as deploy/k8s names the pods).
#
#   1. smoke: `orchestrator doctor --json` in the image;
#   2. cluster roles (when the image has `orchestrator coordinator` / `worker`): the embedded default run
#      with one coordinator and two worker containers to completion; then the same run with one worker
#      container killed (SIGKILL) mid-run and a replacement started under the same name, which must end
#      with a model.safetensors byte-identical to the first run's;
#   3. one container (always): the embedded default run (`orchestrator train`, two in-process workers) to
#      completion; then the same run with its container killed (SIGKILL) after the first committed
#      checkpoint and started again on the same volume, which must resume and end byte-identical.
#
# Results go to $E2E_RESULTS (default: stdout only) as lines "PASS name", "FAIL name: why" or
# "SKIP name: why"; figures (times) are printed. Skips only where podman cannot run containers, and
# reports part 2 as SKIP with the reason while the image lacks the cluster roles.
# Usage: deploy/e2e/run-in-containers.sh [--no-build]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
export CONTAINERS_CONF=${CONTAINERS_CONF:-$repo/deploy/images/containers.conf}
image=${E2E_IMAGE:-localhost/orchestrator:cpu}
results=${E2E_RESULTS:-/dev/null}
tag="orc-e2e-$$"
network="$tag-net"
failures=0

say() { echo "e2e: $*"; }
record() { echo "$*" >> "$results"; say "$*"; case "$*" in FAIL*) failures=$((failures + 1)) ;; esac; }
now() { date +%s.%N; }
seconds_since() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.1f", e - s }'; }

cleanup() {
  podman ps -a --filter "label=orc-e2e=$tag" -q | xargs -r podman rm -f -t 0 >/dev/null 2>&1
  podman volume ls --filter "label=orc-e2e=$tag" -q | xargs -r podman volume rm -f >/dev/null 2>&1
  podman network rm -f "$network" >/dev/null 2>&1
}
trap cleanup EXIT

# --- Can podman run containers here at all? ------------------------------------------------------
if ! command -v podman >/dev/null; then
  record "SKIP e2e-in-containers: podman is not installed (.ci/install-system-packages installs it)"; exit 0
fi
if ! "$repo/deploy/images/base.sh" bookworm >/tmp/$tag-base.log 2>&1; then
  cat /tmp/$tag-base.log
  record "FAIL e2e-base-image: deploy/images/base.sh bookworm failed"; exit 1
fi
if ! probe=$(podman run --rm --pull=never localhost/debian-base:bookworm true 2>&1); then
  record "SKIP e2e-in-containers: podman cannot run containers here: $probe"; exit 0
fi

if [ "${1:-}" != "--no-build" ]; then
  start=$(now)
  if ! "$repo/deploy/images/build.sh" cpu; then record "FAIL e2e-image-build: deploy/images/build.sh cpu failed"; exit 1; fi
  say "figure: cpu image built in $(seconds_since "$start") s"
fi

run() { podman run --pull=never --label "orc-e2e=$tag" "$@"; }
volume() { podman volume create --label "orc-e2e=$tag" "$tag-$1" >/dev/null && echo "$tag-$1"; }
mountpoint_of() { podman volume inspect "$1" --format '{{.Mountpoint}}'; }
model_hash() { sha256sum "$(mountpoint_of "$1")/default/model/model.safetensors" 2>/dev/null | cut -d' ' -f1; }
wait_exit() { podman wait "$1" 2>/dev/null | tail -1; }
train() { # train NAME VOLUME [extra podman args]: the embedded default run in one container, detached
  local name=$1 vol=$2; shift 2
  run -d --name "$tag-$name" --network "$network" --network-alias coordinator.orchestrator \
    -v "$vol:/runs" "$@" "$image" train --output /runs/default >/dev/null
}

# --- 1. Smoke --------------------------------------------------------------------------------------
if doctor=$(run --rm "$image" doctor --json 2>&1) && echo "$doctor" | python3 -c 'import json,sys; json.load(sys.stdin)' 2>/dev/null; then
  record "PASS e2e-smoke-doctor"
else
  echo "$doctor"; record "FAIL e2e-smoke-doctor: orchestrator doctor --json did not print JSON"
fi
podman network create --label "orc-e2e=$tag" "$network" >/dev/null

# --- 2. Cluster roles: coordinator + two worker containers -------------------------------------------
commands=$(run --rm "$image" --help 2>&1)
if [ "${E2E_CLUSTER:-1}" = 0 ]; then
  # The cluster roles run by default (CI included); E2E_CLUSTER=0 leaves them out of a quick local run.
  record "SKIP e2e-cluster-run: E2E_CLUSTER=0"
elif grep -qE '^\s+coordinator\b' <<<"$commands" && grep -qE '^\s+worker\b' <<<"$commands" \
   && grep -qE '^\s+cluster-cert\b' <<<"$commands"; then
  . "$here/cluster-run.sh"
else
  record "FAIL e2e-cluster-run: the image's orchestrator lacks the 'coordinator' / 'worker' / 'cluster-cert' commands"
fi

# --- 3. One container: run, then kill -9 and resume ------------------------------------------------

first=$(volume single-a)
start=$(now)
train single-a "$first"
code=$(wait_exit "$tag-single-a")
elapsed=$(seconds_since "$start")
if [ "$code" = 0 ] && [ -n "$(model_hash "$first")" ]; then
  record "PASS e2e-single-container-run"
  say "figure: default run in one container: $elapsed s (container start to exit)"
else
  podman logs --tail 30 "$tag-single-a"; record "FAIL e2e-single-container-run: exit code $code"
fi

# The same run as local processes on this machine, for the figure (not a check).
local_binary="$repo/src/Coordinator/bin/Release/net10.0/orchestrator"
if [ -x "$local_binary" ] && [ -z "${E2E_NO_LOCAL_FIGURE:-}" ]; then
  local_runs=$(mktemp -d)
  start=$(now)
  "$local_binary" train --output "$local_runs/default" >/dev/null 2>&1 \
    && say "figure: default run as local processes: $(seconds_since "$start") s"
  rm -rf "$local_runs"
fi

second=$(volume single-b)
train single-b "$second"
checkpoint="$(mountpoint_of "$second")/default/checkpoints/epoch-0001/manifest.json"
for _ in $(seq 1 600); do [ -f "$checkpoint" ] && break; sleep 0.2; done
if [ -f "$checkpoint" ] && [ "$(podman inspect -f '{{.State.Running}}' "$tag-single-b")" = true ]; then
  podman kill -s KILL "$tag-single-b" >/dev/null
  killed=$(now)
  podman rm -f "$tag-single-b" >/dev/null
  train single-b2 "$second"
  code=$(wait_exit "$tag-single-b2")
  # The run's own JSON log in the volume says where it resumed from (the console may be cut short).
  # grep reads the files itself: `cat | grep -q` under pipefail fails when grep stops early and cat gets SIGPIPE.
  if [ "$code" = 0 ] && grep -qs '"Resuming ' "$(mountpoint_of "$second")"/default/logs/*.jsonl; then
    if [ "$(model_hash "$second")" = "$(model_hash "$first")" ]; then
      record "PASS e2e-single-container-kill-resume"
      say "figure: kill -9 to finished resumed run: $(seconds_since "$killed") s"
    else
      record "FAIL e2e-single-container-kill-resume: the resumed model differs from the uninterrupted run's"
    fi
  else
    podman logs --tail 30 "$tag-single-b2"; record "FAIL e2e-single-container-kill-resume: the restarted run did not resume and finish (exit $code)"
  fi
else
  podman logs --tail 30 "$tag-single-b"; record "FAIL e2e-single-container-kill-resume: no checkpoint committed while the run was alive"
fi

[ "$failures" -eq 0 ]
