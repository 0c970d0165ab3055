/* gate_scan.c - the publication gate's text scanners: internal addresses and host names
 * (Art. 9(2)), alarm wording (Art. 9(3)), exploit material (Art. 9(4)).
 *
 * Each scanner walks one UTF-8 text once, character by character (an invalid
 * byte is one character), and flags spans for a reviewer.  What they look
 * for is data: the static tables below (word lists, suffixes, commands),
 * documented with their known limits in docs/internals/gate.md.  Matching is
 * ASCII case-insensitive and never depends on the locale; Chinese entries
 * are matched byte for byte.  Flagging is deliberately generous: a finding
 * costs a reviewer a click, a missed exploit or internal address is what
 * Art. 9 forbids.
 */
#include "rules/gate.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/crypto.h"
#include "base/mem.h"

/* ---- the lists ---------------------------------------------------------- */

/*
 * Phrases.  ASCII letters match in any case; a space matches one or more
 * spaces, tabs, newlines or hyphens ("proof of concept" = "Proof-of-Concept");
 * an end that is an ASCII letter or digit must sit at a word boundary.  At one
 * position the first entry that matches wins, so longer phrases come first.
 */

/* Art. 9(2): host name suffixes that are never public (RFC 6762, RFC 8375, common use). */
static const char *const internal_suffixes[] = {
	".home.arpa", ".local", ".lan", ".internal", ".corp", ".intranet", ".localdomain",
};

/* Art. 9(2): a dotted number right after one of these is a version, not an address. */
static const char *const version_words[] = {
	"version", "versions", "ver", "ver.", "v", "v.", "release", "releases", "build",
	"firmware", "fw", "rev", "revision", "patch", "update", "upgrade to", "update to",
	"版本", "版本号", "固件", "固件版本", "升级到", "升级至", "更新到", "更新至",
};

/* ... and a dotted number after a version and only these (and , 、 - –) is one too. */
static const char *const version_joiners[] = {
	"and", "or", "to", "through", "thru", "至", "到", "和", "及", "或",
};

/* Art. 9(3): alarm wording, flagged wherever it appears. */
static const char *const alarm_phrases[] = {
	/* en */
	"catastrophic", "catastrophe", "apocalyptic", "apocalypse", "doomsday", "armageddon",
	"devastating", "disastrous", "nightmare", "unprecedented", "cyber pearl harbor",
	"break the internet", "breaks the internet", "entire internet", "whole internet",
	"worst ever", "worst vulnerability", "all systems", "every system", "all devices",
	"every device", "every computer", "all computers", "every user", "all users",
	"extremely dangerous", "extremely severe",
	/* zh */
	"灾难性", "毁灭性", "全网瘫痪", "互联网瘫痪", "全球瘫痪", "史上最", "史诗级", "核弹级",
	"末日", "惊天", "震惊", "前所未有", "所有系统", "所有设备", "全部设备", "一切设备",
	"所有用户", "最严重的漏洞", "极其严重", "极其危险",
};

/* Art. 9(3): severity words, flagged when above the computed severity. */
static const char *const critical_not_before[] = {
	"infrastructure", "infrastructures", "sector", "sectors", "manufacturing", "section",
	"sections", "path", "paths", NULL,
};
static const struct {
	const char *text;
	enum gate_severity level;
	const char *const *unless_next;         /* not when the next word is one of these */
} severity_terms[] = {
	{ "critical severity", GATE_SEV_CRITICAL, NULL },
	{ "critical", GATE_SEV_CRITICAL, critical_not_before },
	{ "超危", GATE_SEV_CRITICAL, NULL },
	{ "high severity", GATE_SEV_HIGH, NULL },
	{ "high risk", GATE_SEV_HIGH, NULL },
	{ "高危", GATE_SEV_HIGH, NULL },
	{ "高风险", GATE_SEV_HIGH, NULL },
	{ "medium severity", GATE_SEV_MEDIUM, NULL },
	{ "中危", GATE_SEV_MEDIUM, NULL },
};

/* Art. 9(4): exploit vocabulary.  VERB: not when used as a verb (see verb_*). */
#define VERB 1u
static const struct {
	const char *text;
	unsigned flags;
} exploit_terms[] = {
	/* en */
	{ "exploit code", 0 }, { "exploit kit", 0 }, { "exploit chain", 0 },
	{ "exploits", VERB }, { "exploit", VERB }, { "payloads", 0 }, { "payload", 0 },
	{ "shellcode", 0 }, { "shell code", 0 }, { "proofs of concept", 0 },
	{ "proof of concept", 0 }, { "pocs", 0 }, { "poc", 0 }, { "weaponized", 0 },
	{ "weaponised", 0 }, { "weaponize", 0 }, { "weaponise", 0 }, { "reverse shell", 0 },
	{ "bind shell", 0 }, { "webshell", 0 }, { "web shell", 0 }, { "metasploit", 0 },
	{ "rop chain", 0 }, { "heap spray", 0 },
	/* zh */
	{ "漏洞利用工具", 0 }, { "漏洞利用代码", 0 }, { "漏洞利用程序", 0 }, { "漏洞利用脚本", 0 },
	{ "利用代码", 0 }, { "利用程序", 0 }, { "利用脚本", 0 }, { "利用工具", 0 },
	{ "攻击载荷", 0 }, { "有效载荷", 0 }, { "攻击代码", 0 }, { "攻击脚本", 0 },
	{ "概念验证代码", 0 }, { "概念验证", 0 }, { "验证代码", 0 }, { "反弹shell", 0 },
	{ "反弹 shell", 0 }, { "一句话木马", 0 },
};

/* "exploit" after one of these words, or before one of those, is the verb. */
static const char *const verb_before[] = {
	"to", "could", "can", "may", "might", "would", "will", "cannot", "not", "attacker",
	"attackers", "actor", "actors", "successfully",
};
static const char *const verb_after[] = {
	"this", "these", "that", "the", "it", "them", "a", "an", "vulnerability",
	"vulnerabilities", "flaw", "flaws", "issue", "issues", "weakness", "weaknesses",
};

