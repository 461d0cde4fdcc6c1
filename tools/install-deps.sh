#!/bin/sh
# Install what dnstunnel-scan needs to build and test on Debian 12 (as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
# retry downloads: a slow or flaky mirror should not fail CI
apt-get -o Acquire::Retries=3 update -qq
apt-get -o Acquire::Retries=3 install -y -qq --no-install-recommends \
	gcc clang make cmake pkg-config ca-certificates \
	libpcap-dev libjansson-dev check libpsl-dev publicsuffix libarchive-dev zlib1g-dev \
	libclang-rt-14-dev valgrind \
	tshark python3 python3-scapy python3-jsonschema python3-dnspython jq bind9-utils unbound \
	gzip bzip2 xz-utils zstd zip python3-distributed \
	chromium python3-pil fonts-dejavu-core >/dev/null
