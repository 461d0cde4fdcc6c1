/*
 * finding.c - freeing findings (see finding.h).
 */
#include <stdlib.h>

#include "finding.h"

void finding_free(finding_t *f)
{
	if (!f)
		return;
	free(f->domain);
	free(f->registered_domain);
	free(f->qtypes);
	free(f->rcodes);
	for (size_t i = 0; i < f->nclients; i++) {
		for (size_t j = 0; j < f->clients[i].nother; j++)
			free(f->clients[i].other_suspicious[j]);
		free(f->clients[i].other_suspicious);
	}
	free(f->clients);
	free(f->resolvers);
	free(f->input_ids);
	for (size_t i = 0; i < f->nreasons; i++)
		free(f->reasons[i]);
	free(f->reasons);
	for (size_t i = 0; i < f->nhints; i++)
		free(f->false_positive_hints[i]);
	free(f->false_positive_hints);
	free(f->features);
	for (size_t i = 0; i < f->nsamples; i++)
		free(f->samples[i]);
	free(f->samples);
	free(f->decoded);
	free(f);
}

void findings_free(finding_t **fs, size_t n)
{
	if (!fs)
		return;
	for (size_t i = 0; i < n; i++)
		finding_free(fs[i]);
	free(fs);
}
