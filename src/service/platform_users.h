/* platform_users.h - a collection platform's researchers: real-name verification, levels,
 * reputation (the 2022 filing measures: 验证注册用户身份, 分类分级管理).
 *
 * A researcher is a user account (usually role reporter) with a researcher
 * record.  Identity fields (name, ID number, phone) are sealed at rest with
 * the storage key (base/seal.h, as report text is; AAD
 * "vulnflow-platform/identity/USER_ID") and shown masked except to platform
 * staff reading one record, which is audited.  Platform staff (users.admin)
 * verify or reject an identity (never their own); a new identity makes the
 * record pending again and its level 1.  Every change is an audit event
 * (researcher.identity, researcher.verification, researcher.level,
 * researcher.identity_read) whose detail never holds the identity itself.
 *
 * Levels (docs/user-guide.md, "Running a collection platform"):
 *	1 registered  (注册用户)      report and follow one's reports (intake stays
 *	                             open to everyone: Art. 5); see the open
 *	                             programs of the provider directory (entries of
 *	                             min_level 1) and designate one for one's report
 *	2 verified    (实名认证用户)  + rewards can be paid (rewards.c's guard on
 *	                             a platform), programs of min_level 2; needs a
 *	                             verified identity
 *	3 trusted     (可信研究员)    + the restricted programs (min_level 3); needs
 *	                             a verified identity and a reputation of at least
 *	                             3 valid reports and twice as many valid as invalid
 * The directory and designations are fed_platform.h's (fed_provider_visible,
 * fed_program_designate); they read the level with pu_level_conn().
 * Reputation: the user's accepted reports by the state of their case: valid
 * (verified or any later state but rejected/duplicate), invalid (rejected,
 * duplicate, or marked spam), pending (triage or no case); score = 10 x valid
 * - 5 x invalid.
 */
#ifndef VF_PLATFORM_USERS_H
#define VF_PLATFORM_USERS_H

#include <jansson.h>
#include <stdint.h>

#include "base/err.h"

struct instance;
struct intake;
struct actor;
struct db_conn;

/* The caller's own identity {"name","id_number","id_type","phone"} (id_type
 * cn_id, the default, checks the GB 11643 check digit; or passport).  The
 * record becomes pending, level 1.  *out: the caller's profile. */
int pu_identity_put(struct instance *in, struct intake *it, const struct actor *a,
		    const json_t *body, json_t **out, struct err *e);
/* A researcher's profile: verification, level, what the level allows,
 * reputation, and the identity masked (unmasked: full != 0; audited). */
int pu_profile(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
	       int full, json_t **out, struct err *e);
int pu_list(struct instance *in, int64_t after_id, int limit, json_t **out, struct err *e);
/* Staff: decision "verified" or "rejected" with an optional note. */
int pu_verify(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
	      const char *decision, const char *note, json_t **out, struct err *e);
/* Staff: set the level (1..3), refused (ERR_CONFLICT "level_not_allowed"
 * naming the missing condition) when the researcher does not qualify. */
int pu_level_set(struct instance *in, struct intake *it, const struct actor *a, int64_t user_id,
		 int level, json_t **out, struct err *e);
/* The researcher's level in force, in the caller's transaction (or on a bare
 * connection): the record's when the identity is verified, else 1 (a
 * signed-in user without a record is registered, level 1). */
int pu_level_conn(struct db_conn *c, int64_t user_id, int *level, struct err *e);
/* The rewards guard, in the caller's transaction: on a platform (role),
 * ERR_CONFLICT "reporter_not_verified" unless user_id is a researcher with a
 * verified identity (an anonymous reporter, user_id 0, is not). */
int pu_payable(struct db_conn *c, const char *role, int64_t user_id, struct err *e);

#endif
