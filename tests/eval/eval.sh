#!/bin/bash
# eval.sh BIN SRCDIR OUTDIR - generate the evaluation set into OUTDIR (under
# the build directory) and score BIN on it (tests/eval/run_eval.py).
bin=$1 src=$2 out=$3
rm -rf "$out" && mkdir -p "$out" || exit 1
python3 "$src/tests/eval/gen_eval.py" "$out" || exit 1
exec python3 "$src/tests/eval/run_eval.py" "$bin" "$out"
