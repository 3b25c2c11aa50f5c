# Part 2 of run-in-containers.sh (sourced from it; uses its helpers): the embedded default run on one
# coordinator container and two worker containers, named as deploy/k8s names the pods, with the same
# run.yaml the ConfigMap carries and a cluster certificate mounted as the Secret would be. Then the same
# run with worker 1 killed (SIGKILL) after the first committed checkpoint and a replacement container
# started under the same DNS name, as the worker Job's restart does: the final model must be
# byte-identical to the first run's.

tls=$(volume tls)
# Mounted first at /runs, which the image gives to its non-root user, so the volume becomes theirs.
run --rm -v "$tls:/runs" "$image" cluster-cert --output /runs/cluster.pfx >/dev/null \
  || record "FAIL e2e-cluster-cert: orchestrator cluster-cert failed"
# The resolver options of deploy/k8s's dnsConfig: podman's DNS drops replies while containers start or stop, and a
# lookup then stalled for 10 s with glibc's defaults (5 s per server and attempt), 6 s with these.
pod_options=(--network "$network" --shm-size 256m --dns-option timeout:1 --dns-option attempts:5
  -v "$tls:/etc/orchestrator/tls:ro"
  -v "$repo/deploy/k8s/base/run.yaml:/etc/orchestrator/run/run.yaml:ro"
  -e ORCHESTRATOR_CLUSTER_CERT=/etc/orchestrator/tls/cluster.pfx)

start_coordinator() { # NAME VOLUME
  run -d --name "$tag-$1" --hostname coordinator --network-alias coordinator.orchestrator \
    -v "$2:/runs" "${pod_options[@]}" "$image" \
    coordinator --config /etc/orchestrator/run/run.yaml --host coordinator.orchestrator --port 4053 --expect-workers 2 >/dev/null
}
start_worker() { # NAME INDEX VOLUME [extra podman args]
  local name=$1 index=$2 vol=$3; shift 3
  run -d --name "$tag-$name" --hostname "orchestrator-worker-$index" --network-alias "orchestrator-worker-$index.orchestrator" \
    -v "$vol:/runs" "${pod_options[@]}" "$@" "$image" \
    worker --coordinator coordinator.orchestrator:4053 --host "orchestrator-worker-$index.orchestrator" --port 4053 --devices cpu >/dev/null
}

cluster_a=$(volume cluster-a)
start=$(now)
start_coordinator coordinator-a "$cluster_a"
start_worker worker-a0 0 "$cluster_a"
start_worker worker-a1 1 "$cluster_a"
code=$(wait_exit "$tag-coordinator-a")
elapsed=$(seconds_since "$start")
w0=$(wait_exit "$tag-worker-a0"); w1=$(wait_exit "$tag-worker-a1")
if [ "$code" = 0 ] && [ "$w0" = 0 ] && [ "$w1" = 0 ] && [ -n "$(model_hash "$cluster_a")" ]; then
  record "PASS e2e-cluster-run"
  say "figure: default run, coordinator + 2 worker containers: $elapsed s"
else
  for c in coordinator-a worker-a0 worker-a1; do echo "--- $c"; podman logs --tail 20 "$tag-$c"; done
  record "FAIL e2e-cluster-run: exit codes coordinator $code, workers $w0 $w1"
fi

# As the worker Job's restartPolicy OnFailure: a worker process that ends without the run ending (exit 1, for
# instance a replacement downed as unreachable while it started on a loaded machine) is started again in its pod.
# Worker 1 itself has no restart policy: its kill and replacement below play its pod's restart.
restart_on_failure=(--restart on-failure:3)
cluster_b=$(volume cluster-b)
start_coordinator coordinator-b "$cluster_b"
start_worker worker-b0 0 "$cluster_b" "${restart_on_failure[@]}"
start_worker worker-b1 1 "$cluster_b"
checkpoint="$(mountpoint_of "$cluster_b")/default/checkpoints/epoch-0001/manifest.json"
for _ in $(seq 1 900); do [ -f "$checkpoint" ] && break; sleep 0.2; done
if [ -f "$checkpoint" ] && [ "$(podman inspect -f '{{.State.Running}}' "$tag-worker-b1")" = true ]; then
  podman kill -s KILL "$tag-worker-b1" >/dev/null
  killed=$(now)
  steps_before=$(podman logs "$tag-coordinator-b" 2>&1 | wc -l)
  start_worker worker-b1-replacement 1 "$cluster_b" "${restart_on_failure[@]}"
  # Training resumes when the coordinator reports the next group generation formed. The log goes to a file
  # first: `podman logs | grep -q` would fail under pipefail when grep stops reading early.
  coordinator_log=$(mktemp)
  resumed=""
  while [ "$(podman inspect -f '{{.State.Running}}' "$tag-coordinator-b")" = true ]; do
    podman logs "$tag-coordinator-b" > "$coordinator_log" 2>&1 || true
    if grep -qs 'Process group generation [1-9][0-9]* formed' "$coordinator_log"; then resumed=$(seconds_since "$killed"); break; fi
    sleep 0.5
  done
  rm -f "$coordinator_log"
  [ -z "$resumed" ] || say "figure: worker kill -9 to training resumed (next group generation formed): $resumed s"
  code=$(wait_exit "$tag-coordinator-b")
  say "figure: worker kill -9 to run finished: $(seconds_since "$killed") s"
  if [ "$code" = 0 ] && [ "$(model_hash "$cluster_b")" = "$(model_hash "$cluster_a")" ] && [ -n "$(model_hash "$cluster_a")" ]; then
    record "PASS e2e-cluster-worker-kill"
    for c in worker-b0 worker-b1-replacement; do
      restarts=$(podman inspect -f '{{.RestartCount}}' "$tag-$c" 2>/dev/null || echo 0)
      [ "${restarts:-0}" = 0 ] || say "note: $c was restarted $restarts time(s) by its restart policy"
      # Where the re-formed group's time went, from the workers' own JSON lines.
      worker_log=$(mktemp)
      podman logs "$tag-$c" > "$worker_log" 2>&1 || true
      grep -o '"message":"Worker [0-9]* released the previous group in [^"]*generation [1-9][^"]*' "$worker_log" \
        | sed "s/\"message\":\"/e2e: note: $c: /" || true
      rm -f "$worker_log"
    done
  else
    for c in worker-b0 worker-b1-replacement; do echo "--- $c"; podman logs --tail 15 "$tag-$c" 2>&1; done
    echo "--- coordinator-b"
    podman logs "$tag-coordinator-b" 2>&1 | tail -n +"$steps_before" | tail -30
    record "FAIL e2e-cluster-worker-kill: coordinator exit $code; model equal to the first run's: $([ "$(model_hash "$cluster_b")" = "$(model_hash "$cluster_a")" ] && echo yes || echo no)"
  fi
else
  record "FAIL e2e-cluster-worker-kill: no checkpoint committed while worker 1 was alive"
fi
