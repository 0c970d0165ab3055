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

	{ R("GET", "/api/v1/grade/classes", api_grade_classes, CAP_PUBLIC), .status = 200,
	  .tag = "scoring", .summary = "The GB/T 30279-2020 classification tree (codes for a case's"
	  " gbt_class)" },
	{ R("POST", "/api/v1/grade", api_grade, CAP_PUBLIC), .body = api_grade_body,
	  .status = 200, .tag = "scoring",
	  .summary = "GB/T 30279-2020 technical and comprehensive grade (provisional tables: "
		     "see the response's provisional and source)" },

	{ R("GET", "/api/v1/cwe/{id}", api_cwe, CAP_PUBLIC), .status = 200, .tag = "scoring",
	  .summary = "A CWE entry from the built-in MITRE catalogue (names, kind, status, usage)" },

	{ R("POST", "/api/v1/reports", api_reports_submit, CAP_PUBLIC), .intake = 1, .status = 201,
	  .tag = "intake", .summary = "Submit a vulnerability report (no account needed): JSON, or"
	  " multipart/form-data with files; 201 with a signed receipt once durably logged" },
	{ R("POST", "/report", api_reports_submit_form, CAP_PUBLIC), .intake = 1, .html = 1,
	  .status = 303, .tag = "intake", .summary = "The web report form (multipart/form-data, no"
	  " script needed): like POST /api/v1/reports, answered 303 to /receipt/{status_token},"
	  " errors as an HTML page" },
	{ R("GET", "/api/v1/reports/challenge", api_reports_challenge, CAP_PUBLIC), .status = 200,
	  .tag = "intake", .summary = "A proof-of-work challenge (when intake_pow_bits > 0)" },
	{ R("GET", "/api/v1/receipts/{token}", api_receipt_status, CAP_PUBLIC), .status = 200,
	  .tag = "intake", .summary = "A report's status, by the status token of its receipt" },
	{ R("GET", "/api/v1/reports", api_reports_list, CAP_SELF), .status = 200, .tag = "intake",
	  .summary = "The intake queue (analysts), or one's own reports (reporters); newest first",
	  .query = "status:received, spam or rejected;limit:1-500 (default 50);before:an id, for the"
		   " next page;in_case:true or false (only reports in a case, or in none)" },
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
	{ R("POST", "/api/v1/cases", api_cases_create, CAP_CASES_WRITE), .json_object_body = 1,
	  .status = 201, .tag = "cases", .summary = "Open a case from received reports (merged"
	  " into one, every reporter credited) or as an internal finding; body: {\"report_ids\","
	  " and any field of PATCH}" },
	{ R("GET", "/api/v1/cases", api_cases_list, CAP_CASES_READ), .status = 200, .tag = "cases",
	  .summary = "Cases one may see (need-to-know), with filters; the read is audited",
	  .query = "state:a state id;phase:receipt, verification, handling, publication or tracking;"
		   "role:provider or operator;severity:CVSS band;actively_exploited:true or false;"
		   "assignee_id:a user id, -1 for unassigned;q:words of the title;sort:-id (default),"
		   " id, learned_at or -learned_at;cursor:next_cursor of the previous page;limit:1-"
		   "case_list_limit (default 50)" },
	{ R("GET", "/api/v1/cases/{id}", api_case_get, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "One case with its reports, allowed transitions and clocks"
	  " (audited read)" },
	{ R("PATCH", "/api/v1/cases/{id}", api_case_patch, CAP_CASES_WRITE), .json_object_body = 1,
	  .status = 200, .tag = "cases", .summary = "Change a case's fields; learned_at needs a"
	  " reason" },
	{ R("POST", "/api/v1/cases/{id}/transitions", api_case_transition, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 200, .tag = "cases",
	  .summary = "Move a case: {\"to\",\"reason\",\"duplicate_of\"}; 409 names what is"
	  " missing" },
	{ R("GET", "/api/v1/cases/{id}/clocks", api_case_clocks, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "The case's obligation clocks, as of now" },
	{ R("GET", "/api/v1/clocks", api_clocks_list, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "Clocks of every case one may see, by due time",
	  .query = "state:pending, met or missed;due_before:RFC 3339;cursor:next_cursor;limit:1-"
		   "case_list_limit" },
	{ R("GET", "/api/v1/stats", api_stats, CAP_CASES_READ), .status = 200, .tag = "cases",
	  .summary = "Counts for the dashboard: reports received and clocks met and missed per"
	  " day (Asia/Shanghai), cases per phase and state; need-to-know applies",
	  .query = "days:1-366 (default 14), today included" },
	{ R("GET", "/api/v1/cases/{id}/authority-report", api_case_authority_report,
	    CAP_CASES_READ), .status = 200, .tag = "cases",
	  .summary = "The Art. 7(2) report: JSON, or format=html (printable, Chinese) or text",
	  .query = "format:json (default), html or text" },
	{ R("POST", "/api/v1/cases/{id}/authority-report/submissions", api_case_authority_submit,
	    CAP_CASES_WRITE), .json_object_body = 1, .status = 201, .tag = "cases",
	  .summary = "Record a submission {\"channel\":\"web_form\"|\"email\"|\"hub\","
	  "\"submitted_at\",\"receipt_number\"}: the content is frozen and logged" },
	{ R("POST", "/api/v1/cases/{id}/notifications", api_case_notify, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "cases",
	  .summary = "Notify upstream, downstream or reporters; overseas non-providers are refused"
	  " (rmsv_9_7_overseas)" },
	{ R("GET", "/api/v1/cases/{id}/dossier", api_case_dossier, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "The compliance dossier: timeline, clocks and their evidence,"
	  " notifications, submissions", .query = "format:json (default) or html" },
	{ R("GET", "/api/v1/cases/{id}/authority-report/submissions/{version}",
	    api_case_submission_get, CAP_CASES_READ), .status = 200, .tag = "cases",
	  .summary = "The exact content a submission (version 1, 2, ...) froze, its SHA-256 and"
	  " the receipt-log payload that binds it" },
	{ R("POST", "/api/v1/cases/{id}/cra-reports", api_case_cra_report, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "cases",
	  .summary = "A CRA report {\"kind\",\"recipient\",\"override\":{\"reason\"}}: overseas"
	  " without a coordinator's override is 409 rmsv_9_7_overseas; with one, flagged"
	  " legal_review" },
	{ R("POST", "/api/v1/cases/{id}/exports", api_case_export_request, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "cases",
	  .summary = "Request an export of undisclosed details {\"recipient\",\"reason\"}"
	  " (pending a second coordinator's approval; overseas guard)" },
	{ R("POST", "/api/v1/exports/{id}/approve", api_export_approve, CAP_PUBLISH),
	  .status = 200, .tag = "cases",
	  .summary = "Approve an export (a coordinator other than the requester)" },
	{ R("GET", "/api/v1/policies", api_policies, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "The obligation clock policies in force (rmsv.json, cra.json"
	  " and override.json): trigger, duration, calendar, time zone, escalation points, source"
	  " (coordinators, administrators and auditors)" },
	{ R("GET", "/api/v1/exports", api_exports_list, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .query = "limit:1-500 (50);before:next_before of the previous page",
	  .summary = "Exports across cases, newest first (coordinators, administrators and"
	  " auditors: all; others: their own requests); no content" },
	{ R("GET", "/api/v1/exports/{id}", api_export_get, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "An export: once approved, the case's details with a"
	  " per-recipient watermark (audited)" },
	{ R("GET", "/api/v1/teams", api_teams_list, CAP_CASES_READ), .status = 200,
	  .tag = "cases", .summary = "Need-to-know teams and their members" },
	{ R("POST", "/api/v1/teams", api_teams_create, CAP_USERS_ADMIN), .body = api_team_body,
	  .status = 201, .tag = "cases", .summary = "Create a team (analysts see its cases)" },
	{ R("POST", "/api/v1/teams/{id}/members", api_team_member_add, CAP_USERS_ADMIN),
	  .body = api_team_member_body, .status = 200, .tag = "cases",
	  .summary = "Add a member to a team" },
	{ R("DELETE", "/api/v1/teams/{id}/members/{token}", api_team_member_remove,
	    CAP_USERS_ADMIN), .status = 204, .tag = "cases",
	  .summary = "Remove a member (the user id) from a team (audited team.member_remove)" },
	{ R("POST", "/api/v1/test/clock", api_test_clock, CAP_USERS_ADMIN),
	  .body = api_test_clock_body, .status = 200, .tag = "operations",
	  .summary = "Move this server's clock (only with test_clock = 1: scenario tests)" },
	{ R("GET", "/api/v1/audit", api_audit_list, CAP_AUDIT_READ), .status = 200,
	  .tag = "audit",
	  .query = "limit:page size, 1..500 (100);before:events older than this id;"
		   "action:only this action;user_id:only this actor;since:RFC 3339 lower bound",
	  .summary = "Audit events, newest first" },

	/* products, SBOMs and impact (issue 6) */
	{ R("GET", "/api/v1/products", api_products_list, CAP_CASES_READ), .status = 200,
	  .tag = "products", .query = "limit:1-500 (100);after:last id of the previous page",
	  .summary = "Products, by id" },
	{ R("POST", "/api/v1/products", api_products_create, CAP_CASES_WRITE),
	  .body = api_product_create_body, .status = 201, .tag = "products",
	  .summary = "Create a product (name, model, vendor: unique together); answers its id" },
	{ R("GET", "/api/v1/products/{id}", api_product_get, CAP_CASES_READ), .status = 200,
	  .tag = "products", .summary = "One product with its versions" },
	{ R("POST", "/api/v1/products/{id}/versions", api_versions_create, CAP_CASES_WRITE),
	  .body = api_version_create_body, .status = 201, .tag = "products",
	  .summary = "Add a version to a product" },
	{ R("POST", "/api/v1/products/{id}/versions/{version}/sbom", api_sbom_import,
	    CAP_CASES_WRITE), .upload = 1, .status = 200, .tag = "products",
	  .summary = "Import the version's SBOM (the body: CycloneDX 1.2-1.7 or SPDX 2.3 JSON, up"
		     " to upload_body_limit); answers the import summary with diagnostics" },
	{ R("GET", "/api/v1/products/{id}/versions/{version}/sbom", api_sbom_export,
	    CAP_CASES_READ), .status = 200, .tag = "products",
	  .summary = "The version's SBOM as CycloneDX 1.6 JSON" },
	{ R("GET", "/api/v1/products/{id}/versions/{version}/components", api_components_list,
	    CAP_CASES_READ), .status = 200, .tag = "products",
	  .summary = "The version's components as stored (canonical purls, suppliers, hashes)" },
	{ R("GET", "/api/v1/products/{id}/versions/{version}/vulnerabilities",
	    api_version_vulnerabilities, CAP_CASES_READ), .status = 200, .tag = "impact",
	  .summary = "Every known vulnerability of the version, by advisory id, with VEX status" },
	{ R("POST", "/api/v1/products/{id}/versions/{version}/vex", api_vex_set,
	    CAP_CASES_WRITE), .body = api_vex_body, .status = 200, .tag = "impact",
	  .summary = "Set the VEX status of one vulnerability for the version" },
	{ R("GET", "/api/v1/products/{id}/versions/{version}/vex", api_vex_export,
	    CAP_CASES_READ), .status = 200, .tag = "impact", .query = "format:cyclonedx or csaf",
	  .summary = "The version's VEX document (CycloneDX 1.6, or CSAF 2.0 VEX)" },
	{ R("GET", "/api/v1/suppliers", api_suppliers_list, CAP_CASES_READ), .status = 200,
	  .tag = "parties", .query = "limit:1-500 (100);after:last id of the previous page",
	  .summary = "Suppliers with the packages they own" },
	{ R("POST", "/api/v1/suppliers", api_suppliers_put, CAP_CASES_WRITE),
	  .body = api_supplier_body, .status = 201, .tag = "parties",
	  .summary = "Create (201) or update (200) a supplier by name" },
	{ R("GET", "/api/v1/customers", api_customers_list, CAP_CASES_READ), .status = 200,
	  .tag = "parties", .query = "limit:1-500 (100);after:last id of the previous page",
	  .summary = "Customers with the product versions they run" },
	{ R("POST", "/api/v1/customers", api_customers_put, CAP_CASES_WRITE),
	  .body = api_customer_body, .status = 201, .tag = "parties",
	  .summary = "Create (201) or update (200) a customer by name, with deployments" },
	{ R("POST", "/api/v1/suppliers/import", api_suppliers_import, CAP_CASES_WRITE),
	  .upload = 1, .status = 200, .tag = "parties",
	  .summary = "Import suppliers from CSV (text/csv; the CLI's columns): rows, created,"
	  " updated, packages, and errors [{line, message}] for the rows skipped" },
	{ R("POST", "/api/v1/customers/import", api_customers_import, CAP_CASES_WRITE),
	  .upload = 1, .status = 200, .tag = "parties",
	  .summary = "Import customers from CSV (text/csv; the CLI's columns): rows, created,"
	  " updated, deployments, and errors [{line, message}] for the rows skipped" },
	{ R("POST", "/api/v1/vulnerabilities", api_advisories_import, CAP_CASES_WRITE), .upload = 1,
	  .status = 201, .tag = "impact",
	  .summary = "Import one OSV or CSAF 2.0 document (201 new, 200 updated or unchanged)" },
	{ R("GET", "/api/v1/vulnerabilities", api_advisories_list, CAP_CASES_READ), .status = 200,
	  .tag = "impact", .query = "limit:1-500 (100);after:next_after of the previous page",
	  .summary = "Imported advisories" },
	{ R("GET", "/api/v1/vulnerabilities/{ident}", api_advisory_get, CAP_CASES_READ),
	  .status = 200, .tag = "impact",
	  .summary = "One advisory with its ranges, affected product versions and customers" },
	{ R("GET", "/api/v1/impact", api_impact, CAP_CASES_READ), .status = 200, .tag = "impact",
	  .query = "purl:a package URL;vers:a vers range (default: the purl's version, or all);"
		   "advisory:an imported advisory id instead of purl and vers",
	  .summary = "Affected product versions and the customers running them" },

	/* the advisories we publish and the Art. 9 gate (issue 7; code: bulletins) */
	{ R("POST", "/api/v1/cases/{id}/advisory", api_bulletin_draft, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "advisories",
	  .summary = "Draft the case's advisory from the case (201), or a new revision of its draft"
	  " (200); body: any field of PATCH, and \"vendor\"" },
	{ R("GET", "/api/v1/advisories", api_bulletins_list, CAP_PUBLIC), .status = 200,
	  .tag = "advisories", .query = "state:draft, scheduled, published or withdrawn (anonymous:"
	  " published only);before:next_before of the previous page;limit:1-500 (50)",
	  .summary = "Advisories, newest first: published ones for anyone, others with cases.read"
	  " and need-to-know of the case" },
	{ R("GET", "/api/v1/advisories/{token}", api_bulletin_get, CAP_PUBLIC), .status = 200,
	  .tag = "advisories", .summary = "One advisory with its HTML per language and its"
	  " revisions (unpublished: cases.read and need-to-know)" },
	{ R("PATCH", "/api/v1/advisories/{token}", api_bulletin_patch, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 200, .tag = "advisories",
	  .summary = "A new revision of a draft or scheduled advisory with the given fields" },
	{ R("GET", "/api/v1/advisories/{token}/gate", api_bulletin_gate, CAP_CASES_READ),
	  .status = 200, .tag = "advisories", .summary = "Dry run of the Art. 9 publication gate:"
	  " every rule with passed, basis, missing evidence and findings (logged)" },
	{ R("POST", "/api/v1/advisories/{token}/publish", api_bulletin_publish, CAP_PUBLISH),
	  .json_object_body = 1, .status = 200, .tag = "advisories",
	  .summary = "Publish if every gate rule passes, else 409 gate_refused with the failed"
	  " rules; {\"at\": RFC 3339} schedules (the gate runs again then); {\"cancel\": true}" },
	{ R("POST", "/api/v1/advisories/{token}/approvals", api_bulletin_approve, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "advisories",
	  .summary = "A coordinator other than the author approves the current revision"
	  " (two_person) {\"comment\"}" },
	{ R("POST", "/api/v1/advisories/{token}/review", api_bulletin_review, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "advisories",
	  .summary = "Review: {\"attest\": true} (Art. 9(3), not the author) and/or"
	  " {\"clear\": [finding ids]} of the current gate report" },
	{ R("POST", "/api/v1/cases/{id}/early-release", api_bulletin_early_release, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "advisories",
	  .summary = "Record early-release steps (Art. 9(1)) {\"step\",\"at\",\"ref\",\"note\"}"
	  " or {\"steps\":[...]}: joint_assessment, report_miit, report_mps,"
	  " authority_assessment" },
	{ R("GET", "/api/v1/blackouts", api_blackouts_list, CAP_CASES_READ), .status = 200,
	  .tag = "advisories", .query = "all:true to include windows that have ended",
	  .summary = "Major-event blackout windows (Art. 9(6)) with their MPS consents" },
	{ R("POST", "/api/v1/blackouts", api_blackouts_create, CAP_PUBLISH), .json_object_body = 1,
	  .status = 201, .tag = "advisories",
	  .summary = "Add a blackout window {\"name\",\"start\",\"end\",\"note\","
	  "\"mps_consent\"}" },
	{ R("POST", "/api/v1/blackouts/{id}/consents", api_blackout_consent, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "advisories",
	  .summary = "Record MPS consent to publish in a window {\"ref\",\"at\",\"advisory\"}"
	  " (no advisory: any)" },

	/* exports and the public feeds of our advisories (issue 7 items 2 and 4) */
	{ R("GET", "/api/v1/advisories/{token}/csaf", api_bulletin_csaf, CAP_PUBLIC), .status = 200,
	  .tag = "advisories", .query = "profile:security_advisory (default) or vex (csaf_vex);"
	  "lang:zh-CN or en (default: the advisory's language)",
	  .summary = "The advisory as a CSAF 2.0 document, made now (drafts: cases.read and"
	  " need-to-know); ETag over the bytes, 304 on If-None-Match" },
	{ R("GET", "/api/v1/advisories/{token}/osv", api_bulletin_osv, CAP_PUBLIC), .status = 200,
	  .tag = "advisories", .query = "lang:zh-CN or en (default: the advisory's language)",
	  .summary = "The advisory as an OSV 1.6 record (id x_VF-...), made now; ETag" },
	{ R("GET", "/.well-known/csaf/provider-metadata.json", api_csaf_provider_metadata,
	    CAP_PUBLIC), .status = 200, .tag = "feeds",
	  .summary = "CSAF 2.0 provider metadata (7.1.7); ETag, Last-Modified, 304" },
	{ R("GET", "/.well-known/csaf/white/index.txt", api_csaf_index, CAP_PUBLIC),
	  .status = 200, .tag = "feeds",
	  .summary = "CSAF index.txt (7.1.13): every published document's path" },
	{ R("GET", "/.well-known/csaf/white/changes.csv", api_csaf_changes, CAP_PUBLIC),
	  .status = 200, .tag = "feeds",
	  .summary = "CSAF changes.csv (7.1.14): paths and current release, newest first" },
	{ R("GET", "/.well-known/csaf/white/csaf-feed-tlp-white.json", api_csaf_rolie, CAP_PUBLIC),
	  .status = 200, .tag = "feeds", .summary = "The ROLIE feed of TLP:WHITE documents"
	  " (7.1.2) with updated" },
	{ R("GET", "/.well-known/csaf/white/{year}/{ident}", api_csaf_document, CAP_PUBLIC),
	  .status = 200, .tag = "feeds", .summary = "A published CSAF document exactly as signed"
	  " (FILE.json), or its .sha256, .sha512 or .asc (detached OpenPGP signature)" },
	{ R("GET", "/.well-known/csaf/openpgp/{ident}", api_csaf_key, CAP_PUBLIC), .status = 200,
	  .tag = "feeds", .summary = "FPR.asc: the public key that signed the documents" },
	{ R("GET", "/osv/all.json", api_osv_all, CAP_PUBLIC), .status = 200, .tag = "feeds",
	  .summary = "Every published advisory as OSV records (a JSON array); ETag, 304" },
	{ R("GET", "/osv/{ident}", api_osv_record, CAP_PUBLIC), .status = 200, .tag = "feeds",
	  .summary = "One published advisory's OSV record: ID.json (VF-... or x_VF-...)" },

	/* rewards for reporters, Art. 7(4) (issue 7) */
	{ R("GET", "/api/v1/reward-policy", api_reward_policy_get, CAP_CASES_READ), .status = 200,
	  .tag = "rewards", .query = "version:an older version (default: the latest)",
	  .summary = "The reward policy: amount ranges by GB/T 30279 grade (and CVSS band)" },
	{ R("PUT", "/api/v1/reward-policy", api_reward_policy_put, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 200, .tag = "rewards",
	  .summary = "A new version of the reward policy {\"currency\",\"ranges\":[{\"grade\","
	  "\"cvss_severity\",\"min\",\"max\"}],\"note\",\"change_note\"} (admin, coordinator)" },
	{ R("GET", "/api/v1/reward-policy/history", api_reward_policy_history, CAP_CASES_READ),
	  .status = 200, .tag = "rewards", .summary = "Every version of the reward policy, newest"
	  " first" },
	{ R("POST", "/api/v1/cases/{id}/rewards", api_case_reward_propose, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "rewards",
	  .summary = "Propose a reward {\"reporter\",\"amount\",\"currency\",\"reason\"} for a"
	  " reporter of the case; outside the policy's range needs a reason and a coordinator (409"
	  " names what is missing)" },
	{ R("GET", "/api/v1/rewards", api_rewards_list, CAP_CASES_READ), .status = 200,
	  .tag = "rewards", .summary = "Reward decisions one may see, newest first",
	  .query = "state:proposed, approved, paid or rejected;case:a case id;reporter:a user id,"
		   " user:N or report:N;cursor:next_cursor of the previous page;limit:1-500 (50)" },
	{ R("GET", "/api/v1/rewards/ledger.csv", api_rewards_ledger, CAP_CASES_READ),
	  .status = 200, .tag = "rewards", .query = "state:a state;case:a case id;reporter:as for"
	  " the list", .summary = "The reward ledger as RFC 4180 CSV (UTF-8 with BOM; times in UTC"
	  " and Asia/Shanghai; audited export)" },
	{ R("GET", "/api/v1/rewards/mine", api_rewards_mine, CAP_REPORTS_OWN), .status = 200,
	  .tag = "rewards", .query = "cursor:next_cursor;limit:1-500 (50)",
	  .summary = "A reporter's own approved and paid rewards" },
	{ R("GET", "/api/v1/rewards/{id}", api_reward_get, CAP_CASES_READ), .status = 200,
	  .tag = "rewards", .summary = "One reward decision with its history" },
	{ R("POST", "/api/v1/rewards/{id}/approve", api_reward_approve, CAP_CASES_WRITE),
	  .status = 200, .tag = "rewards",
	  .summary = "Approve a proposed reward (a coordinator other than the proposer); body"
	  " optional {\"note\"}" },
	{ R("POST", "/api/v1/rewards/{id}/paid", api_reward_paid, CAP_CASES_WRITE),
	  .status = 200, .tag = "rewards",
	  .summary = "Record the payment of an approved reward {\"reference\",\"paid_at\"}"
	  " (admin, coordinator)" },
	{ R("POST", "/api/v1/rewards/{id}/reject", api_reward_reject, CAP_CASES_WRITE),
	  .status = 200, .tag = "rewards",
	  .summary = "Reject a proposed or approved reward {\"reason\"} (admin, coordinator)" },

	/* the platform side of federation (issue 9, api_platform.c) */
	{ R("PUT", "/api/v1/platform/filing", api_platform_filing_put, CAP_USERS_ADMIN),
	  .json_object_body = 1, .status = 200, .tag = "platform",
	  .summary = "Platform: a new version of the filing data (Art. 10: name, url, icp_number,"
	  " sponsor, responsible, contact, rules, ...), sent to the hub" },
	{ R("GET", "/api/v1/platform/filing", api_platform_filing_get, CAP_USERS_ADMIN),
	  .status = 200, .tag = "platform",
	  .summary = "Platform: the newest filing version, its envelope's delivery state and the"
	  " hub's review (pending, accepted or returned with a note)" },
	{ R("GET", "/registry", api_registry_html, CAP_PUBLIC), .status = 200, .tag = "platform",
	  .query = "lang:zh-CN (default) or en",
	  .summary = "Hub: the filed collection platforms (each one's newest accepted filing), a"
	  " printable HTML page" },
	{ R("GET", "/registry.json", api_registry_json, CAP_PUBLIC), .status = 200,
	  .tag = "platform", .summary = "Hub: the filed collection platforms (each one's newest"
	  " accepted filing) as JSON" },
	{ R("GET", "/api/v1/platform/providers", api_platform_providers, CAP_SELF),
	  .status = 200, .tag = "platform", .query = "all:true to list removed entries too (staff)",
	  .summary = "Platform: the provider directory (who makes which products): all of it for"
	  " staff; for a researcher the entries of min_level up to their level" },
	{ R("POST", "/api/v1/platform/providers", api_platform_provider_add, CAP_USERS_ADMIN),
	  .json_object_body = 1, .status = 201, .tag = "platform",
	  .summary = "Platform: add a provider {\"name\",\"patterns\":[glob on the product"
	  " name],\"peer\" or \"email\",\"jurisdiction\",\"min_level\":1..3}" },
	{ R("DELETE", "/api/v1/platform/providers/{id}", api_platform_provider_remove,
	    CAP_USERS_ADMIN), .status = 200, .tag = "platform",
	  .summary = "Platform: remove a provider from the directory" },
	{ R("POST", "/api/v1/reports/{id}/route", api_report_route, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 201, .tag = "platform",
	  .summary = "Platform: route a received report to its product's provider {\"provider\"}"
	  " (envelope or e-mail; the overseas guard applies)" },
	{ R("GET", "/api/v1/reports/{id}/routes", api_report_routes, CAP_CASES_READ),
	  .status = 200, .tag = "platform",
	  .summary = "Platform: where a report was routed, what each provider said and published"
	  " since, and the program its reporter designated" },
	{ R("GET", "/api/v1/platform/routed", api_platform_routed, CAP_CASES_READ),
	  .status = 200, .tag = "platform", .query = "limit:1..1000 (50)",
	  .summary = "Platform: routed reports, newest first" },
	{ R("GET", "/api/v1/platform/me", api_platform_me, CAP_SELF), .status = 200,
	  .tag = "platform", .summary = "Platform: the caller's researcher profile (verification,"
	  " level and what it allows, reputation, identity masked)" },
	{ R("PUT", "/api/v1/platform/me/identity", api_platform_me_identity, CAP_SELF),
	  .json_object_body = 1, .status = 200, .tag = "platform",
	  .summary = "Platform: give one's real-name identity {\"name\",\"id_number\","
	  "\"id_type\",\"phone\"} (sealed at rest; verification pending again)" },
	{ R("PUT", "/api/v1/platform/me/reports/{id}/program", api_platform_me_program, CAP_SELF),
	  .json_object_body = 1, .status = 200, .tag = "platform",
	  .summary = "Platform: designate the program (a directory entry of one's level) for one's"
	  " own report {\"provider\"} until it is routed (audited)" },
	{ R("GET", "/api/v1/platform/researchers", api_platform_researchers, CAP_USERS_ADMIN),
	  .status = 200, .tag = "platform", .query = "after:last user id;limit:1..500 (50)",
	  .summary = "Platform: researchers with their verification and level" },
	{ R("GET", "/api/v1/platform/researchers/{id}", api_platform_researcher_get,
	    CAP_USERS_ADMIN), .status = 200, .tag = "platform",
	  .summary = "Platform: one researcher with the identity unmasked (audited read)" },
	{ R("POST", "/api/v1/platform/researchers/{id}/verification",
	    api_platform_researcher_verify, CAP_USERS_ADMIN), .json_object_body = 1,
	  .status = 200, .tag = "platform", .summary = "Platform: verify or reject a researcher's"
	  " identity {\"decision\",\"note\"} (never one's own; audited)" },
	{ R("PUT", "/api/v1/platform/researchers/{id}/level", api_platform_researcher_level,
	    CAP_USERS_ADMIN), .json_object_body = 1, .status = 200, .tag = "platform",
	  .summary = "Platform: set a researcher's level {\"level\": 1..3} (2 needs a verified"
	  " identity, 3 also a reputation; audited)" },

	/* federation (issue 9): docs/internals/federation.md */
	{ R("POST", "/api/v1/federation/inbox", api_federation_inbox, CAP_PUBLIC), .status = 201,
	  .tag = "federation",
	  .summary = "Receive a signed envelope from a peer; answers its receipt (201 new, 200 the"
	  " same envelope again); or a JSON array of 1-64 envelopes, answered 200 with their"
	  " results in order" },
	{ R("GET", "/api/v1/federation/key", api_federation_key, CAP_PUBLIC), .status = 200,
	  .tag = "federation", .summary = "This instance's public key and key id, for peers" },
	{ R("GET", "/api/v1/federation/status", api_federation_status, CAP_USERS_ADMIN),
	  .status = 200, .tag = "federation", .query = "limit:1..1000 (20) envelopes listed",
	  .summary = "Outbox and inbox counts, the newest envelopes and refusals, and the peers"
	  " (`vulnflow federation status`)" },
	{ R("GET", "/api/v1/federation/outbox", api_federation_outbox, CAP_USERS_ADMIN),
	  .status = 200, .tag = "federation",
	  .query = "state:queued, delivered or failed;limit:1..1000 (50);after:id of the last page",
	  .summary = "Envelopes sent and their delivery state (attempts, last error, receipt)" },
	{ R("POST", "/api/v1/federation/outbox", api_federation_send, CAP_USERS_ADMIN),
	  .json_object_body = 1, .status = 201, .tag = "federation",
	  .summary = "Queue a ping envelope to a peer {\"peer\",\"type\":\"ping\",\"body\","
	  "\"expires_in\",\"wait_ms\"}" },
	{ R("GET", "/api/v1/federation/outbox/{token}", api_federation_outbox_get, CAP_USERS_ADMIN),
	  .status = 200, .tag = "federation", .summary = "One sent envelope's delivery state" },
	{ R("GET", "/api/v1/hub/reports", api_hub_reports, CAP_CASES_READ), .status = 200,
	  .tag = "federation", .query = "limit:1..1000 (50);after:id of the last page",
	  .summary = "Hub: authority reports received from providers, with the 2-day check" },
	/* provider <-> hub <-> national database (api_fed_hub.c) */
	{ R("GET", "/api/v1/hub/dashboard", api_hub_dashboard, CAP_CASES_READ), .status = 200,
	  .tag = "federation",
	  .summary = "Hub: reports per provider (within 2 days of learned_at), relay state per"
	  " national database" },
	{ R("GET", "/api/v1/hub/early-release", api_hub_early_releases, CAP_CASES_READ),
	  .status = 200, .tag = "federation", .query = "limit:1..1000 (50);after:id of the last page",
	  .summary = "Hub: early-release records (Art. 9(1)) received from providers" },
	{ R("GET", "/api/v1/hub/early-release/{id}", api_hub_early_release_get, CAP_CASES_READ),
	  .status = 200, .tag = "federation", .summary = "Hub: one early-release record" },
	{ R("POST", "/api/v1/hub/early-release/{id}/assessment", api_hub_early_release_assess,
	    CAP_CASES_WRITE), .json_object_body = 1, .status = 201, .tag = "federation",
	  .summary = "Hub: record the authorities' assessment {\"decision\",\"at\",\"ref\","
	  "\"note\"} (coordinator) and send it to the provider" },
	{ R("POST", "/api/v1/hub/blackouts", api_hub_blackout_create, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "federation",
	  .summary = "Hub: add a blackout window (as /api/v1/blackouts) and send it to every peer" },
	{ R("POST", "/api/v1/hub/blackouts/{id}/consents", api_hub_blackout_consent, CAP_PUBLISH),
	  .json_object_body = 1, .status = 201, .tag = "federation",
	  .summary = "Hub: record an MPS consent for a window and send it to every peer" },
	{ R("GET", "/api/v1/hub/published", api_hub_published, CAP_CASES_READ), .status = 200,
	  .tag = "federation", .query = "limit:1..1000 (50);after:id of the last page",
	  .summary = "Hub: advisory-published notices received from providers" },
	{ R("GET", "/api/v1/hub/filings", api_hub_filings, CAP_CASES_READ), .status = 200,
	  .tag = "federation",
	  .query = "state:pending, accepted or returned;limit:1..1000 (50);after:id of the last page",
	  .summary = "Hub: filings received from platforms (Art. 10) with their review state" },
	{ R("POST", "/api/v1/hub/filings/{id}/review", api_hub_filing_review, CAP_CASES_WRITE),
	  .json_object_body = 1, .status = 200, .tag = "federation",
	  .summary = "Hub: accept or return a pending filing {\"decision\":\"accepted\"|"
	  "\"returned\",\"note\"} (a note to return; audited) and send it to the platform" },
	{ R("GET", "/api/v1/federation/blackouts", api_federation_blackouts, CAP_CASES_READ),
	  .status = 200, .tag = "federation",
	  .summary = "Blackout windows and MPS consents taken from hubs (their local ids)" },
	{ R("GET", "/api/v1/database/reports", api_database_reports, CAP_CASES_READ),
	  .status = 200, .tag = "federation", .query = "limit:1..1000 (50);after:id of the last page",
	  .summary = "National database: the authority reports a hub relayed" },
	{ R("POST", "/api/v1/cases/{id}/early-release/hub", api_case_early_release_hub,
	    CAP_CASES_WRITE), .status = 202, .tag = "federation",
	  .summary = "Send the case's early-release record (Art. 9(1)) to the hub" },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Match one path against a pattern; {id} takes a positive decimal integer,
 * {token} a segment of letters, digits, '_' and '-', {year} four digits (into id). */
static int path_matches(const char *pattern, const char *path, int64_t *id,
			char token[ROUTE_TOKEN_LEN])
{
	while (*pattern && *path) {
		/* a literal character (the common case: most routes differ early) */
		if (*pattern != '{') {
			if (*pattern != *path)
				return 0;
			pattern++;
			path++;
			continue;
		}
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
		if (strncmp(pattern, "{version}", 9) == 0 || strncmp(pattern, "{ident}", 7) == 0) {
			size_t n = 0;

			while (path[n] && path[n] != '/' && (unsigned char)path[n] >= 0x20 &&
			       path[n] != 0x7f)
				n++;
			if (n == 0 || n > 90)
				return 0;
			memcpy(token, path, n);
			token[n] = '\0';
			pattern += pattern[1] == 'v' ? 9 : 7;
			path += n;
			continue;
		}
		if (strncmp(pattern, "{year}", 6) == 0) {
			/* four digits, into path_id (a CSAF feed directory) */
			if (strspn(path, "0123456789") != 4 || path[0] == '0')
				return 0;
			*id = (path[0] - '0') * 1000 + (path[1] - '0') * 100 + (path[2] - '0') * 10 +
			      (path[3] - '0');
			pattern += 6;
			path += 4;
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
		return 0;      /* no such placeholder: patterns have none other */
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
