/*
 * community_id.h - the Community ID flow hash, version 1
 * (https://github.com/corelight/community-id-spec), as Zeek, Suricata,
 * Arkime and tshark write it: SHA-1 over seed (2 bytes), source and
 * destination address, protocol, one zero byte, source and destination
 * port (big-endian), the endpoints ordered so that the smaller (address,
 * then port) comes first; base64, prefixed "1:".  The same for both
 * directions of a flow.
 */
#ifndef DNSTS_COMMUNITY_ID_H
#define DNSTS_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#define COMMUNITY_ID_LEN 31  /* "1:" + 28 base64 characters + NUL */

/* Addresses of alen bytes (4 or 16) in network order; ports in host
 * order.  Writes the NUL-terminated text to out and returns its length
 * (30). */
size_t community_id_v1(uint16_t seed, const uint8_t *saddr, const uint8_t *daddr, size_t alen,
		       uint8_t proto, uint16_t sport, uint16_t dport, char out[COMMUNITY_ID_LEN]);

#endif
