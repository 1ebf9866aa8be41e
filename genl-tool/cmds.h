/* SPDX-License-Identifier: GPL-2.0 */
/* The verbs, each returning the process exit code. */
#ifndef NFOVPN_CMDS_H
#define NFOVPN_CMDS_H

#include "args.h"
#include "keyfile.h"
#include "nl.h"

enum {
	NFO_EXIT_OK = 0,
	NFO_EXIT_FAIL = 1,	/* kernel / netlink / system error */
	NFO_EXIT_USAGE = 2,	/* bad command line or key file */
};

/* ctl.c: instance / peer / key verbs; kf only for key add */
int nfo_run_ctl(struct nfo_nl *nl, const struct nfo_cmd *cmd,
		const struct nfo_keyfile *kf);
/* show.c: show, stats, status */
int nfo_run_show(struct nfo_nl *nl, const struct nfo_cmd *cmd);
int nfo_run_status(struct nfo_nl *nl, const struct nfo_cmd *cmd);
/* monitor.c */
int nfo_run_monitor(struct nfo_nl *nl, const struct nfo_cmd *cmd);

/* errors.c */
int nfo_dev_index(const struct nfo_cmd *cmd, uint32_t *ifindex);
void nfo_report(const struct nfo_cmd *cmd, const struct nfo_nl_err *err);
/* the message nfo_report() prints, without the "nfovpn: " prefix */
void nfo_describe_error(const struct nfo_cmd *cmd,
			const struct nfo_nl_err *err, char *buf, size_t len);

#endif /* NFOVPN_CMDS_H */
