/*
 * feature.h - the features module (not named features.h, which would
 * shadow the C library's <features.h>): pure functions on one query
 * name's payload (the labels left of the base domain): length, labels, character entropy and classes, the
 * encodings the characters are consistent with, how unlike a hostname the
 * letters are (bigram model of English words), and decoding.
 *
 * Nothing here keeps state or allocates; every function reads only the
 * bytes it is given.
 */
#ifndef DNSTS_FEATURE_H
#define DNSTS_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encodings a payload's characters are consistent with (bit set). */
enum feat_enc {
	FEAT_ENC_HEX       = 1u << 0, /* 0-9 a-f (either case) */
	FEAT_ENC_BASE32    = 1u << 1, /* RFC 4648 a-z 2-7, one case per label */
	FEAT_ENC_BASE32HEX = 1u << 2, /* RFC 4648 0-9 a-v, one case per label */
	FEAT_ENC_BASE64    = 1u << 3, /* A-Z a-z 0-9 + / (=) */
	FEAT_ENC_BASE64URL = 1u << 4, /* A-Z a-z 0-9 - _ */
	FEAT_ENC_BINARY    = 1u << 5, /* bytes outside printable LDH: base128, raw */
	FEAT_ENC_NETBIOS   = 1u << 6, /* A-P only, even length (NetBIOS half-ASCII) */
};
#define FEAT_NENC 7

/* Features of one payload. */
typedef struct feat {
	uint16_t len;          /* payload characters, dots excluded */
	uint8_t nlabels;
	uint8_t maxlabel;      /* longest label */
	uint16_t n_lower, n_upper, n_digit, n_hyphen, n_under, n_other, n_high;
	double entropy;        /* Shannon bits per character, case folded */
	uint32_t enc;          /* enum feat_enc bits */
	bool mixed_case;       /* a label holds both upper and lower letters */
	double bigram;         /* mean log2 P of letter bigrams (0 if none) */
	uint16_t nbigrams;     /* letter bigrams scored */
	uint16_t class_changes;/* letter<->digit switches */
	double unlike;         /* 0..1: how unlike a hostname the payload is */
} feat_t;

/* A payload as a sequence of labels. */
typedef struct feat_labels {
	const uint8_t *p[128];
	uint8_t len[128];
	unsigned n;
} feat_labels_t;

void features_compute(const feat_labels_t *l, feat_t *f);
/* The enc bits and mixed_case of features_compute() on one label of len
 * bytes (len <= 255), in one pass without the other features. */
uint32_t features_encoding(const uint8_t *p, size_t len, bool *mixed_case);
/* Convenience for tests and callers with text: labels separated by '.'. */
void features_str(const char *s, feat_t *f);

/* Shannon entropy (bits per byte) of a byte string. */
double features_entropy(const uint8_t *p, size_t len);
/* Mean log2 bigram probability over the letter runs of s (case folded);
 * *n receives the bigram count (0: no letters, result 0). */
double features_bigram(const uint8_t *p, size_t len, unsigned *n);

/* The most specific single encoding consistent with the bits in enc, for
 * decoding (0 if none). */
uint32_t features_pick_encoding(uint32_t enc, bool mixed_case);
const char *features_enc_name(uint32_t one_enc);
/* Payload bits carried per character with the encoding (8 for none). */
double features_enc_bits(uint32_t one_enc);

/*
 * Decode payload characters (dots already removed) with one encoding into
 * out (at most outlen bytes).  Returns the bytes written, or -1 when the
 * text is not valid in that encoding.  Base32/64 padding is optional.
 */
int features_decode(uint32_t one_enc, const uint8_t *in, size_t len, uint8_t *out, size_t outlen);

/* Longest run of a counter: length of the trailing decimal number of the
 * first label, or -1 when it does not end with digits. */
int features_counter(const uint8_t *label, size_t len, uint32_t *value);

#endif
