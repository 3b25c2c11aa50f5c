#!/usr/bin/env bash
# Worker processes (Akka.NET cluster) against the in-process runtime before the change, each figure a ratio or a
# time from runs made here, one after another, on the same machine:
#   1. default-run samples/s: `orchestrator train` now (worker processes) / the same command at commit aa34034
#      (worker actors inside the coordinator's process), both built in Release;      goal >= 0.95
#   2. 2 worker processes x 1 thread / 1 worker process x 1 thread, bert-mini-sized model, same batch per worker
#      (samples/s of the logging windows after the first, median of 3 interleaved rounds; also with the sums
#      through Gloo instead of shared memory, the machine's ceiling: two independent runs at once, and the peer:
#      PyTorch DDP on Gloo, bench/python/ddp_scaling.py); goal >= 1.8
#   3. seconds from `kill -9` of a worker to the re-formed group (max_failures 1);     goal <= 15 s
#   4. the evaluation gather's share of evaluation time, from the workers' own logs;   goal < 5 %
#   5. round trip of a small ask (Akka's Identify) from the coordinator's node to a worker process, p50 of 2,000
# Usage: bash bench/run-cluster.sh [before-commit]
set -euo pipefail
cd "$(dirname "$0")/.."
before=${1:-aa34034}
work=$(mktemp -d /tmp/orc-bench-cluster.XXXXXX)
trap 'git worktree remove --force "$work/before" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

dotnet build src/Coordinator -c Release -v q -nologo >/dev/null
now="dotnet src/Coordinator/bin/Release/net10.0/orchestrator.dll"

git worktree add -q --detach "$work/before" "$before"
# The native shim is the same code: reuse this checkout's library instead of compiling it again (only the library:
# a copied CMake cache points at this checkout's sources, and CMake refuses it).
mkdir -p "$work/before/src/Torch/native/build" && cp src/Torch/native/build/liborchestrator_torch.so "$work/before/src/Torch/native/build/"
dotnet build "$work/before/src/Coordinator" -c Release -v q -nologo -p:SkipNativeBuild=true >/dev/null
then="dotnet $work/before/src/Coordinator/bin/Release/net10.0/orchestrator.dll"

# Mean samples/s of the training segments ("reached step N (X samples/s").
segment_rate() { grep -o 'reached step [0-9]* ([0-9.]* samples/s' "$1" | awk -F'[( ]' '{s+=$5; n++} END {printf "%.1f", s/n}'; }

echo "== 1. default run: worker processes now vs in-process workers at $before"
$then train --output "$work/then/default" > "$work/then.log" 2>&1
$now train --output "$work/now/default" > "$work/now.log" 2>&1
a=$(segment_rate "$work/now.log"); b=$(segment_rate "$work/then.log")
echo "now $a samples/s, before $b samples/s, ratio $(echo "$a / $b" | bc -l | cut -c1-5)"

echo "== 2. bert-mini: 2 worker processes x 1 thread vs 1 x 1 (3 interleaved rounds, median)"
# Each round also measures the machine's own limit: two independent 1 x 1 runs at once, with no communication.
$now init-model --arch bert --size mini --labels "$(paste -sd, data/ner/labels.txt)" --vocab data/vocab.txt --output "$work/mini" >/dev/null
common=(--model "$work/mini" --data data/ner --epochs 1 --max-steps 120 --batch-size 16 --logging-steps 20 --max-length 64)
# Mean samples/s of the logging windows after the first (warm-up).
window_rate() { grep -o 'step [0-9]*: .* samples/s' "$1" | tail -n +2 | awk '{s+=$(NF-1); n++} END {printf "%.1f", s/n}'; }
mini() { rm -rf "$work/$1"; OMP_NUM_THREADS=1 "${@:3}" $now train "${common[@]}" --workers "$2" --output "$work/$1" > "$work/$1.log" 2>&1; window_rate "$work/$1.log"; }
ratio() { echo "$1 / $2" | bc -l | cut -c1-5; }
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
shm=(); gloo=(); ceiling=(); share=()
for round in 1 2 3; do
    one=$(mini one 1 env); two=$(mini two 2 env); viaGloo=$(mini gloo 2 env ORCHESTRATOR_SHM_DISABLE=1)
    mini apart-a 1 env >/dev/null & mini apart-b 1 env >/dev/null; wait
    apart=$(echo "$(window_rate "$work/apart-a.log") + $(window_rate "$work/apart-b.log")" | bc -l)
    shm+=("$(ratio "$two" "$one")"); gloo+=("$(ratio "$viaGloo" "$one")"); ceiling+=("$(ratio "$apart" "$one")"); share+=("$(ratio "$two" "$apart")")
    echo "round $round: 1 x 1 $one samples/s; 2 x 1 $two (sums in shared memory), $viaGloo (sums through gloo); two independent 1 x 1 runs at once $apart"
done
grep -q '"SumTransport":"shared memory"' "$work"/two/logs/worker-0.jsonl || echo "warning: the 2 x 1 run did not sum in shared memory"
echo "ratio 2 x 1 / 1 x 1: $(median "${shm[@]}") (rounds ${shm[*]}); through gloo $(median "${gloo[@]}") (rounds ${gloo[*]})"
echo "the machine's ceiling, two independent 1 x 1 runs at once / 1 x 1: $(median "${ceiling[@]}") (rounds ${ceiling[*]})"
echo "2 x 1 / the ceiling: $(median "${share[@]}") (rounds ${share[*]})"
# The peer: PyTorch DDP (Gloo) on the same machine, bert-mini with our vocabulary's size, 16 x 24 tokens per process.
echo "PyTorch DistributedDataParallel, 2 x 1 / 1 x 1: $(OMP_NUM_THREADS=1 /usr/bin/python3 bench/python/ddp_scaling.py 16 24 100)"

echo "== 3. kill -9 of a worker to training resumed"
$now train --output "$work/kill/default" --max-failures 1 > "$work/kill.log" 2>&1 &
coordinator=$!
until grep -q 'step 70:' "$work/kill.log" 2>/dev/null; do sleep 0.2; done
victim=$(grep -o 'Rank 1 of generation 0: worker on cpu in process [0-9]*' "$work/kill.log" | awk '{print $NF}')
killed_at=$(date +%s.%N); kill -9 "$victim"
until grep -q 'generation 1 formed' "$work/kill.log" 2>/dev/null; do sleep 0.1; done
resumed_at=$(date +%s.%N)
echo "worker $victim killed; group re-formed $(echo "$resumed_at - $killed_at" | bc -l | cut -c1-5) s later"
wait "$coordinator"

echo "== 4. evaluation gather share (workers' logs of run 1)"
grep -ho '"GatherShare":[0-9.eE-]*' "$work"/now/default/logs/worker-*.jsonl | cut -d: -f2 |
    awk '{s+=$1; n++} END {printf "mean %.1f %% over %d evaluations\n", 100*s/n, n}'

echo "== 5. round trip of a small ask: the coordinator's node to a worker process (TLS on loopback)"
dotnet build bench/Orchestrator.Bench -c Release -v q -nologo >/dev/null
dotnet bench/Orchestrator.Bench/bin/Release/net10.0/Orchestrator.Bench.dll cluster-ask 2000 200 | grep -v ' INF] '
