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
#include "placement.h"
#include "score.h"

/* Sample query names in a finding. */
#define FINDING_NSAMPLES 4

static int cmp_ip(const void *a, const void *b)
{
	return ip_addr_cmp(a, b);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int finding_add_reason(finding_t *f, const char *text)
{
	char **r = realloc(f->reasons, (f->nreasons + 1) * sizeof(*r));
	if (!r)
		return -1;
	f->reasons = r;
	if (!(r[f->nreasons] = strdup(text)))
		return -1;
	f->nreasons++;
	return 0;
}

static int cmp_frames(const void *a, const void *b)
{
	const pivot_frames_t *x = a, *y = b;
	return (x->input > y->input) - (x->input < y->input);
}

finding_t *finding_new(const struct agg *g, const char *key, const char *registered,
		       const char *allow_reason, struct score_out *so,
		       const struct placement *pl)
{
	finding_t *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->domain = strdup(key);
	f->registered_domain = strdup(registered ? registered : key);
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
	f->upstream_only = g->upstream_only;
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
	for (int i = 0; i < AR_N; i++)
		if (g->rcode[i]) {
			snprintf(f->rcodes[f->nrcodes].name, sizeof(f->rcodes[0].name), "%s",
				 agg_rc_name(i));
			f->rcodes[f->nrcodes++].n = g->rcode[i];
		}
	if (g->nclients) {
		/* each client's share of the domain's bytes: its share of the
		 * payload characters it sent and of the answer bytes it received
		 * (integer sums, so the split is the same however the capture
		 * was cut) */
		const agg_client_t **cs = calloc(g->nclients, sizeof(*cs));
		f->clients = calloc(g->nclients, sizeof(*f->clients));
		if (!f->clients || !cs) {
			free(cs);
			goto fail;
		}
		agg_clients_sorted(g, cs);
		/* what resolvers asked for clients not in the capture is
		 * nobody's share here */
		uint64_t chars = g->upstream_only_chars, ans = 0;
		for (uint32_t i = 0; i < g->nclients; i++) {
			chars += cs[i]->payload_chars;
			ans += cs[i]->answer_decoded;
		}
		/* "straight to a server that is no resolver of the network" is
		 * said only when the resolvers or the local networks are known */
		bool placed = pl && (placement_has_home(pl) || placement_has_resolvers(pl));
		for (uint32_t i = 0; i < g->nclients; i++) {
			const agg_client_t *c = cs[i];
			finding_client_t *fc = &f->clients[f->nclients++];
			fc->ip = c->ip;
			fc->queries = c->queries;
			fc->bytes_out = chars ? (uint64_t)llround((double)so->bytes_out *
								  (double)c->payload_chars /
								  (double)chars)
					      : 0;
			fc->bytes_in = ans ? (uint64_t)llround((double)so->bytes_in *
							       (double)c->answer_decoded / (double)ans)
					   : 0;
			fc->first_ns = c->first_ns;
			fc->last_ns = c->last_ns;
			fc->flow_server = c->flow_server;
			fc->flow_sport = c->flow_sport;
			fc->flow_dport = c->flow_dport;
			fc->flow_transport = c->flow_transport;
			agg_flow_t fl[AGG_CLIENT_FLOWS];
			size_t nfl = agg_client_flows(c, fl);
			_Static_assert(FINDING_FLOWS == AGG_CLIENT_FLOWS, "a client's flows fit");
			for (size_t k = 0; k < nfl; k++) {
				fc->flows[k].server = fl[k].server;
				fc->flows[k].sport = fl[k].sport;
				fc->flows[k].dport = fl[k].dport;
				fc->flows[k].transport = fl[k].transport;
			}
			fc->nflows = (uint8_t)nfl;
			fc->flows_more = c->flows_more;
			timeline_t ctmp;
			const timeline_t *ct = agg_client_timeline(c, &ctmp);
			if (ct->nq) {
				timeline_row_t rows[TL_N];
				size_t n = timeline_spread(ct, fc->queries, fc->bytes_out, fc->bytes_in,
							   &fc->timeline_bucket_s, rows);
				fc->timeline = calloc(n ? n : 1, sizeof(*fc->timeline));
				if (!fc->timeline) {
					free(cs);
					goto fail;
				}
				memcpy(fc->timeline, rows, n * sizeof(*rows));
				fc->ntimeline = n;
			}
			if (placed && c->server.v && !placement_is_resolver(pl, &c->server) &&
			    !placement_is_home(pl, &c->server))
				fc->direct_server = c->server;
		}
		free(cs);
	}
	if (g->nresolvers) {
		f->resolvers = calloc(g->nresolvers, sizeof(*f->resolvers));
		f->upstream = calloc(g->nresolvers, sizeof(*f->upstream));
		if (!f->resolvers || !f->upstream)
			goto fail;
		for (unsigned i = 0; i < g->nresolvers; i++) {
			if (agg_is_upstream(g, i))
				f->upstream[f->nupstream++] = g->resolvers[i];
			else
				f->resolvers[f->nresolvers++] = g->resolvers[i];
		}
		qsort(f->resolvers, f->nresolvers, sizeof(*f->resolvers), cmp_ip);
		qsort(f->upstream, f->nupstream, sizeof(*f->upstream), cmp_ip);
	}
	if (g->ninputs) {
		f->input_ids = calloc(g->ninputs, sizeof(*f->input_ids));
		if (!f->input_ids)
			goto fail;
		memcpy(f->input_ids, g->inputs, g->ninputs * sizeof(*f->input_ids));
		f->ninputs = g->ninputs;
		qsort(f->input_ids, f->ninputs, sizeof(*f->input_ids), cmp_u32);
	}
	timeline_t tl_tmp;
	const timeline_t *tl = agg_timeline(g, &tl_tmp);
	if (tl->nq) {
		timeline_row_t rows[TL_N];
		size_t n = timeline_spread(tl, f->queries, f->bytes_out, f->bytes_in,
					   &f->timeline_bucket_s, rows);
		f->timeline = calloc(n ? n : 1, sizeof(*f->timeline));
		if (!f->timeline)
			goto fail;
		memcpy(f->timeline, rows, n * sizeof(*rows));
		f->ntimeline = n;
	}
	if (g->pv.nframes) {
		f->frames = calloc(g->pv.nframes, sizeof(*f->frames));
		if (!f->frames)
			goto fail;
		for (uint32_t i = 0; i < g->pv.nframes; i++)
			f->frames[i] = *pivots_at(&g->pv, i);
		f->nframes = g->pv.nframes;
		qsort(f->frames, f->nframes, sizeof(*f->frames), cmp_frames);
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
	for (size_t i = 0; i < f->nclients; i++) {
		const finding_client_t *c = &f->clients[i];
		if (!c->direct_server.v)
			continue;
		char ip[64], srv[64], text[256];
		ip_addr_str(&c->ip, ip, sizeof ip);
		ip_addr_str(&c->direct_server, srv, sizeof srv);
		snprintf(text, sizeof text,
			 "host %s sent its queries straight to %s, which is not a resolver of this "
			 "network",
			 ip, srv);
		if (finding_add_reason(f, text) < 0)
			goto fail;
	}
	if (f->upstream_only) {
		char text[256];
		snprintf(text, sizeof text,
			 "%llu of the queries were asked by a resolver with no client query for the "
			 "same name in the capture (its clients there are not captured)",
			 (unsigned long long)f->upstream_only);
		if (finding_add_reason(f, text) < 0)
			goto fail;
	}
	if (timeline_rhythm(tl, f->first_ns, f->last_ns, f->queries,
				     &f->beacon_period_s, &f->beacon_jitter)) {
		char text[256];
		f->beacon = true;
		snprintf(text, sizeof text,
			 "queries came at a steady rhythm, as a beacon polls: one every %.3g s on "
			 "average, the count per %llu-second interval varying by %.0f%%",
			 f->beacon_period_s, (unsigned long long)f->timeline_bucket_s,
			 f->beacon_jitter * 100);
		if (finding_add_reason(f, text) < 0)
			goto fail;
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
	const char *names[FINDING_NSAMPLES];
	size_t ns = agg_samples(g, names, FINDING_NSAMPLES);
	if (ns) {
		f->samples = calloc(ns, sizeof(char *));
		if (!f->samples)
			goto fail;
		for (size_t i = 0; i < ns; i++) {
			f->samples[i] = strdup(names[i]);
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
		free(f->clients[i].timeline);
	}
	free(f->clients);
	free(f->resolvers);
	free(f->upstream);
	free(f->input_ids);
	free(f->frames);
	free(f->timeline);
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
