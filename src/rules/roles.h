/* roles.h - user roles and the capabilities each one grants (pure).
 *
 * A route names one capability; the router lets a request through only if
 * the caller's role grants it.  API tokens carry a role too, which must not
 * grant anything the owner's role does not (role_covers()).
 */
#ifndef VF_ROLES_H
#define VF_ROLES_H

enum role { ROLE_NONE = 0, ROLE_REPORTER, ROLE_ANALYST, ROLE_COORDINATOR, ROLE_ADMIN,
	    ROLE_AUDITOR };

enum capability {
	CAP_PUBLIC = 0,      /* anyone, no login */
	CAP_SELF,            /* any signed-in user: their own account */
	CAP_REPORTS_OWN,     /* submit and follow one's own reports */
	CAP_CASES_READ,
	CAP_CASES_WRITE,
	CAP_PUBLISH,         /* approve publication of advisories */
	CAP_USERS_ADMIN,     /* create, change and disable users and organisations */
	CAP_AUDIT_READ,
	CAP_COUNT
};

/* ROLE_NONE if name is not a role. */
enum role role_from_name(const char *name);
const char *role_name(enum role r);
int role_has(enum role r, enum capability cap);
/* 1 if every capability of inner is also one of outer's. */
int role_covers(enum role outer, enum role inner);
const char *capability_name(enum capability cap);
/* NULL-terminated list of role names, for validation tables. */
extern const char *const role_names[];

#endif
