/* version.c - the library's version at run time. */
#include <dnsts/dnsts.h>

const char *dnsts_version(void)
{
	return DNSTS_VERSION;
}
