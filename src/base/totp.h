/* totp.h - RFC 6238 time-based one-time passwords (liboath), 30 s steps, 6 digits. */
#ifndef VF_TOTP_H
#define VF_TOTP_H

#include <stdint.h>

#include "base/err.h"

#define TOTP_SECRET_BYTES 20
#define TOTP_SECRET_HEX_LEN (TOTP_SECRET_BYTES * 2 + 1)

/* A new secret as hex (what we store) and base32 (what authenticator apps take). */
int totp_new_secret(char hex[TOTP_SECRET_HEX_LEN], char base32[40], struct err *e);
/* Check code against the secret at time now_s, allowing one step of drift.
 * On success *step is the matched time step, so callers can refuse replays
 * (a step at or before the last one used).  -1 if the code does not match. */
int totp_check(const char *secret_hex, const char *code, int64_t now_s, int64_t *step);
/* The code for a given time (tests and the CLI's enrollment check). */
int totp_code(const char *secret_hex, int64_t now_s, char out[8]);

#endif
