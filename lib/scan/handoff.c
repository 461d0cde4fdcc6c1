/*
 * handoff.c - the scan pipeline split across two threads: see handoff.h.
 */
#include "handoff.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

typedef struct batch {
	ho_rec_t *rec;
	uint32_t n;
	uint8_t *data;
	size_t used;
} batch_t;

struct handoff {
	ho_fn fn;
	void *ud;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t full_cv;  /* a batch was queued, or stop */
	pthread_cond_t free_cv;  /* a batch was handled */
	batch_t b[HANDOFF_BATCHES];
	/* ring of queued batches (indices into b), in order */
	unsigned q[HANDOFF_BATCHES], qhead, qn;
	unsigned nfree, freel[HANDOFF_BATCHES];
	unsigned busy;           /* batches the consumer holds (0 or 1) */
	int cur;                 /* the batch being filled, -1: none */
	bool stop;
};

static void *consume(void *arg)
{
	handoff_t *h = arg;
	pthread_mutex_lock(&h->mu);
	for (;;) {
		while (!h->qn && !h->stop)
			pthread_cond_wait(&h->full_cv, &h->mu);
		if (!h->qn)
			break; /* stop, and nothing left */
		unsigned i = h->q[h->qhead];
		h->qhead = (h->qhead + 1) % HANDOFF_BATCHES;
		h->qn--;
		h->busy++;
		pthread_mutex_unlock(&h->mu);
		batch_t *b = &h->b[i];
		for (uint32_t k = 0; k < b->n; k++)
			h->fn(h->ud, &b->rec[k]);
		b->n = 0;
		b->used = 0;
		pthread_mutex_lock(&h->mu);
		h->busy--;
		h->freel[h->nfree++] = i;
		pthread_cond_signal(&h->free_cv);
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

handoff_t *handoff_start(ho_fn fn, void *ud)
{
	handoff_t *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->fn = fn;
	h->ud = ud;
	for (unsigned i = 0; i < HANDOFF_BATCHES; i++) {
		h->b[i].rec = malloc(HANDOFF_RECS * sizeof(ho_rec_t));
		h->b[i].data = malloc(HANDOFF_BYTES);
		if (!h->b[i].rec || !h->b[i].data)
			goto fail;
		h->freel[h->nfree++] = i;
	}
	h->cur = -1;
	if (pthread_mutex_init(&h->mu, NULL) != 0)
		goto fail;
	if (pthread_cond_init(&h->full_cv, NULL) != 0) {
		pthread_mutex_destroy(&h->mu);
		goto fail;
	}
	if (pthread_cond_init(&h->free_cv, NULL) != 0) {
		pthread_cond_destroy(&h->full_cv);
		pthread_mutex_destroy(&h->mu);
		goto fail;
	}
	if (pthread_create(&h->th, NULL, consume, h) != 0) {
		pthread_cond_destroy(&h->free_cv);
		pthread_cond_destroy(&h->full_cv);
		pthread_mutex_destroy(&h->mu);
		goto fail;
	}
	return h;
fail:
	for (unsigned i = 0; i < HANDOFF_BATCHES; i++) {
		free(h->b[i].rec);
		free(h->b[i].data);
	}
	free(h);
	return NULL;
}

/* Queue the batch being filled (if any). Called with mu held. */
static void submit_locked(handoff_t *h)
{
	if (h->cur < 0)
		return;
	h->q[(h->qhead + h->qn) % HANDOFF_BATCHES] = (unsigned)h->cur;
	h->qn++;
	h->cur = -1;
	pthread_cond_signal(&h->full_cv);
}

ho_rec_t *handoff_put(handoff_t *h, const l4_pkt_t *l4, const uint8_t *msg, uint32_t len,
		      uint32_t input)
{
	if (len > HANDOFF_BYTES)
		len = HANDOFF_BYTES; /* DNS messages are at most 65535 octets */
	batch_t *b = h->cur >= 0 ? &h->b[h->cur] : NULL;
	if (!b || b->n == HANDOFF_RECS || HANDOFF_BYTES - b->used < len) {
		pthread_mutex_lock(&h->mu);
		submit_locked(h);
		while (!h->nfree)
			pthread_cond_wait(&h->free_cv, &h->mu);
		h->cur = (int)h->freel[--h->nfree];
		pthread_mutex_unlock(&h->mu);
		b = &h->b[h->cur];
	}
	ho_rec_t *r = &b->rec[b->n++];
	r->l4 = *l4;
	r->input = input;
	memcpy(b->data + b->used, msg, len);
	r->l4.payload = b->data + b->used;
	r->l4.paylen = len;
	b->used += len;
	return r;
}

void handoff_drain(handoff_t *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	submit_locked(h);
	while (h->qn || h->busy)
		pthread_cond_wait(&h->free_cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void handoff_stop(handoff_t *h)
{
	if (!h)
		return;
	handoff_drain(h);
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->full_cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->th, NULL);
	pthread_cond_destroy(&h->free_cv);
	pthread_cond_destroy(&h->full_cv);
	pthread_mutex_destroy(&h->mu);
	for (unsigned i = 0; i < HANDOFF_BATCHES; i++) {
		free(h->b[i].rec);
		free(h->b[i].data);
	}
	free(h);
}
