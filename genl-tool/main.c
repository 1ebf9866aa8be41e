// SPDX-License-Identifier: GPL-2.0
/*
 * nfovpn: control and inspect the nf_ovpn kernel fast path.
 * Exit status: 0 ok, 1 kernel/netlink/system error, 2 usage error.
 */
#include <stdio.h>

#include "args.h"
#include "cmds.h"
#include "keyfile.h"
#include "nl.h"

#ifndef NFOVPN_VERSION
#define NFOVPN_VERSION "0.1"
#endif

static int dispatch(struct nfo_nl *nl, const struct nfo_cmd *cmd,
		    const struct nfo_keyfile *kf)
{
	switch (cmd->verb) {
	case NFO_VERB_SHOW:
	case NFO_VERB_STATS:
		return nfo_run_show(nl, cmd);
	case NFO_VERB_STATUS:
		return nfo_run_status(nl, cmd);
	case NFO_VERB_MONITOR:
		return nfo_run_monitor(nl, cmd);
	default:
		return nfo_run_ctl(nl, cmd, kf);
	}
}

int main(int argc, char *argv[])
{
	struct nfo_keyfile kf = { 0 };
	struct nfo_nl nl = { 0 };
	struct nfo_cmd cmd;
	char err[320];
	int ret;

	switch (nfo_args_parse(argc, argv, &cmd)) {
	case NFO_HELP:
		nfo_args_usage(stdout, cmd.verb);
		return NFO_EXIT_OK;
	case NFO_USAGE_ERROR:
		fprintf(stderr, "nfovpn: %s\n", cmd.err);
		nfo_args_usage(stderr, cmd.verb);
		return NFO_EXIT_USAGE;
	case NFO_RUN:
		break;
	}
	if (cmd.verb == NFO_VERB_VERSION) {
		printf("nfovpn %s (nf_ovpn netlink family version %d)\n",
		       NFOVPN_VERSION, NF_OVPN_FAMILY_VERSION);
		return NFO_EXIT_OK;
	}

	/* a bad key file is a usage error, found before touching the kernel */
	if (cmd.verb == NFO_VERB_KEY_ADD &&
	    nfo_keyfile_read(cmd.key.key_file, &kf, err, sizeof(err))) {
		fprintf(stderr, "nfovpn: key add: %s\n", err);
		return NFO_EXIT_USAGE;
	}
	if (nfo_nl_open(&nl)) {
		ret = NFO_EXIT_FAIL;
		goto out_wipe;
	}
	ret = dispatch(&nl, &cmd, &kf);
	nfo_nl_close(&nl);
out_wipe:
	nfo_keyfile_wipe(&kf);
	return ret;
}