/* Art. 9(4): shell commands, flagged when an argument of the listed shape follows. */
#define ARG_OPTION 1u   /* -x, --long */
#define ARG_URL 2u      /* a token with :// */
#define ARG_ADDR 4u     /* starts with a digit (address, port) or is followed by a port */
#define ARG_DASH_C 8u   /* exactly -c */
#define ARG_DASH_E 16u  /* exactly -e */
#define ARG_SLASH_C 32u /* /c or /k (cmd.exe) */
#define ARG_QUOTE 64u   /* starts with a quote */
#define ARG_NONE 128u   /* the word alone */
static const struct {
	const char *word;
	unsigned args;
} commands[] = {
	{ "curl", ARG_OPTION | ARG_URL }, { "wget", ARG_OPTION | ARG_URL },
	{ "nc", ARG_OPTION | ARG_ADDR }, { "ncat", ARG_OPTION | ARG_ADDR },
	{ "netcat", ARG_OPTION | ARG_ADDR }, { "telnet", ARG_ADDR },
	{ "bash", ARG_DASH_C }, { "sh", ARG_DASH_C }, { "zsh", ARG_DASH_C },
	{ "python", ARG_DASH_C }, { "python3", ARG_DASH_C }, { "perl", ARG_DASH_E },
	{ "ruby", ARG_DASH_E }, { "powershell.exe", ARG_NONE },
	{ "powershell", ARG_OPTION | ARG_QUOTE }, { "pwsh", ARG_OPTION | ARG_QUOTE },
	{ "cmd.exe", ARG_SLASH_C }, { "cmd", ARG_SLASH_C }, { "msfconsole", ARG_NONE },
	{ "msfvenom", ARG_NONE }, { "sqlmap", ARG_OPTION },
};

/* Art. 9(4): after ; && || $( these make a chain; after | only the interpreters.
 * Words that are also English words need a shell-like argument after them
 * (- / $ ~ . quote, digit, redirection or a URL: "; cat /etc/passwd"), so
 * that "libcurl; wget is not affected" is prose. */
static const struct {
	const char *word;
	int needs_arg;
} chain_utilities[] = {
	{ "id", 0 }, { "whoami", 0 }, { "uname", 0 }, { "pwd", 0 }, { "ifconfig", 0 },
	{ "netstat", 0 }, { "printenv", 0 }, { "busybox", 0 }, { "telnetd", 0 },
	{ "nslookup", 0 }, { "useradd", 0 }, { "mkfifo", 0 }, { "reboot", 0 },
	{ "ls", 1 }, { "cat", 1 }, { "rm", 1 }, { "wget", 1 }, { "curl", 1 }, { "nc", 1 },
	{ "sh", 1 }, { "bash", 1 }, { "echo", 1 }, { "ping", 1 }, { "sleep", 1 }, { "chmod", 1 },
	{ "cp", 1 }, { "mv", 1 }, { "touch", 1 }, { "tftp", 1 }, { "python", 1 }, { "perl", 1 },
	{ "passwd", 1 }, { "kill", 1 }, { "ps", 1 }, { "env", 1 }, { "dig", 1 },
	{ "shutdown", 1 },
};
static const char *const pipe_interpreters[] = {
	"sh", "bash", "zsh", "python", "python3", "perl", "nc",
};

/* Art. 9(4): what starts step-by-step instructions (then numbered lines must follow). */
static const char *const step_markers[] = {
	"steps to reproduce", "reproduction steps", "step 1", "step1", "step one", "第一步",
	"第1步", "步骤",
};

#define STEP_GAP_MAX 20          /* blank or continuation lines between two steps */
#define HEX_BLOB_MIN 130        /* longer than a SHA-512 in hex: checksums are not blobs */
#define BASE64_BLOB_MIN 100
#define ESCAPES_MIN 8           /* \x90\x90... */
#define BYTE_LIST_MIN 16        /* 0x90, 0x90, ... */

