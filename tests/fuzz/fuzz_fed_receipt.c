/* fuzz_fed_receipt.c - libFuzzer target for receipts of federation envelopes
 * (service/fed_receipt.h).
 *
 * The input is parsed as a receipt: it must either parse or be refused with
 * ERR_INVALID and a message.  One that parses must round-trip (its wire form
 * parses to the same receipt and writes the same bytes), and its proof is
 * checked against the payload of the envelope it names (accepted or
 * refused, never a crash).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/hash.h"
#include "service/fed_receipt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fed_receipt r, back;
	struct err e = ERR_INIT;
	struct hash_ctx *h;
	char *text, *text2, *payload, msg[FED_RECEIPT_STH_MSG_MAX];
	size_t len, len2;

	if (fed_receipt_parse(&r, (const char *)data, size, &e) < 0) {
		if (e.code != ERR_INVALID || e.msg[0] == '\0')
			abort();
		return 0;
	}
	text = fed_receipt_text(&r, &len);
	if (fed_receipt_parse(&back, text, len, &e) < 0 || memcmp(&back, &r, sizeof(r)) != 0)
		abort();
	text2 = fed_receipt_text(&back, &len2);
	if (len2 != len || memcmp(text, text2, len) != 0)
		abort();
	if (hash_ctx_new(&h, r.hash_alg, &e) < 0)
		abort();
	payload = fed_receipt_payload(r.to, r.envelope_type, r.envelope_id, r.envelope_sha256);
	e = (struct err)ERR_INIT;
	if (fed_receipt_check(&r, h, payload, &e) < 0 && e.msg[0] == '\0')
		abort();
	if (fed_receipt_sth_message(&r, msg) == 0)
		abort();
	hash_ctx_free(h);
	free(payload);
	free(text2);
	free(text);
	return 0;
}
