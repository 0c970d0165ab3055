/* mime.h - MIME with GMime 3: parse an e-mail or a multipart/form-data body, build a reply (pure).
 *
 * Everything here works on bytes in memory: no files, no network, no
 * globals visible to the caller (GMime is initialised once per process,
 * inside, on first use).  Every call uses its own GMime objects, so calls may
 * run in parallel threads.
 *
 * Parsing an e-mail (RFC 5322 with MIME, RFC 2045-2049):
 *
 *	struct mime_message *m;
 *	struct mime_limits lim = MIME_LIMITS_DEFAULT;
 *	if (mime_parse_message(&m, raw, len, &lim, &e) < 0)
 *		... e.code is ERR_MALFORMED or ERR_TOO_LARGE ...
 *	use(m->subject, m->body, m->attachments[i].data, ...);
 *	mime_message_free(m);
 *
 * All text (headers and the body) comes out as valid UTF-8.  Declared
 * charsets GB2312 and GBK are read as GB18030 (their superset: mail labelled
 * GB2312 often holds GBK characters); an undeclared or wrong charset is read as
 * UTF-8 when the bytes are valid UTF-8, else as GB18030; bytes no charset
 * explains become U+FFFD.  Headers with raw 8-bit bytes and RFC 2047 words
 * that do not convert go through the same UTF-8, then GB18030, fallback.
 *
 * The body is the text a person reading the mail would see first: in a
 * multipart/alternative the text/plain alternative (text/html reduced to text
 * when there is no text/plain one or it is blank); further inline text/plain
 * parts without a file name are appended.
 * Every other leaf part is an attachment (a message/rfc822 part as its
 * serialised bytes); the signature part of a multipart/signed is dropped.
 *
 * Encrypted mail is recognised, not decrypted (that needs keys: see
 * service/pgp.h): a multipart/encrypted part (RFC 3156 PGP/MIME) sets
 * pgp_mime and hands its encrypted part in pgp_data; an ASCII-armored
 * "-----BEGIN PGP MESSAGE-----" block in the body (inline PGP) sets
 * pgp_inline and hands the block in pgp_data.  The body and attachments of a
 * PGP/MIME message are those outside the encrypted part.  Once decrypted,
 * the inner MIME entity (headers and content, without a message's headers)
 * is parsed with mime_parse_entity().
 *
 * What counts as malformed (ERR_MALFORMED): input GMime builds no message
 * from, input with no header at all, a header block that is not headers
 * (GMime's "invalid header name" at the start), a multipart without a
 * boundary, MIME nested deeper than the limit.  Past a limit of part count or
 * part size: ERR_TOO_LARGE.  Everything else GMime accepts is accepted:
 * real mail is often a little broken.
 */
#ifndef VF_MIME_H
#define VF_MIME_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

struct mime_limits {
	size_t max_parts;      /* MIME parts in all, nested ones included */
	size_t max_depth;      /* nesting of multiparts and attached messages */
	size_t max_part_size;  /* decoded bytes of one part */
	size_t max_total;      /* decoded bytes of all parts together */
};

#define MIME_LIMITS_DEFAULT { 1000, 20, 32u << 20, 64u << 20 }

/* One attached file.  Strings are UTF-8; filename and content_type may be
 * NULL (not sent); data is never NULL (an empty part is 0 bytes). */
struct mime_attachment {
	char *filename;        /* as declared (RFC 2231 / RFC 2047 decoded), NULL if none */
	char *content_type;    /* "type/subtype" in lower case as declared, NULL if none */
	unsigned char *data;   /* transfer-decoded bytes (base64, quoted-printable, ...) */
	size_t len;
};

struct mime_message {
	char *subject;         /* NULL if there is no Subject */
	char *from_name;       /* display name of the first From mailbox, NULL if none */
	char *from_addr;       /* its address as written, NULL if there is no mailbox */
	char *date;            /* the Date header as written, NULL if none */
	int64_t date_us;       /* the Date in microseconds since the epoch, 0 if unparsable */
	char *message_id;      /* without the angle brackets, NULL if none */
	char *body;            /* UTF-8 text, "" when the message has none */
	int body_from_html;    /* 1: body is text/html reduced to text */
	struct mime_attachment *attachments;
	size_t nattachments;
	int pgp_mime;          /* 1: a multipart/encrypted part was found */
	int pgp_inline;        /* 1: an inline "-----BEGIN PGP MESSAGE-----" block was found */
	unsigned char *pgp_data; /* the encrypted part or armored block, NULL if neither */
	size_t pgp_len;
};

