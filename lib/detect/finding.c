/*
 * finding.c - building findings from a scored aggregate, and freeing them
 * (see finding.h).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aggregate.h"
#include "feature.h"
#include "finding.h"
#include "score.h"

finding_t *finding_new(const struct agg *g, const char *key, const char *allow_reason,
		       struct score_out *so)
{
	finding_t *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	const char *base = allow_reason ? NULL : agg_base(g);
	f->domain = strdup(base ? base : key);
	f->registered_domain = strdup(key);
	if (!f->domain || !f->registered_domain)
		goto fail;
	f->score = so->score;
	f->confidence = so->confidence;
	f->tool = so->tool;
	f->allowlisted = allow_reason != NULL;
	f->allowlist_reason = allow_reason;
	f->exfil = so->exfil;
	f->first_ns = g->first_ns;
	f->last_ns = g->last_ns;
	f->queries = g->queries;
	f->responses = g->responses;
	f->unique_subdomains = (uint64_t)llround(so->unique);
	f->bytes_out = so->bytes_out;
	f->bytes_in = so->bytes_in;
	f->qtypes = calloc(AQ_N, sizeof(*f->qtypes));
	f->rcodes = calloc(AR_N, sizeof(*f->rcodes));
	if (!f->qtypes || !f->rcodes)
		goto fail;
	for (int i = 0; i < AQ_N; i++)
		if (g->qtype[i]) {
			snprintf(f->qtypes[f->nqtypes].name, sizeof(f->qtypes[0].name), "%s", agg_qt_name(i));
			f->qtypes[f->nqtypes++].n = g->qtype[i];
		}
	static const char *const rc[AR_N] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					      "NOTIMP", "REFUSED", "OTHER"};
	for (int i = 0; i < AR_N; i++)
		if (g->rcode[i]) {
			snprintf(f->rcodes[f->nrcodes].name, sizeof(f->rcodes[0].name), "%s", rc[i]);
			f->rcodes[f->nrcodes++].n = g->rcode[i];
		}
	double bits = so->encoding ? features_enc_bits(so->encoding) : 8.0 * agg_compress_ratio(g);
	if (g->nclients) {
		f->clients = calloc(g->nclients, sizeof(*f->clients));
		if (!f->clients)
			goto fail;
		for (uint32_t i = 0; i < g->nclients; i++) {
			const agg_client_t *c = &g->clients[i];
			finding_client_t *fc = &f->clients[f->nclients++];
			fc->ip = c->ip;
			fc->queries = c->queries;
			fc->bytes_out = (uint64_t)((double)c->uniq_chars * bits / 8.0);
			fc->bytes_in = c->bytes_in;
			fc->first_ns = c->first_ns;
			fc->last_ns = c->last_ns;
		}
	}
	if (g->nresolvers) {
		f->resolvers = calloc(g->nresolvers, sizeof(*f->resolvers));
		if (!f->resolvers)
			goto fail;
		memcpy(f->resolvers, g->resolvers, g->nresolvers * sizeof(*f->resolvers));
		f->nresolvers = g->nresolvers;
	}
	if (g->ninputs) {
		f->input_ids = calloc(g->ninputs, sizeof(*f->input_ids));
		if (!f->input_ids)
			goto fail;
		memcpy(f->input_ids, g->inputs, g->ninputs * sizeof(*f->input_ids));
		f->ninputs = g->ninputs;
	}
	if (so->nreasons) {
		f->reasons = calloc(so->nreasons, sizeof(char *));
		if (!f->reasons)
			goto fail;
		for (size_t i = 0; i < so->nreasons; i++) {
			f->reasons[i] = so->reasons[i];
			so->reasons[i] = NULL;
		}
		f->nreasons = so->nreasons;
		so->nreasons = 0;
	}
	if (so->hint) {
		f->false_positive_hints = calloc(1, sizeof(char *));
		if (!f->false_positive_hints)
			goto fail;
		f->false_positive_hints[0] = so->hint;
		so->hint = NULL;
		f->nhints = 1;
	}
	if (so->nfeatures) {
		f->features = calloc(so->nfeatures, sizeof(*f->features));
		if (!f->features)
			goto fail;
		memcpy(f->features, so->features, so->nfeatures * sizeof(*f->features));
		f->nfeatures = so->nfeatures;
	}
	if (g->d && g->d->nsamples) {
		f->samples = calloc(g->d->nsamples, sizeof(char *));
		if (!f->samples)
			goto fail;
		for (unsigned i = 0; i < g->d->nsamples; i++) {
			f->samples[i] = strdup(g->d->samples[i]);
			if (!f->samples[i])
				goto fail;
			f->nsamples++;
		}
	}
	if (so->decoded_len) {
		f->decoded = malloc(so->decoded_len);
		if (!f->decoded)
			goto fail;
		memcpy(f->decoded, so->decoded, so->decoded_len);
		f->decoded_len = so->decoded_len;
		f->decoded_encoding = so->decoded_encoding;
	}
	return f;
fail:
	finding_free(f);
	return NULL;
}

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
