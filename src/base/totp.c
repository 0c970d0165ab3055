/* totp.c - TOTP codes with liboath. */
#include "base/totp.h"

#include <liboath/oath.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"

#define TOTP_STEP_S 30
#define TOTP_DIGITS 6

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;

static void oath_start(void)
{
	oath_init();
}

static int from_hex(const char *hex, char out[TOTP_SECRET_BYTES])
{
	size_t len = TOTP_SECRET_BYTES;

	if (strlen(hex) != TOTP_SECRET_BYTES * 2)
		return -1;
	return oath_hex2bin(hex, out, &len) == OATH_OK && len == TOTP_SECRET_BYTES ? 0 : -1;
}

int totp_new_secret(char hex[TOTP_SECRET_HEX_LEN], char base32[40], struct err *e)
{
	char raw[TOTP_SECRET_BYTES];
	char *b32 = NULL;
	size_t b32len = 0;

	pthread_once(&oath_once, oath_start);
	crypto_random(raw, sizeof(raw));
	oath_bin2hex(raw, sizeof(raw), hex);
	if (oath_base32_encode(raw, sizeof(raw), &b32, &b32len) != OATH_OK || b32len >= 40) {
		free(b32);
		return err_set(e, ERR_INTERNAL, "cannot encode totp secret");
	}
	memcpy(base32, b32, b32len);
	base32[b32len] = '\0';
	free(b32);
	return 0;
}

int totp_check(const char *secret_hex, const char *code, int64_t now_s, int64_t *step)
{
	char raw[TOTP_SECRET_BYTES];
	uint64_t counter = 0;
	int pos = 0;

	pthread_once(&oath_once, oath_start);
	if (from_hex(secret_hex, raw) < 0 || strlen(code) != TOTP_DIGITS)
		return -1;
	if (oath_totp_validate3(raw, sizeof(raw), (time_t)now_s, TOTP_STEP_S, 0, 1, &pos,
				&counter, code) < 0)
		return -1;
	*step = (int64_t)counter;
	return 0;
}

int totp_code(const char *secret_hex, int64_t now_s, char out[8])
{
	char raw[TOTP_SECRET_BYTES];

	pthread_once(&oath_once, oath_start);
	if (from_hex(secret_hex, raw) < 0)
		return -1;
	return oath_totp_generate(raw, sizeof(raw), (time_t)now_s, TOTP_STEP_S, 0, TOTP_DIGITS,
				  out) == OATH_OK ? 0 : -1;
}
