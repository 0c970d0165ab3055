/* cmd_peer.c - `vulnflow peer ...` (federation peers, our key) and `vulnflow federation status`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "service/federation.h"

static void peer_help(void)
{
	printf("Usage: vulnflow peer add --url URL --role R --key KEY --jurisdiction CC [--name N]\n"
	       "       vulnflow peer list [--all] [--json]\n"
	       "       vulnflow peer remove KEY_ID|ID\n"
	       "       vulnflow peer key [--json]\n\n"
	       "The instances this one exchanges signed envelopes with (federation).\n"
	       "  add      trust a peer: URL is its base URL (http(s)://host:port), R its role\n"
	       "           (provider, operator, platform, hub or database), KEY what `vulnflow\n"
	       "           peer key` prints on the peer, CC its jurisdiction (ISO 3166-1, e.g. CN)\n"
	       "  list     the active peers (--all: removed ones too)\n"
	       "  remove   stop trusting a peer (by key id, 8 or more of its first hex digits,\n"
	       "           or its numeric id); its envelopes are refused from then on\n"
	       "  key      print this instance's public key, to give to peers (`--key`)\n\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --db URL    database URL (overrides the configuration)\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static void fed_help(void)
{
	printf("Usage: vulnflow federation status [--limit N] [--json]\n\n"
	       "The outbox (queued, delivered, failed envelopes with attempts, last error and\n"
	       "receipt), the inbox and its refusals, and the peers.\n\n"
	       "  --limit N   envelopes and refusals listed (default 20)\n"
	       "  --dir DIR   instance directory (default %s)\n"
	       "  --db URL    database URL (overrides the configuration)\n"
	       "  --json      print JSON\n"
	       "  --help      print this help\n", DEFAULT_DIR);
}

static const char *str_or(json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : dflt;
}

static void print_peers(json_t *a)
{
	size_t i;
	json_t *p;

	printf("%-4s %-16s %-9s %-3s %-30s %s\n", "ID", "KEY ID", "ROLE", "CC", "URL", "NAME");
	json_array_foreach(a, i, p) {
		printf("%-4lld %.16s %-9s %-3s %-30s %s%s\n",
		       (long long)json_integer_value(json_object_get(p, "id")),
		       str_or(p, "key_id", ""), str_or(p, "role", ""), str_or(p, "jurisdiction", ""),
		       str_or(p, "url", ""), str_or(p, "name", ""),
		       json_is_null(json_object_get(p, "removed_at")) ? "" : " (removed)");
	}
}

int cmd_peer(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "url", required_argument, NULL, 'u' },
		{ "role", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "jurisdiction", required_argument, NULL, 'j' },
		{ "name", required_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { DEFAULT_DIR, NULL, 0 };
	struct fed_peer_input p = { 0 };
	struct instance *in = NULL;
	struct err e = ERR_INIT;
	const char *sub;
	json_t *out = NULL;
	int c, all = 0, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'u': p.url = optarg; break;
		case 'r': p.role = optarg; break;
		case 'k': p.key = optarg; break;
		case 'j': p.jurisdiction = optarg; break;
		case 'n': p.name = optarg; break;
		case 'a': all = 1; break;
		case 'J': o.json = 1; break;
		case 'h': peer_help(); return 0;
		default: return cli_usage("peer", "unknown option");
		}
	}
	if (optind >= argc)
		return cli_usage("peer", "missing subcommand (add, list, remove or key)");
	sub = argv[optind++];
	if (strcmp(sub, "key") == 0) {
		char text[FED_KEY_TEXT_MAX], id[ENVELOPE_KEYID_LEN];

		if (optind < argc)
			return cli_usage("peer", "unexpected argument \"%s\"", argv[optind]);
		if (federation_local_key(o.dir, text, id, &e) < 0)
			return cli_fail(&e);
		if (o.json)
			cli_print_json(json_pack("{s:s,s:s}", "key", text, "key_id", id));
		else
			printf("%s\n", text);
		return 0;
	}
	if (strcmp(sub, "add") && strcmp(sub, "list") && strcmp(sub, "remove"))
		return cli_usage("peer", "unknown subcommand \"%s\"", sub);
	if (strcmp(sub, "add") == 0 && (!p.url || !p.role || !p.key || !p.jurisdiction))
		return cli_usage("peer", "add needs --url, --role, --key and --jurisdiction");
	if (strcmp(sub, "remove") == 0 && optind + 1 != argc)
		return cli_usage("peer", "remove takes one KEY_ID or ID");
	if (strcmp(sub, "remove") != 0 && optind < argc)
		return cli_usage("peer", "unexpected argument \"%s\"", argv[optind]);
	if (cli_open(&in, &o, 1, &e) < 0)
		return cli_fail(&e);
	if (strcmp(sub, "add") == 0)
		rc = federation_peer_add(in, &p, &out, &e);
	else if (strcmp(sub, "remove") == 0)
		rc = federation_peer_remove(in, argv[optind], &out, &e);
	else
		rc = federation_peer_list(in, all, &out, &e);
	instance_close(in);
	if (rc < 0)
		return cli_fail(&e);
	if (o.json) {
		cli_print_json(out);
	} else if (strcmp(sub, "list") == 0) {
		print_peers(out);
		json_decref(out);
	} else {
		printf("peer %lld %s: %s %s (%s)\n",
		       (long long)json_integer_value(json_object_get(out, "id")),
		       strcmp(sub, "add") == 0 ? "added" : "removed", str_or(out, "role", ""),
		       str_or(out, "url", ""), str_or(out, "key_id", ""));
		json_decref(out);
	}
	return 0;
}

int cmd_federation(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "db", required_argument, NULL, 'b' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct common_opts o = { DEFAULT_DIR, NULL, 0 };
	struct instance *in = NULL;
	struct err e = ERR_INIT;
	json_t *out = NULL, *x;
	int c, limit = 20, rc;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o.dir = optarg; break;
		case 'b': o.db = optarg; break;
		case 'l':
			limit = atoi(optarg);
			if (limit < 1 || limit > 1000)
				return cli_usage("federation", "--limit must be 1..1000");
			break;
		case 'J': o.json = 1; break;
		case 'h': fed_help(); return 0;
		default: return cli_usage("federation", "unknown option");
		}
	}
	if (optind >= argc || strcmp(argv[optind], "status") != 0)
		return cli_usage("federation", "missing or unknown subcommand (status)");
	if (optind + 1 < argc)
		return cli_usage("federation", "unexpected argument \"%s\"", argv[optind + 1]);
	if (cli_open(&in, &o, 1, &e) < 0)
		return cli_fail(&e);
	rc = federation_status(in, limit, &out, &e);
	instance_close(in);
	if (rc < 0)
		return cli_fail(&e);
	if (o.json) {
		cli_print_json(out);
		return 0;
	}
	x = json_object_get(out, "outbox");
	printf("role %s, key id %s\n", str_or(out, "role", ""), str_or(out, "key_id", "(none)"));
	printf("outbox: %lld queued, %lld delivered, %lld failed\n",
	       (long long)json_integer_value(json_object_get(x, "queued")),
	       (long long)json_integer_value(json_object_get(x, "delivered")),
	       (long long)json_integer_value(json_object_get(x, "failed")));
	x = json_object_get(out, "inbox");
	printf("inbox: %lld accepted, %lld refused\n\n",
	       (long long)json_integer_value(json_object_get(x, "accepted")),
	       (long long)json_integer_value(json_object_get(x, "refused")));
	printf("%-38s %-18s %-9s %-8s %s\n", "ENVELOPE", "TYPE", "STATE", "ATTEMPTS", "LAST ERROR");
	json_array_foreach(json_object_get(out, "envelopes"), i, x)
		printf("%-38s %-18s %-9s %-8lld %s\n", str_or(x, "id", ""), str_or(x, "type", ""),
		       str_or(x, "state", ""),
		       (long long)json_integer_value(json_object_get(x, "attempts")),
		       str_or(x, "last_error", ""));
	if (json_array_size(json_object_get(out, "refusals")) > 0) {
		printf("\n%-27s %-18s %-16s %s\n", "REFUSED AT", "CODE", "CLIENT", "MESSAGE");
		json_array_foreach(json_object_get(out, "refusals"), i, x)
			printf("%-27s %-18s %-16s %s\n", str_or(x, "received_at", ""),
			       str_or(x, "code", ""), str_or(x, "client", ""), str_or(x, "message", ""));
	}
	json_decref(out);
	return 0;
}
