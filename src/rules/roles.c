/* roles.c - the role -> capability table. */
#include "rules/roles.h"

#include <string.h>

#define B(c) (1u << (c))

const char *const role_names[] = { "reporter", "analyst", "coordinator", "admin", "auditor",
				   NULL };

static const unsigned role_caps[] = {
	[ROLE_NONE] = B(CAP_PUBLIC),
	[ROLE_REPORTER] = B(CAP_PUBLIC) | B(CAP_SELF) | B(CAP_REPORTS_OWN),
	[ROLE_ANALYST] = B(CAP_PUBLIC) | B(CAP_SELF) | B(CAP_CASES_READ) | B(CAP_CASES_WRITE),
	[ROLE_COORDINATOR] = B(CAP_PUBLIC) | B(CAP_SELF) | B(CAP_CASES_READ) |
			     B(CAP_CASES_WRITE) | B(CAP_PUBLISH),
	[ROLE_ADMIN] = B(CAP_PUBLIC) | B(CAP_SELF) | B(CAP_REPORTS_OWN) | B(CAP_CASES_READ) |
		       B(CAP_CASES_WRITE) | B(CAP_PUBLISH) | B(CAP_USERS_ADMIN) | B(CAP_AUDIT_READ),
	[ROLE_AUDITOR] = B(CAP_PUBLIC) | B(CAP_SELF) | B(CAP_CASES_READ) | B(CAP_AUDIT_READ),
};

static const char *const cap_names[] = {
	[CAP_PUBLIC] = "public",         [CAP_SELF] = "self",
	[CAP_REPORTS_OWN] = "reports.own", [CAP_CASES_READ] = "cases.read",
	[CAP_CASES_WRITE] = "cases.write", [CAP_PUBLISH] = "publish",
	[CAP_USERS_ADMIN] = "users.admin", [CAP_AUDIT_READ] = "audit.read",
};

enum role role_from_name(const char *name)
{
	for (int i = 0; role_names[i]; i++)
		if (strcmp(role_names[i], name) == 0)
			return (enum role)(i + 1);
	return ROLE_NONE;
}

const char *role_name(enum role r)
{
	if (r <= ROLE_NONE || r > ROLE_AUDITOR)
		return "none";
	return role_names[r - 1];
}

int role_has(enum role r, enum capability cap)
{
	if (r > ROLE_AUDITOR || cap >= CAP_COUNT)
		return 0;
	return (role_caps[r] & B(cap)) != 0;
}

int role_covers(enum role outer, enum role inner)
{
	if (outer > ROLE_AUDITOR || inner > ROLE_AUDITOR)
		return 0;
	return (role_caps[inner] & ~role_caps[outer]) == 0;
}

const char *capability_name(enum capability cap)
{
	return cap < CAP_COUNT ? cap_names[cap] : "unknown";
}
