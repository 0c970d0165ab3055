/* test_roles.c - the role/capability table and token scoping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rules/roles.h"

static void test_names(void **state)
{
	(void)state;
	for (int r = ROLE_REPORTER; r <= ROLE_AUDITOR; r++)
		assert_int_equal(role_from_name(role_name((enum role)r)), r);
	assert_int_equal(role_from_name("root"), ROLE_NONE);
	assert_int_equal(role_from_name(""), ROLE_NONE);
	assert_string_equal(role_name(ROLE_NONE), "none");
}

static void test_capabilities(void **state)
{
	(void)state;
	/* everyone, even no one, reaches public routes */
	for (int r = ROLE_NONE; r <= ROLE_AUDITOR; r++)
		assert_true(role_has((enum role)r, CAP_PUBLIC));
	assert_false(role_has(ROLE_NONE, CAP_SELF));
	assert_true(role_has(ROLE_ADMIN, CAP_USERS_ADMIN));
	assert_false(role_has(ROLE_COORDINATOR, CAP_USERS_ADMIN));
	assert_true(role_has(ROLE_AUDITOR, CAP_AUDIT_READ));
	assert_false(role_has(ROLE_AUDITOR, CAP_CASES_WRITE));
	assert_false(role_has(ROLE_ANALYST, CAP_AUDIT_READ));
	assert_false(role_has(ROLE_ANALYST, CAP_PUBLISH));
	assert_true(role_has(ROLE_COORDINATOR, CAP_PUBLISH));
	assert_true(role_has(ROLE_REPORTER, CAP_REPORTS_OWN));
	assert_false(role_has(ROLE_REPORTER, CAP_CASES_READ));
}

static void test_covers(void **state)
{
	(void)state;
	for (int r = ROLE_REPORTER; r <= ROLE_AUDITOR; r++) {
		assert_true(role_covers((enum role)r, (enum role)r));
		/* an administrator holds every capability */
		assert_true(role_covers(ROLE_ADMIN, (enum role)r));
	}
	assert_true(role_covers(ROLE_ADMIN, ROLE_AUDITOR));
	assert_true(role_covers(ROLE_ADMIN, ROLE_COORDINATOR));
	assert_true(role_covers(ROLE_COORDINATOR, ROLE_ANALYST));
	assert_false(role_covers(ROLE_ANALYST, ROLE_COORDINATOR));
	assert_false(role_covers(ROLE_AUDITOR, ROLE_ANALYST));
	assert_false(role_covers(ROLE_REPORTER, ROLE_ADMIN));
	assert_false(role_covers(ROLE_ANALYST, ROLE_REPORTER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_capabilities),
		cmocka_unit_test(test_covers),
	};
	return cmocka_run_group_tests_name("roles", tests, NULL, NULL);
}
