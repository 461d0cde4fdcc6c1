#!/bin/bash
# cli_pieces.sh BIN SRCDIR CORPUS - a capture cut into consecutive pieces
# (several ways, any argument order, -j 1 and 2) or scanned beside a copy
# gives the findings of the whole capture: every testdata capture, and the
# corpus captures when the corpus is present.
bin=$1 src=$2 corpus=$3
set -- "$src/testdata/pcap"
[ -d "$corpus/public" ] && set -- "$@" "$corpus/public"
exec python3 "$src/tests/pieces_equal_whole.py" "$bin" "$@"
