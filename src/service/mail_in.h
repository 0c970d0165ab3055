/* mail_in.h - an e-mail as a report: parse, decrypt, and fill a struct intake_report.
 *
 *	struct mail_in *m;
 *	struct mail_in_options o = { .max_bytes = cfg->mail_max_bytes,
 *				     .limits = MIME_LIMITS_DEFAULT, .pgp = pgp };
 *	if (mail_in_parse(&m, raw, len, &o, &e) < 0)
 *		... ERR_TOO_LARGE or ERR_MALFORMED: log it with intake_reject() ...
 *	intake_submit(it, INTAKE_EMAIL, &m->report, &receipt, &e);
 *	mail_in_free(m);
 *
 * How the report is filled:
 *
 *   title        the Subject (blanks collapsed), else the first line of the
 *                text, else "(no subject)"; cut to 200 characters
 *   description  the text of the mail (formats/mime.h says which part);
 *                "(no text; see the attachments)" or "(empty message)" when
 *                there is none.  A text over 100,000 characters is cut
 *                there and attached whole as "message.txt".
 *   product_*    the first "Product:" / "产品:" (or "Product name:" /
 *                "产品名称:"), "Model:" / "型号:", "Version:" / "版本:" line
 *                of the text (either colon, ':' or '：'; English keys in any
 *                case; the value cut to 200 characters); product_name is
 *                "(not stated)" when there is no such line
 *   language     "zh-CN" when the title or text holds a CJK ideograph, else "en"
 *   reporter_*   the display name and address of the first From mailbox
 *                (the address only when it has an '@')
 *   attachments  every attached file, in order
 *   raw, raw_len the message exactly as received (a NUL follows it, not counted)
 *
 * Encrypted mail (PGP/MIME, RFC 3156, or an inline ASCII-armored block) is
 * decrypted with o->pgp: the PGP/MIME payload is parsed again as a MIME
 * entity (its body and attachments replace the outer ones; a Subject inside,
 * as some mail programs protect it, replaces the outer one); an inline block
 * is replaced in the text by its plaintext.  When it cannot be decrypted (no
 * pgp, no matching key) the report is still made, so nothing sent is lost:
 * the text says so and the encrypted part is attached as "encrypted.asc";
 * pgp is then MAIL_PGP_UNDECRYPTED and pgp_error says why.
 */
#ifndef VF_MAIL_IN_H
#define VF_MAIL_IN_H

#include <stddef.h>

#include "base/err.h"
#include "formats/mime.h"
#include "service/intake.h"
#include "service/pgp.h"

struct mail_in_options {
	size_t max_bytes;          /* largest message accepted; 0 = no limit */
	struct mime_limits limits; /* MIME parts; also the most a decryption may yield */
	struct pgp *pgp;           /* NULL: encrypted mail is not decrypted */
};

enum mail_pgp_state {
	MAIL_PGP_NONE = 0,         /* not encrypted */
	MAIL_PGP_DECRYPTED,
	MAIL_PGP_UNDECRYPTED,      /* encrypted, and could not be decrypted */
};

struct mail_in {
	struct intake_report report; /* every pointer points into memory the mail_in owns */
	const char *subject;       /* the Subject as sent, NULL if none */
	const char *message_id;    /* without brackets, NULL if none (for In-Reply-To) */
	enum mail_pgp_state pgp;
	char pgp_error[256];       /* why it could not be decrypted, or "" */
};

/* Parse the message raw[0..len).  ERR_TOO_LARGE past o->max_bytes or a MIME
 * limit, ERR_MALFORMED if it is not a message (formats/mime.h says which). */
int mail_in_parse(struct mail_in **out, const void *raw, size_t len,
		  const struct mail_in_options *o, struct err *e);
void mail_in_free(struct mail_in *m);

#endif
