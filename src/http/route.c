/* route.c - the one route table, and path matching. */
#include "http/route.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/api.h"

#define R(m, p, f, c) .method = m, .path = p, .fn = f, .cap = c

const struct route routes[] = {
	{ R("GET", "/healthz", api_healthz, CAP_PUBLIC), .status = 200, .tag = "operations",
	  .summary = "Health: 200 when the database is reachable and takes writes, 503 otherwise" },
	{ R("GET", "/metrics", api_metrics, CAP_PUBLIC), .status = 200, .tag = "operations",
	  .summary = "Prometheus metrics: requests by route and status, latency, database pool" },
	{ R("GET", "/api/v1/openapi.json", api_openapi, CAP_PUBLIC), .status = 200,
	  .tag = "operations", .summary = "This OpenAPI 3.1 document" },
	{ R("GET", "/.well-known/security.txt", api_security_txt, CAP_PUBLIC), .status = 200,
	  .tag = "disclosure",
	  .summary = "RFC 9116 security.txt from configuration (404 until security_contact is set)" },

	{ R("GET", "/.well-known/pgp-key.txt", api_pgp_key, CAP_PUBLIC), .status = 200,
	  .tag = "meta", .summary = "The organisation's OpenPGP public key (security.txt Encryption)" },
	{ R("POST", "/api/v1/auth/login", api_login, CAP_PUBLIC), .body = api_login_body,
	  .status = 200, .tag = "auth",
	  .summary = "Log in: sets the session cookie and returns the CSRF token" },
	{ R("POST", "/api/v1/auth/logout", api_logout, CAP_SELF), .allow_restricted = 1,
	  .status = 204, .tag = "auth", .summary = "End this login session" },
	{ R("GET", "/api/v1/auth/session", api_session, CAP_SELF), .allow_restricted = 1,
	  .status = 200, .tag = "auth",
	  .summary = "The caller, their capabilities, and (for sessions) the CSRF token" },
	{ R("POST", "/api/v1/auth/totp/setup", api_totp_setup, CAP_SELF), .allow_restricted = 1,
	  .status = 200, .tag = "auth",
	  .summary = "Start two-factor enrollment: a new TOTP secret and otpauth URI" },
	{ R("POST", "/api/v1/auth/totp/confirm", api_totp_confirm, CAP_SELF),
	  .body = api_totp_code_body, .allow_restricted = 1, .status = 200, .tag = "auth",
	  .summary = "Finish two-factor enrollment with a code from the app" },
	{ R("POST", "/api/v1/auth/totp/disable", api_totp_disable, CAP_SELF),
	  .body = api_totp_code_body, .status = 200, .tag = "auth",
	  .summary = "Turn two-factor login off (needs a current code)" },
	{ R("GET", "/api/v1/auth/tokens", api_tokens_list, CAP_SELF), .status = 200,
	  .tag = "auth", .summary = "The caller's API tokens (never their secrets)" },
	{ R("POST", "/api/v1/auth/tokens", api_tokens_create, CAP_SELF), .body = api_token_body,
	  .status = 201, .tag = "auth",
	  .summary = "Create an API token; its secret is shown once" },
	{ R("DELETE", "/api/v1/auth/tokens/{id}", api_tokens_revoke, CAP_SELF), .status = 204,
	  .tag = "auth", .summary = "Revoke one of the caller's API tokens" },

	{ R("GET", "/api/v1/users/me", api_me, CAP_SELF), .allow_restricted = 1, .status = 200,
	  .tag = "users", .summary = "The caller's account" },
	{ R("POST", "/api/v1/users/me/password", api_me_password, CAP_SELF),
	  .body = api_password_body, .allow_restricted = 1, .status = 204, .tag = "users",
	  .summary = "Change the caller's password" },
	{ R("GET", "/api/v1/users", api_users_list, CAP_USERS_ADMIN), .status = 200,
	  .tag = "users", .query = "limit:page size, 1..200 (50);after:last id of the previous page",
	  .summary = "List users" },
	{ R("POST", "/api/v1/users", api_users_create, CAP_USERS_ADMIN),
	  .body = api_user_create_body, .status = 201, .tag = "users",
	  .summary = "Create a user; without a password, a one-time password is returned" },
	{ R("GET", "/api/v1/users/{id}", api_user_get, CAP_USERS_ADMIN), .status = 200,
	  .tag = "users", .summary = "One user" },
	{ R("PATCH", "/api/v1/users/{id}", api_user_patch, CAP_USERS_ADMIN),
	  .body = api_user_patch_body, .status = 200, .tag = "users",
	  .summary = "Change a user's name, role, disabled flag or TOTP requirement" },
	{ R("POST", "/api/v1/users/{id}/password-reset", api_user_password_reset,
	    CAP_USERS_ADMIN), .status = 200, .tag = "users",
	  .summary = "Reset a user's password to a new one-time password" },
	{ R("POST", "/api/v1/users/{id}/totp-reset", api_user_totp_reset, CAP_USERS_ADMIN),
	  .status = 204, .tag = "users", .summary = "Turn a user's two-factor login off" },
	{ R("GET", "/api/v1/orgs", api_orgs_list, CAP_USERS_ADMIN), .status = 200,
	  .tag = "users", .query = "limit:page size, 1..200 (50);after:last id of the previous page",
	  .summary = "List organisations" },
	{ R("POST", "/api/v1/orgs", api_orgs_create, CAP_USERS_ADMIN),
	  .body = api_org_create_body, .status = 201, .tag = "users",
	  .summary = "Create an organisation with its jurisdiction" },

	{ R("POST", "/api/v1/score", api_score, CAP_PUBLIC), .body = api_score_body,
	  .status = 200, .tag = "scoring",
	  .summary = "Score a CVSS 4.0, 3.1, 3.0 or 2.0 vector exactly as FIRST's calculators do" },

	{ R("POST", "/api/v1/grade", api_grade, CAP_PUBLIC), .body = api_grade_body,
	  .status = 200, .tag = "scoring",
	  .summary = "GB/T 30279-2020 technical and comprehensive grade (provisional tables: "
		     "see the response's provisional and source)" },

	{ R("GET", "/api/v1/cwe/{id}", api_cwe, CAP_PUBLIC), .status = 200, .tag = "scoring",
	  .summary = "A CWE entry from the built-in MITRE catalogue (names, kind, status, usage)" },

	{ R("POST", "/api/v1/reports", api_reports_submit, CAP_PUBLIC), .intake = 1, .status = 201,
	  .tag = "intake", .summary = "Submit a vulnerability report (no account needed): JSON, or"
	  " multipart/form-data with files; 201 with a signed receipt once durably logged" },
	{ R("GET", "/api/v1/reports/challenge", api_reports_challenge, CAP_PUBLIC), .status = 200,
	  .tag = "intake", .summary = "A proof-of-work challenge (when intake_pow_bits > 0)" },
	{ R("GET", "/api/v1/receipts/{token}", api_receipt_status, CAP_PUBLIC), .status = 200,
	  .tag = "intake", .summary = "A report's status, by the status token of its receipt" },
	{ R("GET", "/api/v1/reports", api_reports_list, CAP_SELF), .status = 200, .tag = "intake",
	  .summary = "The intake queue (analysts), or one's own reports (reporters); newest first",
	  .query = "status:received, spam or rejected;limit:1-500 (default 50);before:an id, for the"
		   " next page" },
	{ R("GET", "/api/v1/reports/{id}", api_report_get, CAP_SELF), .status = 200, .tag = "intake",
	  .summary = "One report with its text and attachment list (the read is audited)" },
	{ R("GET", "/api/v1/reports/{id}/attachments/{token}", api_report_attachment,
	    CAP_CASES_READ), .status = 200, .tag = "intake",
	  .summary = "One attached file (number 1, 2, ...) as a download (audited)" },
	{ R("POST", "/api/v1/reports/{id}/spam", api_report_mark, CAP_CASES_WRITE),
	  .body = api_report_mark_body, .status = 200, .tag = "intake",
	  .summary = "Mark a report spam, or back to the queue; it never leaves the receipt log" },
	{ R("GET", "/api/v1/log/sth", api_log_sth, CAP_PUBLIC), .status = 200, .tag = "receipt log",
	  .summary = "The latest signed tree head of the receipt log" },
	{ R("GET", "/api/v1/log/proof/inclusion", api_log_inclusion, CAP_PUBLIC), .status = 200,
	  .tag = "receipt log", .summary = "RFC 9162 inclusion proof of a leaf in a tree size",
	  .query = "leaf_index:the leaf;tree_size:a tree size the log has reached" },
	{ R("GET", "/api/v1/log/proof/consistency", api_log_consistency, CAP_PUBLIC), .status = 200,
	  .tag = "receipt log", .summary = "RFC 9162 consistency proof between two tree sizes",
	  .query = "first:the smaller tree size (> 0);second:the larger tree size" },
	{ R("GET", "/api/v1/log/leaves", api_log_leaves, CAP_AUDIT_READ), .status = 200,
	  .tag = "receipt log", .summary = "Leaves start..end-1 with their entries (auditors; at"
	  " most 1000)", .query = "start:first leaf;end:one past the last leaf" },
	{ R("GET", "/api/v1/audit", api_audit_list, CAP_AUDIT_READ), .status = 200,
	  .tag = "audit",
	  .query = "limit:page size, 1..500 (100);before:events older than this id;"
		   "action:only this action;user_id:only this actor;since:RFC 3339 lower bound",
	  .summary = "Audit events, newest first" },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Match one path against a pattern; {id} takes a positive decimal integer,
 * {token} a segment of letters, digits, '_' and '-'. */
static int path_matches(const char *pattern, const char *path, int64_t *id,
			char token[ROUTE_TOKEN_LEN])
{
	while (*pattern && *path) {
		if (strncmp(pattern, "{token}", 7) == 0) {
			size_t n = strspn(path, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						"0123456789_-");

			if (n == 0 || n > 90)
				return 0;
			memcpy(token, path, n);
			token[n] = '\0';
			pattern += 7;
			path += n;
			continue;
		}
		if (strncmp(pattern, "{id}", 4) == 0) {
			char *end;
			long long v;

			if (*path < '1' || *path > '9')
				return 0;
			v = strtoll(path, &end, 10);
			if (v <= 0 || (end - path) > 18)
				return 0;
			*id = v;
			pattern += 4;
			path = end;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

int route_match(const char *method, const char *path, int64_t *path_id,
		char token[ROUTE_TOKEN_LEN], int *path_known, char *allow, size_t allow_len)
{
	size_t used = 0;

	*path_known = 0;
	allow[0] = '\0';
	for (size_t i = 0; i < routes_count; i++) {
		int64_t id = 0;

		if (!path_matches(routes[i].path, path, &id, token))
			continue;
		/* HEAD is GET without the body (libmicrohttpd drops it) */
		if (strcmp(routes[i].method, method) == 0 ||
		    (strcmp(method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			*path_id = id;
			return (int)i;
		}
		*path_known = 1;
		used += (size_t)snprintf(allow + used, used < allow_len ? allow_len - used : 0,
					 "%s%s", used ? ", " : "", routes[i].method);
		if (used >= allow_len)
			used = allow_len - 1;
	}
	return -1;
}
