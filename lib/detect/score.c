/*
 * score.c - scoring and evidence; see score.h for the formula.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

static double clamp01(double x)
{
	return x < 0 ? 0 : (x > 1 ? 1 : x);
}

__attribute__((format(printf, 2, 3)))
static int add_reason(score_out_t *o, const char *fmt, ...)
{
	if (o->nreasons >= SCORE_MAX_REASONS)
		return 0;
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	char *s = strdup(buf);
	if (!s)
		return -1;
	o->reasons[o->nreasons++] = s;
	return 0;
}

static void feat(score_out_t *o, const char *name, double v)
{
	if (o->nfeatures < SCORE_MAX_FEATURES) {
		o->features[o->nfeatures].name = name;
		o->features[o->nfeatures].value = round(v * 1000.0) / 1000.0;
		o->nfeatures++;
	}
}

static void human(double b, char *buf, size_t len)
{
	if (b >= 1048576)
		snprintf(buf, len, "%.1f MB", b / 1048576);
	else if (b >= 1024)
		snprintf(buf, len, "%.1f KB", b / 1024);
	else
		snprintf(buf, len, "%.0f bytes", b);
}

void score_out_clear(score_out_t *o)
{
	for (size_t i = 0; i < o->nreasons; i++)
		free(o->reasons[i]);
	free(o->hint);
	memset(o, 0, sizeof(*o));
}

static int score_core(const agg_t *g, const char *domain, uint64_t raw, score_out_t *o, bool text)
{
	int ret = 0;
	memset(o, 0, sizeof(*o));
	ps_sum_t ps;
	agg_payloads(g, &ps);
	double uniq = ps.distinct;
	double nu = uniq > 0 ? uniq : 1;
	double avg_len = uniq > 0 ? ps.chars / nu : 0;
	double unlike = uniq > 0 ? ps.unlike_sum / nu : 0;
	double entropy = uniq > 0 ? ps.entropy_sum / nu : 0;
	double share;
	uint32_t enc = agg_encoding(g, &ps, &share);
	double ratio = agg_compress_ratio(g);
	double bits = enc ? features_enc_bits(enc) : 8.0 * ratio;
	double q = g->queries ? (double)g->queries : 1;
	uint64_t data_q = g->qtype[AQ_TXT] + g->qtype[AQ_NULL] + g->qtype[AQ_CNAME] +
			  g->qtype[AQ_MX] + g->qtype[AQ_KEY] + g->qtype[AQ_PRIVATE];
	double data_share = (double)data_q / q;
	double nx = g->responses ? (double)g->rcode[AR_NXDOMAIN] / g->responses : 0;
	double span = g->last_ns > g->first_ns ? (double)(g->last_ns - g->first_ns) / 1e9 : 0;
	double mixed = uniq > 0 ? ps.n_mixed / nu : 0;
	double base_mixed = g->queries ? (double)g->n_base_mixed / q : 0;
	double resp_ent = g->resp_entropy_n ? (double)g->resp_entropy_sum /
					      (AGG_ENTROPY_UNIT * (double)g->resp_entropy_n) : 0;
	double ans_n, ans_bytes, ans_decoded;
	agg_answers(g, &ans_n, &ans_bytes, &ans_decoded);
	uint64_t max_len = g->d ? g->d->ps.max_len : 0;

	o->unique = uniq;
	o->encoding = enc;
	o->bytes_out = (uint64_t)llround(ps.chars * bits / 8.0) + g->q_answer_bytes;
	o->bytes_in = (uint64_t)llround(ans_decoded) + g->resp_addr_bytes;

	/* payload family */
	double lenf = clamp01((avg_len - 6.0) / 18.0);
	double E = clamp01(unlike * 1.3) * lenf;
	if (enc && enc != FEAT_ENC_BINARY && avg_len >= 16 && share >= 0.9)
		E = fmax(E, 0.55 + 0.15 * clamp01((avg_len - 16) / 24));
	if (enc == FEAT_ENC_BINARY)
		E = fmax(E, 0.8);
	if (mixed >= 0.5 && base_mixed < 0.2 && avg_len >= 12)
		E = fmax(E, 0.7); /* mixed case payloads under a fixed-case base: base64 */
	/* short encoded payloads (8-16 characters) escape the length weight;
	 * hundreds of distinct ones in one encoding, mostly from one client,
	 * are data cut into many queries */
	uint64_t top_payq = 0;
	for (uint32_t i = 0; i < g->nclients; i++)
		if (g->clients[i].payload_queries > top_payq)
			top_payq = g->clients[i].payload_queries;
	bool short_spread = (enc == FEAT_ENC_HEX || enc == FEAT_ENC_BASE32 ||
			     enc == FEAT_ENC_BASE32HEX) && share >= 0.9 && avg_len >= 8 &&
			    avg_len < 16 && uniq >= 500 && unlike >= 0.4 &&
			    2 * top_payq >= g->payload_queries;
	if (short_spread)
		E = fmax(E, 0.7);
	/* long payloads that look like words (dictionary encodings score as
	 * host names letter by letter) but are never the same twice and
	 * compress poorly: hundreds of them, mostly from one client, are
	 * text too varied for host names */
	bool varied_text = !short_spread && E < 0.7 && avg_len >= 30 && uniq >= 200 &&
			   ratio >= 0.4 && 2 * top_payq >= g->payload_queries &&
			   g->payload_queries <= 2 * uniq;
	if (varied_text)
		E = 0.7;
	double s_payload = 45.0 * E;

	/* volume family: decoded bytes of unique payloads */
	double out_b = ps.chars * bits / 8.0;
	double V = out_b > 64 ? clamp01(log2(out_b / 64.0) / 5.0) : 0;
	double s_volume = 30.0 * V * clamp01(E / 0.4);

	/* record types */
	double s_records = 10.0 * data_share * clamp01(E / 0.3 + (ans_bytes > 256));

	/* answers: unique data coming back; and AAAA answers that are not
	 * addresses one could route (outside 2000::/3, NAT64, ULA, link-local:
	 * fingerprint.c), at least 16 and half of all AAAA answers: payload
	 * carried in the address records, 16 bytes each */
	double aaaa_b = g->fp.stager_ans >= 16 && 2 * (uint64_t)g->fp.stager_ans >= g->fp.aaaa_ans
				? 16.0 * g->fp.stager_ans : 0;
	/* and A answers to numbered names that are no host addresses
	 * (fp_a_payload): 4 bytes each */
	unsigned a_oct = 0;
	uint32_t a_pay = fp_a_payload(&g->fp, &a_oct);
	double a_b = 4.0 * a_pay;
	double in_b = ans_decoded + aaaa_b + a_b;
	double A = in_b > 128 ? clamp01(log2(in_b / 128.0) / 6.0) : 0;
	double ent_f = clamp01((resp_ent - 2.5) / 2.5);
	if (aaaa_b + a_b > 0) /* the address bytes weigh as random */
		ent_f = (ans_decoded * ent_f + aaaa_b + a_b) / in_b;
	A *= ent_f;
	double s_answers = 15.0 * A * clamp01(E / 0.3 + data_share);

	double score = s_payload + s_volume + s_records + s_answers;

	/* too little evidence */
	if (uniq < 5 && g->q_answers == 0)
		score *= uniq / 5.0;
	/* a fixed set of names asked again and again (a poller, an
	 * identifier looked up on a schedule) carries no new data */
	bool polled = uniq > 0 && uniq <= 64 && (double)g->payload_queries >= 20.0 * uniq &&
		      !short_spread;
	if (polled)
		score *= 0.6;
	/* many clients, each with little: a service, not a tunnel */
	if (g->nclients >= 20 && g->payload_queries) {
		uint64_t maxc = 0;
		for (uint32_t i = 0; i < g->nclients; i++)
			if (g->clients[i].payload_queries > maxc)
				maxc = g->clients[i].payload_queries;
		if ((double)maxc < 0.2 * (double)g->payload_queries)
			score *= 0.6;
	}

	/* protocol fingerprint */
	char why[256];
	double strength = 0;
	o->tool = fp_tool(&g->fp, &strength, why, sizeof(why));
	o->tool_strength = strength;
	if (o->tool)
		score = fmax(score, 60.0 + 35.0 * strength);
	if (raw)
		score = fmax(score, 70.0);
	/* a payload delivered in A answers (a stager): no query-side data
	 * to score, the answers are the channel */
	if (a_b > 0)
		score = fmax(score, 60.0 + 20.0 * A);
	/* answer records inside queries: a data channel in the wrong section */
	if (g->q_answers >= 3 && g->q_answer_bytes >= 100)
		score = fmax(score, 65.0 + fmin(20.0, (double)g->q_answers));
	if (score > 100)
		score = 100;
	o->score = round(score * 10.0) / 10.0;
	o->exfil = out_b >= 512 || g->q_answer_bytes >= 100;
	o->confidence = (o->tool && strength >= 0.9) || o->score >= 85 ? "high"
			: o->score >= 70 ? "medium" : "low";

	if (!text)
		return 0;

	/* sentences */
	char hb[32], hb2[32];
	const char *ename = enc ? features_enc_name(enc) : NULL;
	uint32_t nclients = g->nclients + (uint32_t)(g->clients_dropped ? 1 : 0);
	if (uniq > 0) {
		human((double)o->bytes_out, hb, sizeof(hb));
		if (ename)
			ret |= add_reason(o, "%.0f unique %.0f-character %s payloads under %s from %u client%s (%s decoded)",
					  uniq, avg_len, ename, domain, nclients, nclients == 1 ? "" : "s", hb);
		else
			ret |= add_reason(o, "%.0f unique payloads of %.0f characters on average under %s from %u client%s",
					  uniq, avg_len, domain, nclients, nclients == 1 ? "" : "s");
		if (unlike >= 0.4)
			ret |= add_reason(o, "payload labels look unlike hostnames (score %.2f of 1; entropy %.1f bits per character)",
					  unlike, entropy);
		/* the encoding is named as the first sentence names it, or not
		 * at all: never "hex" there and "base64" here */
		if (mixed >= 0.5 && base_mixed < 0.2)
			ret |= add_reason(o, "%.0f%% of payloads mix upper and lower case while the domain itself does not (%s%s, not 0x20 randomisation)",
					  mixed * 100, ename ? ename : "encoded data",
					  ename ? " letters" : "");
		if (short_spread)
			ret |= add_reason(o, "%.0f unique short %s payloads (%.0f characters on average), %.0f%% of them from one client: data cut into many queries",
					  uniq, ename, avg_len, 100.0 * (double)top_payq / (double)g->payload_queries);
		if (varied_text)
			ret |= add_reason(o, "%.0f unique payloads of %.0f characters, %.0f%% of them from one client, that compress poorly (ratio %.2f): text too varied for host names (a word or other low-entropy encoding)",
					  uniq, avg_len, 100.0 * (double)top_payq / (double)g->payload_queries, ratio);
		if (polled)
			ret |= add_reason(o, "only %.0f unique payloads, each asked %.0f times on average: a fixed set of names polled, not new data (score lowered)",
					  uniq, (double)g->payload_queries / uniq);
		if (max_len >= 50)
			ret |= add_reason(o, "payloads up to %llu characters long", (unsigned long long)max_len);
	}
	if (data_share >= 0.3) {
		char mix[128] = "";
		size_t mo = 0;
		int idx[] = {AQ_TXT, AQ_NULL, AQ_CNAME, AQ_MX, AQ_KEY, AQ_PRIVATE};
		for (size_t i = 0; i < sizeof(idx) / sizeof(idx[0]); i++)
			if (g->qtype[idx[i]] && mo < sizeof(mix) - 32)
				mo += (size_t)snprintf(mix + mo, sizeof(mix) - mo, "%s%llu %s", mo ? ", " : "",
						       (unsigned long long)g->qtype[idx[i]], agg_qt_name(idx[i]));
		ret |= add_reason(o, "%.0f%% of queries ask for data records (%s)", data_share * 100, mix);
	}
	if (ans_bytes >= 256) {
		human(ans_bytes, hb2, sizeof(hb2));
		ret |= add_reason(o, "%s of record data returned in %llu answers (entropy %.1f bits per byte)",
				  hb2, (unsigned long long)g->resp_data, resp_ent);
	}
	if (aaaa_b > 0)
		ret |= add_reason(o, "answer-side payload: %u AAAA answers (%.0f bytes) are not routable addresses",
				  g->fp.stager_ans, aaaa_b);
	if (a_b > 0)
		ret |= add_reason(o, "answer-side payload: %u A answers (%.0f bytes) to numbered names (<prefix>0..%u) are no host addresses: their first octets take %u values, some in ranges no host is in (0/8, 127/8, 224/3)",
				  a_pay, a_b, g->fp.stager_a_max, a_oct);
	if (g->q_answers)
		ret |= add_reason(o, "%llu queries carry %llu bytes of answer records inside the query",
				  (unsigned long long)g->q_answers, (unsigned long long)g->q_answer_bytes);
	if (nx >= 0.3 && g->responses >= 10)
		ret |= add_reason(o, "%.0f%% of responses are NXDOMAIN", nx * 100);
	if (o->tool)
		ret |= add_reason(o, "%s", why);
	if (raw)
		ret |= add_reason(o, "%llu non-DNS packets with a tunnel header on DNS ports between its clients and servers",
				  (unsigned long long)raw);
	if (o->score >= 40 && o->score < 70 && !o->tool) {
		char buf[256];
		snprintf(buf, sizeof(buf),
			 "borderline: check whether %s is a content or security service that encodes identifiers in names",
			 domain);
		o->hint = strdup(buf);
	}

	/* numbers */
	feat(o, "queries", (double)g->queries);
	feat(o, "unique_payloads", uniq);
	feat(o, "avg_payload_len", avg_len);
	feat(o, "max_payload_len", (double)max_len);
	feat(o, "avg_labels", uniq > 0 ? ps.labels / nu : 0);
	feat(o, "entropy", entropy);
	feat(o, "unlike_hostname", unlike);
	feat(o, "encoding_share", share);
	feat(o, "mixed_case_share", mixed);
	feat(o, "case_randomised_share", base_mixed);
	feat(o, "compress_ratio", ratio);
	feat(o, "info_bytes_out", ps.chars * ratio);
	feat(o, "data_qtype_share", data_share);
	feat(o, "nxdomain_share", nx);
	feat(o, "resp_data_bytes", ans_bytes);
	feat(o, "resp_entropy", resp_ent);
	feat(o, "seq_share", uniq > 0 ? ps.n_seq / nu : 0);
	feat(o, "time_span_s", span);
	feat(o, "rate_qps", span > 0 ? q / span : q);
	feat(o, "clients", (double)nclients);
	feat(o, "score_payload", s_payload);
	feat(o, "score_volume", s_volume);
	feat(o, "score_records", s_records);
	feat(o, "score_answers", s_answers);

	/* decoded sample */
	size_t best_len = 0;
	const uint8_t *best = agg_best(g, &best_len);
	if (best && enc) {
		int n = features_decode(enc, best, best_len, o->decoded, sizeof(o->decoded));
		if (n > 0) {
			o->decoded_len = (size_t)n;
			o->decoded_encoding = features_enc_name(enc);
		}
	}
	return ret ? -1 : 0;
}

int score_domain(const agg_t *g, const char *domain, uint64_t raw, score_out_t *out)
{
	return score_core(g, domain, raw, out, true);
}

void score_domain_quick(const agg_t *g, uint64_t raw, score_out_t *out)
{
	score_core(g, NULL, raw, out, false);
}
