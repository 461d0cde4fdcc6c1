/*
 * namecache.c - the detector's name cache; see namecache.h.
 */
#include <stdlib.h>

#include "namecache.h"

namecache_t *namecache_new(void)
{
	return calloc(1, sizeof(namecache_t));
}

void namecache_free(namecache_t *c)
{
	free(c);
}
