#!/bin/bash
# cli_state.sh BIN SRCDIR CORPUS - state files (--save-state): the report
# from a capture's state is the capture's report, byte for byte and with the
# same exit status (every testdata capture, and the corpus when present);
# states of pieces merged in several tree shapes give the report of the
# pieces scanned in one batch; damaged states and states made with other
# options are input errors (tests/state_merge.py).
bin=$1 src=$2 corpus=$3
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
set -- "$src/testdata/pcap"
[ -d "$corpus/public" ] && set -- "$@" "$corpus/public"
n=0 bad=0
while IFS= read -r -d '' f; do
	# the reports but for their "scan" object (when and how each was made)
	"$bin" --all --min-score 0 --no-progress "$f" 2>/dev/null | jq 'del(.scan)' >"$t/cap.json"
	echo "rc=${PIPESTATUS[0]}" >>"$t/cap.json"
	"$bin" --no-progress --save-state "$t/x.state" "$f" 2>/dev/null
	"$bin" --all --min-score 0 --no-progress "$t/x.state" 2>/dev/null | jq 'del(.scan)' >"$t/state.json"
	echo "rc=${PIPESTATUS[0]}" >>"$t/state.json"
	n=$((n + 1))
	if ! cmp -s "$t/cap.json" "$t/state.json"; then
		echo "report from the state differs: $f"
		diff "$t/cap.json" "$t/state.json" | head -5
		bad=$((bad + 1))
	fi
done < <(find "$@" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.gz' -o -name '*.cap' \) -print0 | sort -z)
echo "state reports equal capture reports: $((n - bad))/$n"
[ "$bad" = 0 ] || exit 1
tunnel=()
[ -d "$corpus/public/tunnel" ] && tunnel=("$corpus/public/tunnel")
exec python3 "$src/tests/state_merge.py" "$bin" "$src/testdata/pcap" "${tunnel[@]}"
