/* mail_out.h - sending one text/plain message over SMTP (libcurl), and the receipt acknowledgement.
 *
 * The relay is the one the operator configured (smtp_url): vulnflow sends to
 * no other host.  smtps:// speaks TLS from the start; smtp:// upgrades with
 * STARTTLS when the relay offers it, and insists on it when a password is
 * configured (a password is never sent in the clear).  Only the smtp and
 * smtps protocols are enabled in libcurl.
 *
 *	struct mail_out_config c = { .url = cfg->smtp_url, .from = cfg->smtp_from,
 *				     .timeout = 60 };
 *	if (mail_out_receipt(&c, m->report.reporter_email, m->report.reporter_name,
 *			     m->message_id, &receipt, &e) < 0) ... ;
 */
#ifndef VF_MAIL_OUT_H
#define VF_MAIL_OUT_H

#include <stdint.h>

#include "base/err.h"
#include "service/intake.h"

struct mail_out_config {
	const char *url;        /* smtp://host[:port] or smtps://host[:port] */
	const char *from;       /* envelope sender and From address */
	const char *from_name;  /* display name, or NULL */
	const char *user;       /* NULL or "": no SMTP AUTH */
	const char *password;
	long timeout;           /* seconds for the whole exchange; 0 = 60 */
};

struct mail_out_message {
	const char *to;         /* address */
	const char *to_name;    /* display name, or NULL */
	const char *subject;    /* UTF-8 */
	const char *body;       /* UTF-8, lines end in \n */
	const char *in_reply_to;/* message id (no brackets) this answers, or NULL */
};

/* Check c before using it: ERR_INVALID naming the bad key. */
int mail_out_check(const struct mail_out_config *c, struct err *e);

/* Build m (Date now, a new Message-ID at the sender's domain, MIME headers,
 * RFC 2047 subject, base64 or quoted-printable body) and send it.
 * message_id (if not NULL) gets the Message-ID used, without brackets.
 * ERR_INVALID for a bad address or configuration, ERR_UNAVAILABLE when the
 * relay cannot be reached or refuses the message (the message names the
 * SMTP step and libcurl's reason). */
int mail_out_send(const struct mail_out_config *c, const struct mail_out_message *m,
		  char message_id[256], struct err *e);

/* The acknowledgement of receipt r in Chinese and English: subject and body
 * (new strings the caller frees).  It carries the receipt id, the received
 * time in Asia/Shanghai and UTC, the log leaf index and hash, and the status
 * token (shown once: this mail is the reporter's only copy). */
void mail_out_receipt_text(const struct intake_receipt *r, char **subject, char **body);

/* Send the acknowledgement of r to the reporter at to (in reply to the
 * reporter's message in_reply_to, if known). */
int mail_out_receipt(const struct mail_out_config *c, const char *to, const char *to_name,
		     const char *in_reply_to, const struct intake_receipt *r, struct err *e);

#endif
