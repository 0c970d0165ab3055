/* api.h - the endpoint handlers and their request-body tables, for route.c's table.
 *
 * Handlers live one resource per file (api_health.c, api_meta.c, api_auth.c,
 * api_users.c, api_audit.c); this header gathers them so the route table
 * reads as one list.
 */
#ifndef VF_API_H
#define VF_API_H

#include "base/jsonv.h"
#include "http/route.h"

/* api_health.c */
int api_healthz(struct req *r);
int api_metrics(struct req *r);
/* api_meta.c */
int api_openapi(struct req *r);
int api_security_txt(struct req *r);
int api_pgp_key(struct req *r);
/* The OpenAPI 3.1 document of routes[], as JSON text (caller frees). */
char *api_openapi_build(void);

/* api_auth.c */
extern const struct jv_field api_login_body[];
extern const struct jv_field api_totp_code_body[];
extern const struct jv_field api_token_body[];
int api_login(struct req *r);
int api_logout(struct req *r);
int api_session(struct req *r);
int api_totp_setup(struct req *r);
int api_totp_confirm(struct req *r);
int api_totp_disable(struct req *r);
int api_tokens_list(struct req *r);
int api_tokens_create(struct req *r);
int api_tokens_revoke(struct req *r);

/* api_users.c */
extern const struct jv_field api_password_body[];
extern const struct jv_field api_user_create_body[];
extern const struct jv_field api_user_patch_body[];
extern const struct jv_field api_org_create_body[];
int api_me(struct req *r);
int api_me_password(struct req *r);
int api_users_list(struct req *r);
int api_users_create(struct req *r);
int api_user_get(struct req *r);
int api_user_patch(struct req *r);
int api_user_password_reset(struct req *r);
int api_user_totp_reset(struct req *r);
int api_orgs_list(struct req *r);
int api_orgs_create(struct req *r);

/* api_score.c */
extern const struct jv_field api_score_body[];
int api_score(struct req *r);

/* api_grade.c */
extern const struct jv_field api_grade_body[];
int api_grade(struct req *r);
int api_grade_classes(struct req *r);
int api_cwe(struct req *r);

/* api_reports.c */
extern const struct jv_field api_report_mark_body[];
int api_reports_submit(struct req *r);
/* POST /report: the web form's submission, answered 303 to its receipt page. */
int api_reports_submit_form(struct req *r);
int api_reports_challenge(struct req *r);
int api_receipt_status(struct req *r);
int api_reports_list(struct req *r);
int api_report_get(struct req *r);
int api_report_attachment(struct req *r);
int api_report_mark(struct req *r);

/* api_log.c */
int api_log_sth(struct req *r);
int api_log_inclusion(struct req *r);
int api_log_consistency(struct req *r);
int api_log_leaves(struct req *r);

/* api_cases.c */
extern const struct jv_field api_test_clock_body[];
int api_cases_create(struct req *r);
int api_cases_list(struct req *r);
int api_case_get(struct req *r);
int api_case_patch(struct req *r);
int api_case_transition(struct req *r);
int api_case_clocks(struct req *r);
int api_clocks_list(struct req *r);
/* api_stats.c */
int api_stats(struct req *r);
int api_case_authority_report(struct req *r);
int api_case_authority_submit(struct req *r);
int api_case_notify(struct req *r);
int api_case_dossier(struct req *r);
int api_test_clock(struct req *r);
int api_case_cra_report(struct req *r);
int api_case_export_request(struct req *r);
int api_export_approve(struct req *r);
int api_export_get(struct req *r);
int api_exports_list(struct req *r);
int api_policies(struct req *r);
int api_case_submission_get(struct req *r);
extern const struct jv_field api_team_body[];
extern const struct jv_field api_team_member_body[];
int api_teams_create(struct req *r);
int api_teams_list(struct req *r);
int api_team_member_add(struct req *r);
int api_team_member_remove(struct req *r);

/* api_audit.c */
int api_audit_list(struct req *r);

/* api_products.c */
extern const struct jv_field api_product_create_body[];
extern const struct jv_field api_version_create_body[];
extern const struct jv_field api_vex_body[];
int api_products_list(struct req *r);
int api_products_create(struct req *r);
int api_product_get(struct req *r);
int api_versions_create(struct req *r);
int api_sbom_import(struct req *r);
int api_sbom_export(struct req *r);
int api_components_list(struct req *r);
int api_version_vulnerabilities(struct req *r);
int api_vex_set(struct req *r);
int api_vex_export(struct req *r);