/* The kinds, in the order findings at one offset are listed. */
static const char kind_ipv4[] = "private_ipv4";
static const char kind_ipv6[] = "private_ipv6";
static const char kind_host[] = "internal_host";
static const char kind_url[] = "internal_url";
static const char kind_alarm[] = "alarm_wording";
static const char kind_severity[] = "severity_term";
static const char kind_code[] = "code_block";
static const char kind_indented[] = "indented_code";
static const char kind_steps[] = "step_by_step";
static const char kind_command[] = "shell_command";
static const char kind_chain[] = "shell_chain";
static const char kind_term[] = "exploit_term";
static const char kind_hex[] = "hex_blob";
static const char kind_base64[] = "base64_blob";
static const char *const kinds[] = {
	kind_ipv4, kind_ipv6, kind_host, kind_url, kind_alarm, kind_severity, kind_code,
	kind_indented, kind_steps, kind_command, kind_chain, kind_term, kind_hex, kind_base64,
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- characters ---------------------------------------------------------- */

static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(int c)
{
	return is_digit(c) || is_alpha(c);
}

static int is_hex(int c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int is_word(int c)
{
	return is_alnum(c) || c == '_';
}

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int is_blank(int c)
{
	return c == ' ' || c == '\t';
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_base64(int c)
{
	return is_alnum(c) || c == '+' || c == '/';
}

/* The length of the character at s[i]: 2-4 for a valid UTF-8 sequence
 * (shortest form, no surrogates, at most U+10FFFF), else 1. */
static size_t ch_len(const char *str, size_t n, size_t i)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned c = s[i];
	size_t len;
	unsigned min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, min = 0x10000;
	else
		return 1;
	if (n - i < len)
		return 1;
	unsigned cp = c & (0x7f >> len);
	for (size_t k = 1; k < len; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return 1;
		cp = (cp << 6) | (s[i + k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 1;
	return len;
}

/* The character boundary before boundary off (> 0). */
static size_t prev_boundary(const char *s, size_t n, size_t off)
{
	for (size_t back = 2; back <= 4 && back <= off; back++) {
		unsigned char c = (unsigned char)s[off - back];

		if (c >= 0xc2 && c <= 0xf4) {
			if (ch_len(s, n, off - back) == back)
				return off - back;
			break;
		}
		if ((c & 0xc0) != 0x80)
			break;
	}
	return off - 1;
}

/* The byte before i, or 0 at the start. */
static int before(const char *s, size_t i)
{
	return i > 0 ? (unsigned char)s[i - 1] : 0;
}

static int at(const char *s, size_t n, size_t i)
{
	return i < n ? (unsigned char)s[i] : 0;
}

static size_t line_end(const char *s, size_t n, size_t i)
{
	const char *p = memchr(s + i, '\n', n - i);

	return p ? (size_t)(p - s) : n;
}

/* [from, to) without trailing white space (and \r). */
static size_t trim_end(const char *s, size_t from, size_t to)
{
	while (to > from && is_space((unsigned char)s[to - 1]))
		to--;
	return to;
}

/*
 * The length of phrase p matched at s[i], or 0 (rules at the lists above).
 */
static size_t phrase_at(const char *s, size_t n, size_t i, const char *p)
{
	size_t j = i, plen;

	if (i >= n || lower((unsigned char)s[i]) != lower((unsigned char)p[0]))
		return 0;       /* the common case, before anything else */
	if (is_alnum((unsigned char)p[0]) && is_word(before(s, i)))
		return 0;
	plen = strlen(p);
	for (size_t k = 0; k < plen; k++) {
		int pc = (unsigned char)p[k];

		if (pc == ' ') {
			size_t start = j;

			while (j < n && (is_space((unsigned char)s[j]) || s[j] == '-'))
				j++;
			if (j == start)
				return 0;
			continue;
		}
		if (j >= n || lower((unsigned char)s[j]) != lower(pc))
			return 0;
		j++;
	}
	if (is_alnum((unsigned char)p[plen - 1]) && is_word(at(s, n, j)))
		return 0;
	return j - i;
}

/* Does the text end at `end` with word w (ASCII words at a word boundary)? */
static int ends_with_word(const char *s, size_t end, const char *w)
{
	size_t len = strlen(w);

	if (end < len)
		return 0;
	for (size_t k = 0; k < len; k++)
		if (lower((unsigned char)s[end - len + k]) != lower((unsigned char)w[k]))
			return 0;
	return !is_alnum((unsigned char)w[0]) || !is_word(before(s, end - len));
}

/* Index of the first word of list that ends the text at end, or -1. */
static int ends_with_any(const char *s, size_t end, const char *const *list, size_t count)
{
	for (size_t k = 0; k < count; k++)
		if (ends_with_word(s, end, list[k]))
			return (int)k;
	return -1;
}

/* Skip spaces back from end. */
static size_t skip_space_back(const char *s, size_t end)
{
	while (end > 0 && is_space((unsigned char)s[end - 1]))
		end--;
	return end;
}

/* ---- findings -------------------------------------------------------------- */

struct span {
	size_t from, to;
};

struct scan {
	const char *s;
	size_t n;
	enum gate_rule rule;
	enum gate_field field;
	enum gate_lang lang;
	enum gate_severity computed;
	struct gate_finding *v;
	size_t len, alloc;
	int truncated;
	size_t version_end;     /* end of the last dotted number read as a version, or SIZE_MAX */
	struct span *blocks;    /* 9(4): spans already flagged as a whole */
	size_t n_blocks, alloc_blocks;
};

/* Append the characters of s[i, end) to out (at *o, cap bytes with the NUL),
 * cleaned: control characters as spaces, invalid bytes as U+FFFD.  Stops
 * before a character that would leave less than keep bytes free.  1 if all
 * fitted. */
static int put_clean(char *out, size_t *o, size_t cap, size_t keep, const char *s, size_t n,
		     size_t i, size_t end)
{
	while (i < end) {
		size_t cl = ch_len(s, n, i);
		unsigned char c = (unsigned char)s[i];
		size_t need = cl > 1 ? cl : (c >= 0x80 ? 3 : 1);

		if (*o + need + keep >= cap)
			return 0;
		if (cl > 1)
			memcpy(out + *o, s + i, cl);
		else if (c >= 0x80)
			memcpy(out + *o, "\xef\xbf\xbd", 3);
		else
			out[*o] = (char)(c < 0x20 || c == 0x7f ? ' ' : c);
		*o += need;
		i += cl;
	}
	return 1;
}

#define CONTEXT 32
#define ELLIPSIS "\xe2\x80\xa6"

static void make_excerpt(char out[GATE_EXCERPT_MAX], const char *s, size_t n, size_t off,
			 size_t len)
{
	size_t o = 0, from = off, to = off + len;

	while (from > 0 && off - from < CONTEXT) {
		size_t p = prev_boundary(s, n, from);

		if (s[p] == '\n' || off - p > CONTEXT)
			break;
		from = p;
	}
	if (from > 0)
		put_clean(out, &o, GATE_EXCERPT_MAX, 0, ELLIPSIS, 3, 0, 3);
	put_clean(out, &o, GATE_EXCERPT_MAX, 0, s, n, from, off);
	/* the match: keep room for the ellipsis and a little context */
	if (!put_clean(out, &o, GATE_EXCERPT_MAX, 3, s, n, off, to)) {
		put_clean(out, &o, GATE_EXCERPT_MAX, 0, ELLIPSIS, 3, 0, 3);
		out[o] = '\0';
		return;
	}
	size_t end = to;
	while (end < n && end - to < CONTEXT && s[end] != '\n')
		end += ch_len(s, n, end);
	if (!put_clean(out, &o, GATE_EXCERPT_MAX, 3, s, n, to, end) || end < n)
		put_clean(out, &o, GATE_EXCERPT_MAX, 0, ELLIPSIS, 3, 0, 3);
	out[o] = '\0';
}

void gate_finding_id(char out[GATE_FINDING_ID_LEN], enum gate_rule rule, enum gate_field field,
		     enum gate_lang lang, size_t offset, const char *match, size_t len)
{
	const char *rid = gate_rule_label(rule)->id;
	const char *fname = gate_field_name(field, lang);
	char num[32];
	int numlen = snprintf(num, sizeof(num), "%zu", offset);
	size_t rl = strlen(rid), fl = strlen(fname), total = rl + fl + (size_t)numlen + 3 + len;
	char *buf = xmalloc(total);
	unsigned char h[32];
	size_t o = 0;

	memcpy(buf + o, rid, rl + 1);
	o += rl + 1;
	memcpy(buf + o, fname, fl + 1);
	o += fl + 1;
	memcpy(buf + o, num, (size_t)numlen + 1);
	o += (size_t)numlen + 1;
	if (len > 0)
		memcpy(buf + o, match, len);
	crypto_sha256(buf, total, h);
	free(buf);
	for (int k = 0; k < 16; k++)
		snprintf(out + 2 * k, 3, "%02x", h[k]);
	out[GATE_FINDING_ID_LEN - 1] = '\0';
}

static void add(struct scan *sc, size_t off, size_t len, const char *kind)
{
	struct gate_finding *f;

	if (sc->len == GATE_SCAN_MAX) {
		sc->truncated = 1;
		return;
	}
	if (sc->len == sc->alloc) {
		sc->alloc = sc->alloc ? 2 * sc->alloc : 8;
		sc->v = xrealloc(sc->v, sc->alloc * sizeof(*sc->v));
	}
	f = &sc->v[sc->len++];
	memset(f, 0, sizeof(*f));
	f->rule = sc->rule;
	f->field = sc->field;
	f->lang = sc->lang;
	f->offset = off;
	f->len = len;
	f->kind = kind;
	gate_finding_id(f->id, sc->rule, sc->field, sc->lang, off, sc->s + off, len);
	make_excerpt(f->excerpt, sc->s, sc->n, off, len);
}

static void add_block(struct scan *sc, size_t from, size_t to, const char *kind)
{
	add(sc, from, to - from, kind);
	if (sc->n_blocks == sc->alloc_blocks) {
		sc->alloc_blocks = sc->alloc_blocks ? 2 * sc->alloc_blocks : 4;
		sc->blocks = xrealloc(sc->blocks, sc->alloc_blocks * sizeof(*sc->blocks));
	}
	sc->blocks[sc->n_blocks].from = from;
	sc->blocks[sc->n_blocks].to = to;
	sc->n_blocks++;
}

static int kind_rank(const char *kind)
{
	for (size_t k = 0; k < N(kinds); k++)
		if (kinds[k] == kind)
			return (int)k;
	return (int)N(kinds);
}

static int finding_cmp(const void *pa, const void *pb)
{
	const struct gate_finding *a = pa, *b = pb;
	int ka, kb;

	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	ka = kind_rank(a->kind);
	kb = kind_rank(b->kind);
	if (ka != kb)
		return ka < kb ? -1 : 1;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return 0;
}

/* ---- Art. 9(2): internal addresses and host names ------------------------- */

/* Parse a dotted quad at s[i]: four decimal octets of 1-3 digits, each <= 255.
 * *end is after the last digit.  1 if so. */
static int parse_ipv4(const char *s, size_t n, size_t i, size_t *end, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t d = 0;

		if (part > 0) {
			if (at(s, n, i) != '.')
				return 0;
			i++;
		}
		while (d < 3 && is_digit(at(s, n, i))) {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
			d++;
		}
		if (d == 0 || v > 255 || is_digit(at(s, n, i)))
			return 0;
		a = (a << 8) | v;
	}
	*end = i;
	*addr = a;
	return 1;
}

/* RFC 1918, CGNAT 100.64/10 (RFC 6598), loopback 127/8, link-local 169.254/16. */
static int ipv4_internal(uint32_t a)
{
	return (a >> 24) == 10 || (a & 0xfff00000u) == 0xac100000u || (a >> 16) == 0xc0a8u ||
	       (a & 0xffc00000u) == 0x64400000u || (a >> 24) == 127 || (a >> 16) == 0xa9feu;
}

/* ULA fc00::/7, link-local fe80::/10, loopback ::1, IPv4-mapped internal. */
static int ipv6_internal(const unsigned char b[16])
{
	static const unsigned char loop[16] = { [15] = 1 };
	static const unsigned char mapped[12] = { [10] = 0xff, [11] = 0xff };

	if ((b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80))
		return 1;
	if (memcmp(b, loop, 16) == 0)
		return 1;
	if (memcmp(b, mapped, 12) == 0)
		return ipv4_internal((uint32_t)b[12] << 24 | (uint32_t)b[13] << 16 |
				     (uint32_t)b[14] << 8 | b[15]);
	return 0;
}

/* Parse an IPv6 literal in s[i, end).  1 and b filled if it is one. */
static int parse_ipv6(const char *s, size_t i, size_t end, unsigned char b[16])
{
	char buf[48];

	if (end - i >= sizeof(buf))
		return 0;
	memcpy(buf, s + i, end - i);
	buf[end - i] = '\0';
	return inet_pton(AF_INET6, buf, b) == 1;
}

/* Is s[i, end) a host name (labels of letters, digits, hyphens) ending in an
 * internal suffix after at least one label? */
static int host_internal(const char *s, size_t i, size_t end)
{
	size_t label = 0;

	if (end <= i)
		return 0;
	for (size_t k = i; k < end; k++) {
		int c = (unsigned char)s[k];

		if (c == '.') {
			if (label == 0 || s[k - 1] == '-')
				return 0;
			label = 0;
		} else if (is_alnum(c) || (c == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else {
			return 0;
		}
	}
	if (label == 0 || s[end - 1] == '-')
		return 0;
	for (size_t k = 0; k < N(internal_suffixes); k++) {
		size_t sl = strlen(internal_suffixes[k]);

		if (end - i > sl && ends_with_word(s, end, internal_suffixes[k]))
			return 1;
	}
	return 0;
}

/* A single-label name (localhost, jira): not resolvable on the Internet. */
static int host_single_label(const char *s, size_t i, size_t end)
{
	if (end <= i)
		return 0;
	for (size_t k = i; k < end; k++)
		if (!is_alnum((unsigned char)s[k]) && s[k] != '-')
			return 0;
	return 1;
}

static int url_char(int c)
{
	return c > 0x20 && c < 0x7f && !strchr("<>\"`\\{}|^", c);
}

/* scheme://host... at i whose host is internal: the URL's length, else 0. */
static size_t match_url(const struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t n = sc->n, j = i, a, ae, h, he;
	int pb = before(s, i);
	unsigned char b6[16];

	if (!is_alpha(at(s, n, i)) || is_alnum(pb) || pb == '+' || pb == '.' || pb == '-')
		return 0;
	while (j < n && j - i < 32 && (is_alnum(at(s, n, j)) || strchr("+.-", s[j])))
		j++;
	if (n - j < 3 || memcmp(s + j, "://", 3) != 0)
		return 0;
	a = ae = j + 3;
	while (ae < n && url_char((unsigned char)s[ae]) && !strchr("/?#()',;", s[ae]))
		ae++;
	h = a;
	for (size_t k = a; k < ae; k++)
		if (s[k] == '@')
			h = k + 1;
	if (h < ae && s[h] == '[') {
		const char *close = memchr(s + h, ']', ae - h);

		if (!close)
			return 0;
		if (!parse_ipv6(s, h + 1, (size_t)(close - s), b6) || !ipv6_internal(b6))
			return 0;
	} else {
		const char *colon = memchr(s + h, ':', ae - h);
		size_t qend;
		uint32_t v4;

		he = colon ? (size_t)(colon - s) : ae;
		while (he > h && s[he - 1] == '.')
			he--;
		if (he == h)
			return 0;
		if (parse_ipv4(s, he, h, &qend, &v4) && qend == he) {
			if (!ipv4_internal(v4))
				return 0;
		} else if (!host_internal(s, h, he) && !host_single_label(s, h, he)) {
			return 0;
		}
	}
	j = ae;
	while (j < n && url_char((unsigned char)s[j]))
		j++;
	while (j > ae && strchr(".,;:!?)]}'\"", s[j - 1]))
		j--;
	return j - i;
}

/* Only spaces, list punctuation and joiner words between from and to? */
static int only_joiners(const char *s, size_t n, size_t from, size_t to)
{
	size_t i = from;

	if (to - from > 40)
		return 0;
	while (i < to) {
		int c = (unsigned char)s[i];
		size_t len = 0;

		if (is_space(c) || c == ',' || c == '-' || c == '~' || c == '/') {
			i++;
			continue;
		}
		if (to - i >= 3 && (memcmp(s + i, "\xef\xbc\x8c", 3) == 0 ||    /* ， */
				    memcmp(s + i, "\xe3\x80\x81", 3) == 0 ||    /* 、 */
				    memcmp(s + i, "\xe2\x80\x93", 3) == 0)) {   /* – */
			i += 3;
			continue;
		}
		for (size_t k = 0; k < N(version_joiners) && len == 0; k++)
			len = phrase_at(s, n, i, version_joiners[k]);
		if (len == 0 || i + len > to)
			return 0;
		i += len;
	}
	return 1;
}

/* Is the dotted number at i a version: after a version word (and an optional
 * colon), or joined to the version before it by joiners only? */
static int is_version(struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t k = skip_space_back(s, i);

	if (k >= 1 && s[k - 1] == ':')
		k = skip_space_back(s, k - 1);
	else if (k >= 3 && memcmp(s + k - 3, "\xef\xbc\x9a", 3) == 0)  /* ： */
		k = skip_space_back(s, k - 3);
	if (ends_with_any(s, k, version_words, N(version_words)) >= 0)
		return 1;
	return sc->version_end != SIZE_MAX && sc->version_end <= i &&
	       only_joiners(s, sc->n, sc->version_end, i);
}

static void scan_internal(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n, i = 0;

	while (i < n) {
		int c = (unsigned char)s[i], pb = before(s, i);
		size_t len, end;

		if (c >= 0x80) {
			i += ch_len(s, n, i);
			continue;
		}
		if ((len = match_url(sc, i)) > 0) {
			add(sc, i, len, kind_url);
			i += len;
			continue;
		}
		/* IPv6: a run of hex digits, colons and dots with two colons or more */
		if ((is_hex(c) || c == ':') && !is_word(pb) && pb != ':' && pb != '.') {
			size_t colons = 0;
			unsigned char b6[16];

			end = i;
			while (end < n &&
			       (is_hex(at(s, n, end)) || s[end] == ':' || s[end] == '.')) {
				colons += s[end] == ':';
				end++;
			}
			while (end > i && s[end - 1] == '.')
				end--;
			if (end - i >= 2 && s[end - 1] == ':' && s[end - 2] != ':')
				end--;
			if (colons >= 2 && !is_word(at(s, n, end)) && parse_ipv6(s, i, end, b6)) {
				if (at(s, n, end) == '%' && is_alnum(at(s, n, end + 1))) {
					end++;
					while (end < n && (is_alnum(at(s, n, end)) ||
							   strchr("._-", s[end])))
						end++;
				}
				if (ipv6_internal(b6)) {
					add(sc, i, end - i, kind_ipv6);
					i = end;
					continue;
				}
			}
		}
		/* dotted numbers: versions, or IPv4 addresses */
		if (is_digit(c) && !is_word(pb) && pb != '.') {
			uint32_t v4;

			end = i;
			while (end < n && (is_digit(at(s, n, end)) ||
					   (s[end] == '.' && is_digit(at(s, n, end + 1)))))
				end++;
			if (memchr(s + i, '.', end - i) && is_version(sc, i)) {
				sc->version_end = end;
				i = end;
				continue;
			}
			if (parse_ipv4(s, n, i, &end, &v4) && !is_word(at(s, n, end)) &&
			    !(at(s, n, end) == '.' && is_digit(at(s, n, end + 1))) &&
			    ipv4_internal(v4)) {
				/* with its prefix length, if any */
				if (at(s, n, end) == '/' && is_digit(at(s, n, end + 1))) {
					size_t p = end + 1;
					unsigned bits = 0;

					while (p < n && p - end <= 2 && is_digit(at(s, n, p)))
						bits = bits * 10 + (unsigned)(s[p++] - '0');
					if (bits <= 32 && !is_word(at(s, n, p)))
						end = p;
				}
				add(sc, i, end - i, kind_ipv4);
				i = end;
				continue;
			}
		}
		/* host names: a whole run of label characters */
		if (is_alnum(c) && !is_word(pb) && pb != '.' && pb != '-') {
			end = i;
			while (end < n &&
			       (is_alnum(at(s, n, end)) || s[end] == '.' || s[end] == '-'))
				end++;
			while (end > i && (s[end - 1] == '.' || s[end - 1] == '-'))
				end--;
			if (host_internal(s, i, end) && at(s, n, end) != '_') {
				add(sc, i, end - i, kind_host);
				i = end;
				continue;
			}
		}
		i++;
	}
}

/* ---- Art. 9(3): alarm wording ----------------------------------------------- */

/* Is the word after s[j] (skipping spaces) one of list (NULL-terminated)? */
static int next_word_in(const char *s, size_t n, size_t j, const char *const *list)
{
	while (j < n && is_space((unsigned char)s[j]))
		j++;
	for (size_t k = 0; list[k]; k++)
		if (phrase_at(s, n, j, list[k]) > 0)
			return 1;
	return 0;
}

static void scan_alarm(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n, i = 0;

	while (i < n) {
		size_t len = 0, skip = 0;
		const char *kind = kind_alarm;

		for (size_t k = 0; k < N(alarm_phrases) && len == 0; k++)
			len = phrase_at(s, n, i, alarm_phrases[k]);
		for (size_t k = 0; k < N(severity_terms) && len == 0; k++) {
			size_t l = phrase_at(s, n, i, severity_terms[k].text);

			if (l == 0)
				continue;
			if (sc->computed != GATE_SEV_UNSET &&
			    severity_terms[k].level > sc->computed &&
			    !(severity_terms[k].unless_next &&
			      next_word_in(s, n, i + l, severity_terms[k].unless_next))) {
				len = l;
				kind = kind_severity;
			} else {
				skip = l;       /* a term, not an alarm: do not look inside it */
			}
			break;
		}
		if (len > 0)
			add(sc, i, len, kind);
		i += len > 0 ? len : skip > 0 ? skip : ch_len(s, n, i);
	}
}

/* ---- Art. 9(4): exploit material ------------------------------------------- */

struct line {
	size_t start, end, next;        /* [start, end) without the newline; next line */
	size_t first;                   /* first non-blank byte */
	unsigned indent;                /* columns before it (tab to the next multiple of 4) */
	int blank;
};

static void read_line(const char *s, size_t n, size_t i, struct line *l)
{
	l->start = i;
	l->end = line_end(s, n, i);
	l->next = l->end < n ? l->end + 1 : n;
	l->indent = 0;
	l->first = i;
	while (l->first < l->end && is_blank((unsigned char)s[l->first])) {
		l->indent = s[l->first] == '\t' ? (l->indent + 4) & ~3u : l->indent + 1;
		l->first++;
	}
	l->blank = trim_end(s, l->first, l->end) == l->first;
}

/* A code fence (``` or ~~~, three or more) at the start of l: its length and char. */
static size_t fence_at(const char *s, const struct line *l, char *ch)
{
	size_t k = l->first;

	if (k >= l->end || (s[k] != '`' && s[k] != '~'))
		return 0;
	*ch = s[k];
	while (k < l->end && s[k] == *ch)
		k++;
	return k - l->first >= 3 ? k - l->first : 0;
}

/* A list item marker (- * + or 1. 1)) followed by a space. */
static int list_item(const char *s, const struct line *l)
{
	size_t k = l->first;

	if (l->indent >= 4 || k >= l->end)
		return 0;
	if (strchr("-*+", s[k]))
		return k + 1 == l->end || is_blank((unsigned char)s[k + 1]);
	while (k < l->end && k - l->first < 9 && is_digit((unsigned char)s[k]))
		k++;
	if (k == l->first || k >= l->end || (s[k] != '.' && s[k] != ')'))
		return 0;
	return k + 1 == l->end || is_blank((unsigned char)s[k + 1]);
}

static const char *const zh_numerals[] = {
	"一", "二", "三", "四", "五", "六", "七", "八", "九", "十",
};

/* A step number at s[k] ("step 2", "第二步", "第2步"): its length, else 0. */
static size_t step_number_at(const char *s, size_t n, size_t k)
{
	size_t j = k;

	if (n - k >= 4 && !is_word(before(s, k)) && lower((unsigned char)s[k]) == 's' &&
	    lower((unsigned char)s[k + 1]) == 't' && lower((unsigned char)s[k + 2]) == 'e' &&
	    lower((unsigned char)s[k + 3]) == 'p') {
		j = k + 4;
		while (j < n && is_blank((unsigned char)s[j]))
			j++;
		if (!is_digit(at(s, n, j)))
			return 0;
		while (is_digit(at(s, n, j)))
			j++;
		return j - k;
	}
	if (n - k < 3 || memcmp(s + k, "第", 3) != 0)
		return 0;
	j = k + 3;
	for (int more = 1; more;) {
		more = 0;
		if (is_digit(at(s, n, j))) {
			j++;
			more = 1;
		}
		for (size_t z = 0; z < N(zh_numerals) && !more; z++)
			if (n - j >= 3 && memcmp(s + j, zh_numerals[z], 3) == 0) {
				j += 3;
				more = 1;
			}
	}
	if (j == k + 3 || n - j < 3 || memcmp(s + j, "步", 3) != 0)
		return 0;
	return j + 3 - k;
}

/* Does the line start with a step number: 1. 1) 1、 1． (1) （1） ① step 2 第二步? */
static int numbered(const char *s, const struct line *l)
{
	size_t k = l->first, d;

	if (k >= l->end)
		return 0;
	if (step_number_at(s, l->end, k) > 0)
		return 1;
	if (s[k] == '(' || (l->end - k >= 3 && memcmp(s + k, "\xef\xbc\x88", 3) == 0)) {
		size_t open = s[k] == '(' ? 1 : 3;

		for (d = k + open; d < l->end && is_digit((unsigned char)s[d]); d++)
			;
		return d > k + open && (at(s, l->end, d) == ')' ||
					(l->end - d >= 3 && memcmp(s + d, "\xef\xbc\x89", 3) == 0));
	}
	/* ① .. ⑳: U+2460 .. U+2473 */
	if (l->end - k >= 3 && (unsigned char)s[k] == 0xe2 && (unsigned char)s[k + 1] == 0x91 &&
	    (unsigned char)s[k + 2] >= 0xa0 && (unsigned char)s[k + 2] <= 0xb3)
		return 1;
	for (d = k; d < l->end && d - k < 3 && is_digit((unsigned char)s[d]); d++)
		;
	if (d == k || d >= l->end)
		return 0;
	if (s[d] == '.' || s[d] == ')' || s[d] == ':')
		return !is_digit(at(s, l->end, d + 1));
	return l->end - d >= 3 && (memcmp(s + d, "\xe3\x80\x81", 3) == 0 ||    /* 、 */
				   memcmp(s + d, "\xef\xbc\x8e", 3) == 0 ||    /* ． */
				   memcmp(s + d, "\xef\xbc\x9a", 3) == 0);     /* ： */
}

/* A step marker on the line: 1 plus *steps = how many numbered steps the
 * line itself holds (step 1 ... step 2 ...), else 0. */
static int step_marker(const char *s, const struct line *l, int *steps)
{
	int found = 0;

	*steps = 0;
	for (size_t k = l->first; k < l->end; k += ch_len(s, l->end, k)) {
		size_t len = step_number_at(s, l->end, k);

		if (len > 0) {
			(*steps)++;
			found = 1;
			k += len - 1;
			continue;
		}
		for (size_t m = 0; m < N(step_markers) && !found; m++)
			if (phrase_at(s, l->end, k, step_markers[m]) > 0)
				found = 1;
	}
	return found;
}

/* Pass 1: code fences, indented code, step-by-step instructions (whole lines). */
static void scan_blocks(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n, i = 0;
	int prev_blank = 1, in_list = 0;
	int steps_here = sc->field != GATE_FIELD_REMEDIATION && sc->field != GATE_FIELD_WORKAROUNDS;
	struct line l;

	while (i < n) {
		size_t flen;
		char fch = 0;
		int steps;

		read_line(s, n, i, &l);
		if (l.blank) {
			prev_blank = 1;
			i = l.next;
			continue;
		}
		if ((flen = fence_at(s, &l, &fch)) > 0) {
			size_t end = n, after = n;
			struct line m;

			for (size_t j = l.next; j < n; j = m.next) {
				char mch = 0;
				size_t mlen;

				read_line(s, n, j, &m);
				mlen = fence_at(s, &m, &mch);
				if (mlen >= flen && mch == fch &&
				    trim_end(s, m.first + mlen, m.end) == m.first + mlen) {
					end = m.first + mlen;
					after = m.next;
					break;
				}
			}
			add_block(sc, l.first, trim_end(s, l.first, end), kind_code);
			prev_blank = 1;
			in_list = 0;
			i = after;
			continue;
		}
		if (l.indent >= 4 && prev_blank && !in_list) {
			size_t end = l.end;
			struct line m;

			for (size_t j = l.next; j < n; j = m.next) {
				read_line(s, n, j, &m);
				if (!m.blank && m.indent < 4)
					break;
				if (!m.blank)
					end = m.end;
			}
			add_block(sc, l.first, trim_end(s, l.first, end), kind_indented);
			i = line_end(s, n, end);
			i = i < n ? i + 1 : n;
			prev_blank = 0;
			continue;
		}
		if (steps_here && step_marker(s, &l, &steps)) {
			size_t last = l.end, j = l.next, gap = 0;
			struct line m;

			/* numbered lines, with blank and indented continuation lines
			 * between them (a bounded number, so that the look-ahead from
			 * every marker stays short) */
			while (j < n && gap <= STEP_GAP_MAX) {
				read_line(s, n, j, &m);
				j = m.next;
				if (m.blank) {
					gap++;
					continue;
				}
				if (numbered(s, &m)) {
					steps++;
					gap = 0;
				} else if (m.indent < 2 || steps == 0) {
					break;
				} else {
					gap++;
				}
				last = m.end;
			}
			if (steps >= 2) {
				add_block(sc, l.first, trim_end(s, l.first, last), kind_steps);
				i = line_end(s, n, last);
				i = i < n ? i + 1 : n;
				prev_blank = 0;
				in_list = 1;
				continue;
			}
		}
		if (list_item(s, &l))
			in_list = 1;
		else if (l.indent < 4)
			in_list = 0;
		prev_blank = 0;
		i = l.next;
	}
}

/* Is the word before i (after spaces) one of list?  For the verb test. */
static int prev_word_in(const char *s, size_t i, const char *const *list, size_t count)
{
	size_t end = skip_space_back(s, i);

	if (end == i)
		return 0;
	return ends_with_any(s, end, list, count) >= 0;
}

static int word_end(const char *s, size_t n, size_t j)
{
	int c = at(s, n, j);

	return !(is_word(c) || c == '.' || c == '-' || c == '/');
}

/* A shell command at i with an argument of the listed shape: up to the end of
 * the line, else 0. */
static size_t match_command(const struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t n = sc->n;
	int pb = before(s, i);

	if (!is_alpha(at(s, n, i)) || is_word(pb) || pb == '-' || pb == '.' || pb == '/')
		return 0;
	for (size_t k = 0; k < N(commands); k++) {
		size_t wl = strlen(commands[k].word), j = i + wl, a, ae;
		unsigned args = commands[k].args, ok = 0;

		if (n - i < wl || phrase_at(s, i + wl, i, commands[k].word) != wl)
			continue;
		if (!word_end(s, n, j))
			continue;
		if (args & ARG_NONE)
			ok = 1;
		a = j;
		while (a < n && is_blank((unsigned char)s[a]))
			a++;
		if (a == j || a >= n || s[a] == '\n')
			a = j;          /* no argument */
		ae = a;
		while (ae < n && !is_space((unsigned char)s[ae]))
			ae++;
		if (a > j) {
			const char *tok = s + a;
			size_t tl = ae - a;

			if ((args & ARG_OPTION) && tl >= 2 && tok[0] == '-' &&
			    (is_alnum((unsigned char)tok[1]) || tok[1] == '-'))
				ok = 1;
			if ((args & ARG_URL) && tl >= 4 && memmem(tok, tl, "://", 3))
				ok = 1;
			if ((args & ARG_ADDR) && is_digit((unsigned char)tok[0]))
				ok = 1;
			if ((args & ARG_ADDR) && ae < n && is_blank((unsigned char)s[ae]) &&
			    is_digit(at(s, n, ae + 1)))
				ok = 1;
			if ((args & ARG_DASH_C) && tl == 2 && memcmp(tok, "-c", 2) == 0)
				ok = 1;
			if ((args & ARG_DASH_E) && tl == 2 && memcmp(tok, "-e", 2) == 0)
				ok = 1;
			if ((args & ARG_SLASH_C) && tl == 2 && tok[0] == '/' &&
			    strchr("cCkK", tok[1]))
				ok = 1;
			if ((args & ARG_QUOTE) && (tok[0] == '"' || tok[0] == '\''))
				ok = 1;
		}
		if (!ok)
			continue;
		return trim_end(s, i, line_end(s, n, i)) - i;
	}
	return 0;
}

/* After a command word ending at j: the end of the command (end of text or
 * line, ; | & ` quote ) < >), or, with need_arg, a shell-like argument. */
static int shell_follows(const char *s, size_t n, size_t j, int need_arg)
{
	int c = at(s, n, j);
	size_t a = j, ae;

	if (c == 0 || c == '\n' || c == '\r' || strchr(";|&`'\")<>", c))
		return 1;
	if (!is_blank(c))
		return 0;
	while (a < n && is_blank((unsigned char)s[a]))
		a++;
	c = at(s, n, a);
	if (!need_arg)
		return 1;
	if (c == 0 || c == '\n' || c == '\r')
		return 1;
	if (is_digit(c) || strchr("-/$~.'\"`<>|", c))
		return 1;
	for (ae = a; ae < n && !is_space((unsigned char)s[ae]); ae++)
		;
	return memmem(s + a, ae - a, "://", 3) != NULL;
}

/* ; && || | $( followed by a command: up to the end of the line, else 0. */
static size_t match_chain(const struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t n = sc->n, j;
	int c = (unsigned char)s[i], pipe = 0, found = 0;

	if (c == ';')
		j = i + 1;
	else if ((c == '&' || c == '|') && at(s, n, i + 1) == c)
		j = i + 2;
	else if (c == '|' && before(s, i) != '|')
		j = i + 1, pipe = 1;
	else if (c == '$' && at(s, n, i + 1) == '(')
		j = i + 2;
	else
		return 0;
	while (j < n && is_blank((unsigned char)s[j]))
		j++;
	if (pipe) {
		for (size_t k = 0; k < N(pipe_interpreters) && !found; k++) {
			size_t wl = strlen(pipe_interpreters[k]);

			found = n - j >= wl && memcmp(s + j, pipe_interpreters[k], wl) == 0 &&
				shell_follows(s, n, j + wl, 0);
		}
	} else {
		for (size_t k = 0; k < N(chain_utilities) && !found; k++) {
			size_t wl = strlen(chain_utilities[k].word);

			found = n - j >= wl && memcmp(s + j, chain_utilities[k].word, wl) == 0 &&
				shell_follows(s, n, j + wl, chain_utilities[k].needs_arg);
		}
	}
	if (!found)
		return 0;
	return trim_end(s, i, line_end(s, n, i)) - i;
}

/* A long hex or base64 run, \xNN escapes, or a list of 0xNN bytes at i: its
 * length and kind, else 0. */
static size_t match_blob(const struct scan *sc, size_t i, const char **kind)
{
	const char *s = sc->s;
	size_t n = sc->n, j = i, count = 0;
	int pb = before(s, i);

	*kind = kind_hex;
	if (s[i] == '\\' && at(s, n, i + 1) == 'x') {
		while (at(s, n, j) == '\\' && at(s, n, j + 1) == 'x' && is_hex(at(s, n, j + 2)) &&
		       is_hex(at(s, n, j + 3))) {
			j += 4;
			count++;
		}
		return count >= ESCAPES_MIN ? j - i : 0;
	}
	if (is_base64(pb) || pb == '=' || pb == '\\' || !is_base64((unsigned char)s[i]))
		return 0;
	if (s[i] == '0' && (at(s, n, i + 1) == 'x' || at(s, n, i + 1) == 'X')) {
		size_t last = i;

		/* 0x41, 0x42, ... */
		while (at(s, n, j) == '0' && lower(at(s, n, j + 1)) == 'x' &&
		       is_hex(at(s, n, j + 2))) {
			size_t k = j + 3;

			if (is_hex(at(s, n, k)))
				k++;
			if (is_word(at(s, n, k)))
				break;
			count++;
			last = k;
			while (k < n && is_space((unsigned char)s[k]))
				k++;
			if (at(s, n, k) != ',')
				break;
			k++;
			while (k < n && is_space((unsigned char)s[k]))
				k++;
			j = k;
		}
		if (count >= BYTE_LIST_MIN)
			return last - i;
		/* 0x4142... */
		for (j = i + 2; j < n && is_hex((unsigned char)s[j]); j++)
			;
		if (j - i - 2 >= HEX_BLOB_MIN && !is_word(at(s, n, j)))
			return j - i;
		j = i;
	}
	int digit = 0, up = 0, low = 0, hex = 1;
	size_t slashes = 0;
	while (j < n && is_base64((unsigned char)s[j])) {
		int c = (unsigned char)s[j];

		digit |= is_digit(c);
		up |= c >= 'A' && c <= 'Z';
		low |= c >= 'a' && c <= 'z';
		hex &= is_hex(c);
		if (c == '/') {
			if (j > i && s[j - 1] == '/')
				return 0;
			slashes++;
		}
		j++;
	}
	size_t run = j;
	for (int pad = 0; pad < 2 && at(s, n, j) == '='; pad++)
		j++;
	if (is_word(at(s, n, j)) || at(s, n, j) == '=')
		return 0;
	if (hex && j == run && run - i >= HEX_BLOB_MIN)
		return run - i;
	if (!hex && run - i >= BASE64_BLOB_MIN && digit && up && low && slashes * 10 <= run - i) {
		*kind = kind_base64;
		return j - i;
	}
	return 0;
}

static size_t match_term(const struct scan *sc, size_t i)
{
	const char *s = sc->s;
	size_t n = sc->n;

	for (size_t k = 0; k < N(exploit_terms); k++) {
		size_t len = phrase_at(s, n, i, exploit_terms[k].text);
		size_t j;

		if (len == 0)
			continue;
		if (exploit_terms[k].flags & VERB) {
			if (prev_word_in(s, i, verb_before, N(verb_before)))
				return 0;
			for (j = i + len; j < n && is_space((unsigned char)s[j]); j++)
				;
			for (size_t v = 0; v < N(verb_after); v++)
				if (j > i + len && phrase_at(s, n, j, verb_after[v]) > 0)
					return 0;
		}
		return len;
	}
	return 0;
}

static void scan_exploit(struct scan *sc)
{
	const char *s = sc->s;
	size_t n = sc->n, i = 0, b = 0;

	scan_blocks(sc);
	while (i < n) {
		size_t len;
		const char *kind = NULL;

		/* blocks are flagged whole: nothing inside them again */
		while (b < sc->n_blocks && sc->blocks[b].to <= i)
			b++;
		if (b < sc->n_blocks && sc->blocks[b].from <= i) {
			i = sc->blocks[b].to;
			continue;
		}
		if ((len = match_command(sc, i)) > 0)
			kind = kind_command;
		else if ((len = match_chain(sc, i)) > 0)
			kind = kind_chain;
		else if ((len = match_term(sc, i)) > 0)
			kind = kind_term;
		else
			len = match_blob(sc, i, &kind);
		if (len > 0) {
			/* a match never runs into the next block */
			if (b < sc->n_blocks && i + len > sc->blocks[b].from)
				len = trim_end(s, i, sc->blocks[b].from) - i;
			if (len > 0) {
				add(sc, i, len, kind);
				i += len;
				continue;
			}
		}
		i += ch_len(s, n, i);
	}
	if (sc->len > 1)
		qsort(sc->v, sc->len, sizeof(*sc->v), finding_cmp);
}

/* ---- entry ------------------------------------------------------------------- */

int gate_scan(struct gate_finding **out, size_t *n, int *truncated, enum gate_rule rule,
	      enum gate_field field, enum gate_lang lang, const char *text,
	      enum gate_severity computed, struct err *e)
{
	struct scan sc = { 0 };

	*out = NULL;
	*n = 0;
	*truncated = 0;
	if (rule != GATE_OPERATOR_DETAILS && rule != GATE_NO_EXAGGERATION &&
	    rule != GATE_NO_EXPLOIT)
		return err_set(e, ERR_INVALID, "rule \"%s\" does not scan text",
			       gate_rule_label(rule)->id);
	if ((unsigned)field >= GATE_FIELD_COUNT || (unsigned)lang >= GATE_LANG_COUNT)
		return err_set(e, ERR_INVALID, "field out of range");
	if ((unsigned)computed >= GATE_SEV_COUNT)
		return err_set(e, ERR_INVALID, "severity out of range");
	if (text == NULL)
		return err_set(e, ERR_INVALID, "text is missing");
	sc.s = text;
	sc.n = strlen(text);
	sc.rule = rule;
	sc.field = field;
	sc.lang = lang;
	sc.computed = computed;
	sc.version_end = SIZE_MAX;
	if (rule == GATE_OPERATOR_DETAILS)
		scan_internal(&sc);
	else if (rule == GATE_NO_EXAGGERATION)
		scan_alarm(&sc);
	else
		scan_exploit(&sc);
	free(sc.blocks);
	*out = sc.v;
	*n = sc.len;
	*truncated = sc.truncated;
	return 0;
}