/* Parse a whole message (headers, then body).  *out is NULL on error. */
int mime_parse_message(struct mime_message **out, const void *data, size_t len,
		       const struct mime_limits *lim, struct err *e);
/* Parse a MIME entity (a part: Content-* headers, then content), such as a
 * decrypted PGP/MIME payload.  Header fields of a message (subject, from,
 * date, message_id) are filled when the entity carries them (the "protected
 * headers" some mail programs put inside the encryption), else NULL. */
int mime_parse_entity(struct mime_message **out, const void *data, size_t len,
		      const struct mime_limits *lim, struct err *e);
void mime_message_free(struct mime_message *m);

/* Text in charset (an IANA or common alias name; NULL or unknown = guess as
 * above) to a new NUL-terminated valid UTF-8 string; *out_len (if not NULL)
 * gets its length.  Never fails. */
char *mime_to_utf8(const void *data, size_t len, const char *charset, size_t *out_len);

/* HTML to plain text: tags removed (script, style and head with their
 * content), block ends and <br> as line breaks, character references
 * decoded, runs of blanks collapsed.  Input and output UTF-8. */
char *mime_html_to_text(const char *html, size_t len);

/* ---- multipart/form-data (RFC 7578) ---------------------------------- */

struct mime_form_field {
	char *name;            /* UTF-8 */
	char *value;           /* UTF-8 (the part's charset, else _charset_, else UTF-8) */
};

struct mime_form_file {
	char *field;           /* the form field's name */
	char *filename;        /* UTF-8 as sent, "" if the browser sent an empty name */
	char *content_type;    /* lower case, NULL if not sent */
	unsigned char *data;
	size_t len;
};

struct mime_form {
	struct mime_form_field *fields;
	size_t nfields;
	struct mime_form_file *files;
	size_t nfiles;
};

/* Parse body as multipart/form-data, with content_type the request's
 * Content-Type header value (it carries the boundary).  A part with a
 * filename parameter is a file (even an empty one), any other a field.
 * ERR_MEDIA_TYPE if content_type is not multipart/form-data; ERR_MALFORMED
 * if it has no boundary, the body does not end with the closing delimiter
 * (a truncated upload), or a part has no form-data name; ERR_TOO_LARGE past
 * lim->max_parts parts or a part over lim->max_part_size bytes or all parts
 * over lim->max_total (max_depth is not used: forms are flat). */
int mime_parse_form(struct mime_form **out, const char *content_type, const void *body,
		    size_t len, const struct mime_limits *lim, struct err *e);
/* The value of field name (the first one if repeated), or NULL. */
const char *mime_form_get(const struct mime_form *f, const char *name);
void mime_form_free(struct mime_form *f);

/* ---- building a text/plain message ------------------------------------ */

struct mime_text_message {
	const char *from;         /* address */
	const char *from_name;    /* display name, or NULL */
	const char *to;           /* address */
	const char *to_name;      /* display name, or NULL */
	const char *subject;      /* UTF-8; encoded per RFC 2047 when not ASCII */
	const char *body;         /* UTF-8; lines end in \n (written as CRLF) */
	int64_t date_us;          /* the Date header */
	const char *message_id;   /* without angle brackets */
	const char *in_reply_to;  /* message id replied to (no brackets), or NULL;
				   * left out if it is not a valid message id */
};

/* Render m as an RFC 5322 message with CRLF line ends: Date, From, To,
 * Subject, Message-ID, (In-Reply-To, References,) MIME-Version, a
 * text/plain; charset=utf-8 body in quoted-printable when it is all ASCII,
 * else base64.  Control characters in the subject and display names become
 * blanks.  ERR_INVALID if an address or the message id is not one (one '@'
 * with text on both sides; no blanks, controls, quotes, brackets, ',', ';' or
 * ':').  *out is a NUL-terminated string the caller frees. */
int mime_build_text(char **out, size_t *out_len, const struct mime_text_message *m,
		    struct err *e);

#endif
