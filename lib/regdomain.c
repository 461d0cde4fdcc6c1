/*
 * regdomain.c - registered domain split through libpsl's built-in list.
 *
 * State: a direct-mapped cache of 1024 entries keyed by a SipHash of the
 * lowercased last REG_KEY_LABELS labels of a name (random key per
 * instance, so crafted names cannot force collisions in a predictable
 * way; a collision only costs a PSL walk, never a wrong answer, because
 * the entry also stores the key's length and a second hash).  Names with
 * more labels than that are answered from their suffix when the suffix
 * has a registered domain shorter than the suffix itself; Public Suffix
 * List rules longer than REG_KEY_LABELS - 1 labels are thereby ignored
 * (the list has none today).  Names under a top-level label that is not
 * in the list are not cached: they are searched for an inner real TLD
 * (a resolver's search suffix), at most REG_MAX_DROP trailing labels deep.
 */
#include <libpsl.h>
#include <stdlib.h>
#include <string.h>

#include "regdomain.h"
#include "siphash.h"

#define REG_KEY_LABELS 6
#define REG_CACHE 1024
#define REG_MAX_DROP 3

struct reg_entry {
	uint64_t h;
	uint8_t used, reg_labels; /* reg_labels: labels of the registered domain, 0 none */
	uint8_t real_tld;
};

struct regdomain {
	const psl_ctx_t *psl;
	uint8_t key[16];
	struct reg_entry cache[REG_CACHE];
};

regdomain_t *regdomain_new(void)
{
	regdomain_t *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->psl = psl_builtin();
	siphash_random_key(r->key);
	return r;
}

void regdomain_free(regdomain_t *r)
{
	free(r);
}

static int lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

/* Lowercased text of labels [first, last); starts[] receives the offset of
 * each label (relative to first).  Returns the length. */
static size_t labels_text(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			  size_t buflen, size_t *starts)
{
	size_t o = 0;
	if (buflen == 0)
		return 0;
	for (unsigned i = first; i < last; i++) {
		unsigned len;
		const uint8_t *p = dns_name_label(n, i, &len);
		if (i > first && o + 1 < buflen)
			buf[o++] = '.';
		if (starts)
			starts[i - first] = o;
		for (unsigned j = 0; j < len; j++) {
			int c = lower(p[j]);
			if (c > 0x20 && c < 0x7f && c != '.' && c != '\\') {
				if (o + 1 < buflen)
					buf[o++] = (char)c;
			} else if (o + 4 < buflen) {
				buf[o++] = '\\';
				buf[o++] = (char)('0' + c / 100);
				buf[o++] = (char)('0' + c / 10 % 10);
				buf[o++] = (char)('0' + c % 10);
			}
		}
	}
	buf[o] = '\0';
	return o;
}

size_t regdomain_labels_str(const dns_name_t *n, unsigned first, unsigned last, char *buf,
			    size_t buflen)
{
	if (last > n->nlabels)
		last = n->nlabels;
	if (first >= last) {
		if (buflen)
			buf[0] = '\0';
		return 0;
	}
	return labels_text(n, first, last, buf, buflen, NULL);
}

/* Labels of the registered domain of labels [first, last), 0 if none. */
static unsigned reg_labels(const regdomain_t *r, const dns_name_t *n, unsigned first,
			   unsigned last)
{
	char buf[DNS_NAME_STRLEN];
	size_t starts[DNS_MAX_LABELS];
	if (first >= last)
		return 0;
	labels_text(n, first, last, buf, sizeof(buf), starts);
	const char *rd = psl_registrable_domain(r->psl, buf);
	if (!rd)
		return 0;
	size_t off = (size_t)(rd - buf);
	for (unsigned i = 0; i < last - first; i++)
		if (starts[i] == off)
			return last - first - i;
	return 0;
}

static bool tld_real(const regdomain_t *r, const dns_name_t *n, unsigned i)
{
	char buf[4 * 63 + 2];
	labels_text(n, i, i + 1, buf, sizeof(buf), NULL);
	if (!buf[0])
		return false;
	return psl_is_public_suffix2(r->psl, buf, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 0;
}

void regdomain_split(regdomain_t *r, const dns_name_t *n, regdomain_split_t *out)
{
	unsigned nl = n->nlabels;
	memset(out, 0, sizeof(*out));
	out->nlabels = nl;
	out->reg_first = nl;
	if (nl == 0)
		return;
	unsigned first = nl > REG_KEY_LABELS ? nl - REG_KEY_LABELS : 0;
	char key[DNS_NAME_STRLEN];
	size_t klen = labels_text(n, first, nl, key, sizeof(key), NULL);
	uint64_t h = siphash(r->key, key, klen) ^ ((uint64_t)(nl - first) << 56);
	struct reg_entry *e = &r->cache[h % REG_CACHE];
	if (e->used && e->h == h) {
		out->real_tld = e->real_tld;
		if (e->real_tld && e->reg_labels && e->reg_labels < nl - first) {
			out->reg_first = nl - e->reg_labels;
			return;
		}
		if (e->real_tld && nl <= REG_KEY_LABELS) {
			out->reg_first = e->reg_labels ? nl - e->reg_labels : nl;
			return;
		}
	}
	bool real = tld_real(r, n, nl - 1);
	out->real_tld = real;
	if (real) {
		unsigned k = reg_labels(r, n, first, nl);
		e->used = 1;
		e->h = h;
		e->real_tld = 1;
		e->reg_labels = (uint8_t)k;
		if (k && k < nl - first) {
			out->reg_first = nl - k;
		} else if (nl > REG_KEY_LABELS) {
			k = reg_labels(r, n, 0, nl);
			out->reg_first = k ? nl - k : nl;
		} else {
			out->reg_first = k ? nl - k : nl;
		}
		return;
	}
	/* Not a listed TLD: look for a real TLD further left (search suffix). */
	for (unsigned drop = 1; drop <= REG_MAX_DROP && drop + 1 < nl; drop++) {
		unsigned last = nl - drop;
		if (!tld_real(r, n, last - 1))
			continue;
		unsigned k = reg_labels(r, n, 0, last);
		if (k && k < last) {
			out->nlabels = last;
			out->dropped = drop;
			out->reg_first = last - k;
			out->real_tld = true;
			return;
		}
	}
	/* Under the implicit '*' rule: the last two labels. */
	out->reg_first = nl >= 2 ? nl - 2 : nl;
}

size_t regdomain_of_str(regdomain_t *r, const char *name, char *buf, size_t buflen)
{
	dns_name_t n;
	memset(&n, 0, sizeof(n));
	size_t o = 0;
	const char *s = name;
	while (*s && n.nlabels < DNS_MAX_LABELS) {
		const char *dot = strchr(s, '.');
		size_t len = dot ? (size_t)(dot - s) : strlen(s);
		if (len == 0 || len > 63 || o + len + 2 > DNS_MAX_NAME)
			break;
		n.loff[n.nlabels++] = (uint8_t)o;
		n.wire[o++] = (uint8_t)len;
		memcpy(n.wire + o, s, len);
		o += len;
		s += len;
		if (*s == '.')
			s++;
	}
	n.wire[o++] = 0;
	n.len = (uint16_t)o;
	regdomain_split_t sp;
	regdomain_split(r, &n, &sp);
	if (sp.reg_first >= sp.nlabels) {
		if (buflen)
			buf[0] = '\0';
		return 0;
	}
	return regdomain_labels_str(&n, sp.reg_first, sp.nlabels, buf, buflen);
}
