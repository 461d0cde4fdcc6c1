#!/bin/bash
# cli_words.sh BIN SRCDIR CORPUS - a finding's sentences and numbers agree:
# the encoding the first reason names is the one every other sentence
# about the payloads names
# (no "hex" payloads in one sentence and "base64" in the next), the count
# of unique payloads it gives is unique_subdomains, and the "(N decoded)"
# it gives is bytes_out in the same units.  Over the tunnel captures of the
# corpus (and the demo capture); skips (77) when jq is missing.
set -u
BIN=${1:?binary}
SRC=${2:?source dir}
CORPUS=${3:-}
command -v jq >/dev/null || { echo "SKIP: jq not installed"; exit 77; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0 n=0
inputs=("$SRC/testdata/pcap/demo-tunnel.pcap")
[ -n "$CORPUS" ] && [ -d "$CORPUS/public/tunnel" ] && inputs+=("$CORPUS"/public/tunnel/*)
for f in "${inputs[@]}"; do
	"$BIN" --no-progress --per-file "$f" >"$T/r.json" 2>/dev/null
	jq -r '.findings[] | [.domain, .unique_subdomains, .bytes_out, (.evidence.reasons | join("\u0001"))] | @tsv' \
		"$T/r.json" >"$T/rows" 2>/dev/null || continue
	while IFS=$'\t' read -r dom uniq out reasons; do
		n=$((n + 1))
		first=${reasons%%$'\001'*}
		enc=$(printf '%s' "$first" | sed -n 's/^[0-9]* unique [0-9]*-character \([a-z0-9]*\) payloads .*/\1/p')
		cnt=$(printf '%s' "$first" | sed -n 's/^\([0-9]*\) unique .*/\1/p')
		if [ -n "$cnt" ] && [ "$cnt" != "$uniq" ]; then
			echo "FAIL $f $dom: the reason says $cnt unique payloads, unique_subdomains is $uniq"
			fails=$((fails + 1))
		fi
		dec=$(printf '%s' "$first" | sed -n 's/.*(\([0-9.]*\) \(bytes\|KB\|MB\) decoded)$/\1 \2/p')
		if [ -n "$dec" ]; then
			want=$(awk -v b="$out" 'BEGIN { if (b < 1024) printf "%d bytes", b; else if (b < 1048576) printf "%.1f KB", b / 1024; else printf "%.1f MB", b / 1048576 }')
			if [ "$dec" != "$want" ]; then
				echo "FAIL $f $dom: the reason says $dec decoded, bytes_out is $out ($want)"
				fails=$((fails + 1))
			fi
		fi
		if [ -n "$enc" ]; then
			# sentences about the payloads (a tool's own header, such as
			# DNSExfiltrator's base32 "init." label, is another thing)
			other=$(printf '%s' "$reasons" | tr '\001' '\n' | tail -n +2 | grep -i payload |
				grep -o -w -E 'hex|base32|base32hex|base64|base64url|binary' | grep -v -x -F "$enc" | head -n 1)
			if [ -n "$other" ]; then
				echo "FAIL $f $dom: the first reason names $enc payloads, another $other"
				fails=$((fails + 1))
			fi
		fi
	done <"$T/rows"
done
echo "$n findings looked at"
[ "$n" -gt 0 ] || { echo "FAIL no finding at all"; exit 1; }
[ "$fails" -eq 0 ] && echo "all findings speak with one voice"
[ "$fails" -eq 0 ]
