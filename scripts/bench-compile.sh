#!/usr/bin/env bash
# Compile time of the generated crate alone (`intercom-api`), per feature set and profile.
#
# For each configuration: build once so every dependency is compiled, then RUNS times (default 3)
# `cargo clean -p intercom-api` and `cargo build -p intercom-api ... --timings` with
# CARGO_INCREMENTAL=0, and report the median of cargo's own timing of the `intercom-api` unit (its
# "frontend" part ends when the metadata is written; "codegen" is the LLVM part after it) and of the
# wall and CPU (user + sys) time of the whole `cargo build` (cargo's start-up and fingerprinting
# included; CPU time is the steadier figure when other builds share the machine).
#
# Uses its own target directory (default target/bench-compile) so it does not hold the shared
# target directory's lock; the first run compiles the dependencies there (a few minutes).
#
# Usage: scripts/bench-compile.sh [--smoke]
#   RUNS=N              measured builds per configuration (default 3; --smoke: 1)
#   CONFIGS="a b ..."   subset of: default runtime v2_10 v2_11 v2_14 v2_16 all v2_11-release all-release
#                       v2_11-calls (default: all of them; --smoke: v2_11)
#
# `v2_11-calls` builds the crate plus a consumer that sends every 2.11 operation (the contract
# test, `tests/contract.rs`): generic code compiled where it is used (decoding, the send futures)
# is counted there, so this row shows the cost has not just moved to the crate's users.
#   CARGO_TARGET_DIR    target directory (default target/bench-compile)
set -euo pipefail
cd "$(dirname "$0")/.."

smoke=0
if [[ "${1:-}" == "--smoke" ]]; then
    smoke=1
fi
runs=${RUNS:-3}
configs=${CONFIGS:-"runtime v2_10 v2_11 v2_14 v2_16 all v2_11-release all-release v2_11-calls"}
if [[ $smoke == 1 ]]; then
    runs=${RUNS:-1}
    configs=${CONFIGS:-"v2_11"}
fi
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench-compile}
export CARGO_INCREMENTAL=0

flags_of() {
    case $1 in
        default) echo "" ;;
        runtime) echo "--no-default-features" ;;
        v2_11) echo "--no-default-features --features v2_11" ;;
        v2_10) echo "--no-default-features --features v2_10" ;;
        v2_14) echo "--no-default-features --features v2_14" ;;
        v2_16) echo "--no-default-features --features v2_16" ;;
        all) echo "--all-features" ;;
        v2_11-release) echo "--no-default-features --features v2_11 --release" ;;
        all-release) echo "--all-features --release" ;;
        v2_11-calls) echo "--no-default-features --features v2_11 --test contract" ;;
        *)
            echo "unknown configuration: $1" >&2
            exit 2
            ;;
    esac
}

TIMEFORMAT='%R %U %S'
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

median() { # numbers on stdin -> median
    sort -g | awk '{ a[NR] = $1 } END {
        if (NR == 0) { print "n/a"; exit }
        if (NR % 2) { printf "%.2f\n", a[(NR + 1) / 2] }
        else { printf "%.2f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }
    }'
}

# "<duration> <frontend end>" of the intercom-api unit in cargo's latest timing report.
unit_times() {
    awk '
        /"name": "intercom-api"/ { inside = 1; frontend = 0; next }
        inside && /"name": / { inside = 0 }
        inside && /"duration":/ && !duration { gsub(/[^0-9.]/, "", $2); duration = $2 }
        inside && /"frontend"/ { frontend = 1 }
        inside && frontend && /"end":/ && !fe { gsub(/[^0-9.]/, "", $2); fe = $2 }
        END { printf "%s %s\n", (duration ? duration : "n/a"), (fe ? fe : "n/a") }
    ' "$CARGO_TARGET_DIR/cargo-timings/cargo-timing.html"
}

lines_of() { # total lines of the .rs files under a directory
    if [[ -d $1 ]]; then
        find "$1" -name '*.rs' -print0 | xargs -0 cat | wc -l | tr -d ' '
    else
        echo 0
    fi
}

echo "bench-compile: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //'), $(rustc --version)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
echo "target dir: $CARGO_TARGET_DIR; CARGO_INCREMENTAL=0; median of $runs build(s) per row"
echo

results=()
for config in $configs; do
    read -r -a flags <<<"$(flags_of "$config")"
    profile_flag=()
    if [[ " ${flags[*]} " == *" --release "* ]]; then
        profile_flag=(--release)
    fi
    echo "== $config: cargo build -p intercom-api ${flags[*]}" >&2
    # Dependencies first (not measured).
    cargo build -q -p intercom-api "${flags[@]}"
    walls=()
    cpus=()
    units=()
    fronts=()
    for ((i = 1; i <= runs; i++)); do
        cargo clean -q -p intercom-api "${profile_flag[@]}"
        # `time` reports the wall and CPU time of the build (cargo's own share is ~0.1 s); CPU
        # time is the figure least disturbed by other processes on a shared machine.
        if ! { time cargo build -q -p intercom-api "${flags[@]}" --timings 2>"$tmp/err"; } 2>"$tmp/time"; then
            cat "$tmp/err" >&2
            exit 1
        fi
        read -r wall_s user_s sys_s <"$tmp/time"
        walls+=("$wall_s")
        cpus+=("$(awk -v u="$user_s" -v s="$sys_s" 'BEGIN { printf "%.2f", u + s }')")
        read -r unit front < <(unit_times)
        units+=("$unit")
        fronts+=("$front")
        echo "   run $i: wall $wall_s s, CPU ${cpus[-1]} s, intercom-api unit $unit s (frontend $front s)" >&2
    done
    wall=$(printf '%s\n' "${walls[@]}" | median)
    cpu=$(printf '%s\n' "${cpus[@]}" | median)
    unit=$(printf '%s\n' "${units[@]}" | grep -v n/a | median)
    front=$(printf '%s\n' "${fronts[@]}" | grep -v n/a | median)
    codegen=$(awk -v u="$unit" -v f="$front" 'BEGIN { if (u + 0 > 0 && f + 0 > 0) printf "%.2f", u - f; else print "n/a" }')
    results+=("| $config | \`${flags[*]}\` | $unit | $front | $codegen | $wall | $cpu |")
done

echo
echo "| config | flags | intercom-api s | frontend s | codegen s | cargo build wall s | cargo build CPU s |"
echo "|---|---|---:|---:|---:|---:|---:|"
printf '%s\n' "${results[@]}"
echo
echo "Generated lines (\`wc -l\` of the .rs files):"
echo
echo "| module | lines |"
echo "|---|---:|"
for dir in intercom-api/src/v2_*; do
    [[ -d $dir ]] && echo "| $(basename "$dir") | $(lines_of "$dir") |"
done
echo "| runtime + codec + lib (hand-written) | $(($(lines_of intercom-api/src/runtime) + $(lines_of intercom-api/src/codec) + $(wc -l <intercom-api/src/lib.rs))) |"
echo
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
