/* err.c - error codes to text. */
#include <string.h>

#include <dnsts/dnsts.h>

const char *dnsts_strerror(int code)
{
	switch (code) {
	case DNSTS_OK: return "success";
	case DNSTS_EMALF: return "malformed data";
	case DNSTS_ETRUNC: return "data ends early";
	case DNSTS_EFORMAT: return "not a pcap or pcapng capture";
	case DNSTS_ELINKTYPE: return "link type not supported";
	case DNSTS_ELIMIT: return "resource limit reached";
	case DNSTS_EFILTER: return "invalid filter expression";
	default:
		if (code < 0 && code > DNSTS_ERROR_MIN)
			return strerror(-code);
		return "unknown error";
	}
}
