#!/bin/bash
# DNS message parity with tshark: every capture of the public corpus and of
# testdata/pcap, compared message by message (see tests/tshark_parity.py).
# usage: cli_tshark_parity.sh BIN SRCDIR [CORPUS_DIR]
# Exit 0 pass, 1 unexplained difference, 77 skip (no tshark, no python3).
set -u
BIN=${1:?usage: cli_tshark_parity.sh BIN SRCDIR [CORPUS_DIR]}
SRC=${2:?usage: cli_tshark_parity.sh BIN SRCDIR [CORPUS_DIR]}
CORPUS=${3:-${DNSTS_CORPUS:-}}

if ! command -v tshark >/dev/null 2>&1; then
	echo "SKIP: tshark not installed"
	exit 77
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
if [ -z "$PY" ]; then
	echo "SKIP: no python3"
	exit 77
fi
if [ -n "$CORPUS" ] && [ ! -d "$CORPUS/public" ]; then
	echo "note: corpus $CORPUS/public absent; comparing testdata/pcap only"
	CORPUS=""
fi
exec "$PY" "$SRC/tests/tshark_parity.py" "$BIN" "$SRC" "$CORPUS"