/* api_parties.c */
extern const struct jv_field api_supplier_body[];
extern const struct jv_field api_customer_body[];
int api_suppliers_list(struct req *r);
int api_suppliers_put(struct req *r);
int api_customers_list(struct req *r);
int api_customers_put(struct req *r);
int api_suppliers_import(struct req *r);
int api_customers_import(struct req *r);

/* api_advisories.c */
int api_advisories_import(struct req *r);
int api_advisories_list(struct req *r);
int api_advisory_get(struct req *r);
int api_impact(struct req *r);

/* api_rewards.c */
int api_reward_policy_get(struct req *r);
int api_reward_policy_put(struct req *r);
int api_reward_policy_history(struct req *r);
int api_case_reward_propose(struct req *r);
int api_rewards_list(struct req *r);
int api_rewards_ledger(struct req *r);
int api_rewards_mine(struct req *r);
int api_reward_get(struct req *r);
int api_reward_approve(struct req *r);
int api_reward_paid(struct req *r);
int api_reward_reject(struct req *r);

/* api_bulletins.c: the advisories we publish (issue 7) */
int api_bulletin_draft(struct req *r);
int api_bulletins_list(struct req *r);
int api_bulletin_get(struct req *r);
int api_bulletin_patch(struct req *r);
int api_bulletin_gate(struct req *r);
int api_bulletin_publish(struct req *r);
int api_bulletin_approve(struct req *r);
int api_bulletin_review(struct req *r);
int api_bulletin_early_release(struct req *r);
int api_blackouts_list(struct req *r);
int api_blackouts_create(struct req *r);
int api_blackout_consent(struct req *r);
/* api_bulletins.c: exports and the public feeds (issue 7 items 2 and 4) */
int api_bulletin_csaf(struct req *r);
int api_bulletin_osv(struct req *r);
int api_csaf_provider_metadata(struct req *r);
int api_csaf_index(struct req *r);
int api_csaf_changes(struct req *r);
int api_csaf_rolie(struct req *r);
int api_csaf_document(struct req *r);
int api_csaf_key(struct req *r);
int api_osv_all(struct req *r);
int api_osv_record(struct req *r);

/* api_platform.c (issue 9: platform filing and registry, provider directory, routing) */
int api_platform_filing_put(struct req *r);
int api_platform_filing_get(struct req *r);
int api_registry_json(struct req *r);
int api_registry_html(struct req *r);
int api_platform_providers(struct req *r);
int api_platform_provider_add(struct req *r);
int api_platform_provider_remove(struct req *r);
int api_report_route(struct req *r);
int api_report_routes(struct req *r);
int api_platform_routed(struct req *r);
int api_platform_me(struct req *r);
int api_platform_me_identity(struct req *r);
int api_platform_me_program(struct req *r);
int api_platform_researchers(struct req *r);
int api_platform_researcher_get(struct req *r);
int api_platform_researcher_verify(struct req *r);
int api_platform_researcher_level(struct req *r);
/* api_federation.c (issue 9) */
int api_federation_inbox(struct req *r);
int api_federation_key(struct req *r);
int api_federation_status(struct req *r);
int api_federation_outbox(struct req *r);
int api_federation_outbox_get(struct req *r);
int api_federation_send(struct req *r);
int api_hub_reports(struct req *r);
/* api_fed_hub.c (issue 9: provider <-> hub <-> national database) */
int api_hub_dashboard(struct req *r);
int api_hub_early_releases(struct req *r);
int api_hub_early_release_get(struct req *r);
int api_hub_early_release_assess(struct req *r);
int api_hub_blackout_create(struct req *r);
int api_hub_blackout_consent(struct req *r);
int api_hub_published(struct req *r);
int api_hub_filings(struct req *r);
int api_hub_filing_review(struct req *r);
int api_federation_blackouts(struct req *r);
int api_database_reports(struct req *r);
int api_case_early_release_hub(struct req *r);

/* Shared renderers (api_users.c). */
json_t *api_user_json(const struct user *u);
json_t *api_time_json(int64_t us);

#endif
