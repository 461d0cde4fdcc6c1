#!/bin/bash
# cli_corpus_eval.sh BIN SRCDIR CORPUS - the detection corpus evaluation:
# every labelled tunnel domain reported at the default threshold, no wrong
# tool, no finding on benign captures.  Skips (77) when the corpus is absent.
bin=$1 src=$2 corpus=$3
dirs=()
for d in "$corpus"/*/; do
	[ -f "$d/LABELS.tsv" ] && dirs+=("$d")
done
[ -f "$corpus/LABELS.tsv" ] && dirs+=("$corpus")
if [ ${#dirs[@]} -eq 0 ]; then
	echo "corpus absent ($corpus); skipped"
	exit 77
fi
exec python3 "$src/tools/corpus-eval" "$bin" "${dirs[@]}"
