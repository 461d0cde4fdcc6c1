/* carve_dns2tcp.c - dns2tcp framing for --carve; see carve.h. */
#include "carve.h"

void carve_dns2tcp(carve_job_t *j, carve_out_t *o)
{
	o->decoding = "dns2tcp (not decoded)";
	carve_note(o, "dns2tcp: %zu messages kept; its framing is not decoded by this version",
		   j->n);
}
