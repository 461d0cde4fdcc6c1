#!/bin/bash
# cli_dask.sh BIN SRCDIR CORPUS - tools/dnstunnel-scan-dask on a LocalCluster
# of 2 workers gives the report, standard error and exit status of
# dnstunnel-scan on the same inputs: a folder of pieces of a capture (merged
# in a tree, 2 states per step), the tunnel corpus when present, inputs that
# cannot be read or are damaged (--ndjson); and a worker whose scan fails on
# one input names that input and still reports the others.  Skipped (77)
# when dask.distributed (Debian: python3-distributed) is not installed.
bin=$(realpath "$1") src=$(realpath "$2") corpus=$3
drv=$src/tools/dnstunnel-scan-dask
if ! python3 -c 'import distributed' 2>/dev/null &&
	! /usr/bin/python3 -c 'import distributed' 2>/dev/null; then
	echo "SKIP: dask.distributed not installed"
	exit 77
fi
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t" || exit 1
fail=0

# same BIN_ARGS for both; compare stdout (but for its "scan" object),
# stderr and exit status
same() {
	local what=$1
	shift
	"$bin" --no-progress "$@" >cmd.raw 2>cmd.err
	local rc=$?
	"$drv" --binary "$bin" --local-workers 2 --fan-in 2 "$@" >drv.raw 2>drv.err
	local drc=$?
	# the "scan" object says when and how each report was made
	jq -c 'del(.scan)' cmd.raw >cmd.out 2>/dev/null
	jq -c 'del(.scan)' drv.raw >drv.out 2>/dev/null
	if [ $rc != $drc ] || ! cmp -s cmd.out drv.out || ! cmp -s cmd.err drv.err; then
		echo "FAIL $what: exit $rc vs $drc"
		diff cmd.out drv.out | head -5
		diff cmd.err drv.err | head -5
		fail=1
	else
		echo "ok   $what (exit $rc, $(wc -c <cmd.out) bytes of report)"
	fi
}

cap=$src/testdata/pcap/demo-tunnel.pcap
n=$("$bin" --no-progress --all "$cap" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stats"]["packets"])')
mkdir pieces
k=$(( (n + 6) / 7 ))
for i in 0 1 2 3 4 5 6; do
	editcap -F pcap -r "$cap" "pieces/p$i.pcap" "$((i * k + 1))-$(((i + 1) * k))" >/dev/null 2>&1
done
same "7 pieces of demo-tunnel.pcap" --all --min-score 0 pieces
same "7 pieces, --ndjson --port 8053 and artefacts" --ndjson --port 8053 --rpz x.rpz pieces
[ -d "$corpus/public/tunnel" ] && same "tunnel corpus" --all --min-score 0 "$corpus/public/tunnel"
head -c 3000 "$cap" >cut.pcap
echo junk >junk.pcap
same "damaged, missing and foreign inputs" --ndjson pieces/p1.pcap cut.pcap missing.pcap junk.pcap

# a worker's scan that fails on one input: named, the others reported
cat >crash.sh <<EOT
#!/bin/bash
for a; do case \$a in *p3.pcap) kill -SEGV \$\$ ;; esac; done
exec "$bin" "\$@"
EOT
chmod +x crash.sh
"$drv" --binary "$t/crash.sh" --local-workers 2 --all --min-score 0 pieces >crash.out 2>crash.err
rc=$?
if [ $rc != 2 ] || ! grep -q "^dnstunnel-scan-dask: pieces/p3.pcap: scan failed on worker" crash.err ||
	[ "$(python3 -c 'import json,sys; print(len(json.load(open("crash.out"))["inputs"]))')" != 6 ]; then
	echo "FAIL a failing worker: exit $rc"
	cat crash.err
	fail=1
else
	echo "ok   a failing worker: exit 2, $(head -1 crash.err)"
fi
exit $fail
