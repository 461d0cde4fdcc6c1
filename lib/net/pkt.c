/* pkt.c - helpers for the plain pipeline structs of pkt.h. */
#include "pkt.h"

#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

const char *ip_addr_str(const ip_addr_t *ip, char *buf, unsigned long buflen)
{
	if (!buf || buflen == 0)
		return "";
	buf[0] = '\0';
	if (!ip)
		return buf;
	int af = ip->v == 4 ? AF_INET : ip->v == 6 ? AF_INET6 : 0;
	if (af == 0 || !inet_ntop(af, ip->a, buf, (socklen_t)(buflen > 64 ? 64 : buflen)))
		buf[0] = '\0';
	return buf;
}

/* Total order: by version (unset < IPv4 < IPv6), then by address bytes. */
int ip_addr_cmp(const ip_addr_t *x, const ip_addr_t *y)
{
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	size_t n = x->v == 4 ? 4 : x->v == 6 ? 16 : 0;
	int c = n ? memcmp(x->a, y->a, n) : 0;
	return c < 0 ? -1 : c > 0 ? 1 : 0;
}
