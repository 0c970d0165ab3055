/* fuzz_reward.c - libFuzzer target for reward policies and amounts (rules/reward.h).
 *
 * The input is parsed as JSON; as a policy it must either load or be refused
 * with ERR_INVALID and a message.  A policy that loads must round-trip: its
 * canonical document loads to the same policy, and dumps to the same text.
 * Every range found for a grade and band names that grade; an amount inside
 * a range is within the policy, one just outside is not.  Every array element
 * and member value is also tried as an amount: parsed ones are in 0..max and
 * their formatted string parses back to the same amount.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rules/reward.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const grades[] = { "critical", "high", "medium", "low", "超危", NULL };
static const char *const bands[] = { "critical", "high", "medium", "low", "none", NULL };

static void check_amount(const json_t *v)
{
	char buf[REWARD_AMOUNT_LEN];
	struct err e = ERR_INIT;
	int64_t m, again;
	json_t *s;

	if (reward_amount_parse(&m, v, "amount", &e) < 0) {
		if (e.code != ERR_INVALID || e.msg[0] == '\0')
			abort();
		return;
	}
	if (m < 0 || m > REWARD_AMOUNT_MAX)
		abort();
	reward_amount_format(m, buf);
	s = json_string(buf);
	if (reward_amount_parse(&again, s, "amount", &e) < 0 || again != m)
		abort();
	json_decref(s);
}

static void check_policy(const json_t *doc)
{
	struct reward_policy p, q;
	const struct reward_range *r;
	struct err e = ERR_INIT;
	json_t *canon, *canon2;
	char *t1, *t2;

	if (reward_policy_parse(&p, doc, &e) < 0) {
		if (e.code != ERR_INVALID || e.msg[0] == '\0')
			abort();
		return;
	}
	canon = reward_policy_json(&p);
	if (reward_policy_parse(&q, canon, &e) < 0 || memcmp(&p, &q, sizeof(p)) != 0)
		abort();
	canon2 = reward_policy_json(&q);
	t1 = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS);
	t2 = json_dumps(canon2, JSON_COMPACT | JSON_SORT_KEYS);
	if (t1 == NULL || t2 == NULL || strcmp(t1, t2) != 0)
		abort();
	free(t1);
	free(t2);
	json_decref(canon);
	json_decref(canon2);
	for (int g = 0; grades[g]; g++)
		for (int b = -1; b < 5; b++) {
			const char *band = b < 0 ? NULL : bands[b];

			r = reward_range_for(&p, grades[g], band);
			if (r == NULL)
				continue;
			if (strcmp(r->grade, reward_grade_id(grades[g])) != 0 || r->min > r->max)
				abort();
			if (!reward_within_policy(&p, grades[g], band, p.currency, r->min, &r) ||
			    !reward_within_policy(&p, grades[g], band, p.currency, r->max, &r))
				abort();
			if (r->max < REWARD_AMOUNT_MAX &&
			    reward_within_policy(&p, grades[g], band, p.currency, r->max + 1, &r))
				abort();
		}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *doc = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);
	const char *k;
	json_t *v;
	size_t i;

	if (doc == NULL)
		return 0;
	check_policy(doc);
	check_amount(doc);
	if (json_is_array(doc))
		json_array_foreach(doc, i, v)
			check_amount(v);
	if (json_is_object(doc))
		json_object_foreach(doc, k, v)
			check_amount(v);
	json_decref(doc);
	return 0;
}
