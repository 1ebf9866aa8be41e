// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: print notifications from the "peers" group, one line each,
 * until SIGINT/SIGTERM.  The signals are blocked except inside ppoll(), so
 * a signal arriving between two reads cannot be missed.
 */
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cmds.h"
#include "format.h"
#include "parse.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct mon {
	bool json;
	int family;
};

static int on_event(const struct nlmsghdr *nlh, void *arg)
{
	struct mon *m = arg;
	struct nfo_event ev;

	if (nlh->nlmsg_type != m->family)
		return 0;
	if (nfo_parse_event_msg(nlh, &ev))
		return -EPROTO;
	/* the device may already be gone (DEVICE_GONE) */
	if (ev.ifindex && !if_indextoname(ev.ifindex, ev.ifname))
		ev.ifname[0] = '\0';
	nfo_print_event(stdout, &ev, m->json);
	fflush(stdout);
	nfo_peer_free(&ev.peer);
	return 0;
}

static int setup_signals(sigset_t *orig)
{
	struct sigaction sa;
	sigset_t block;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: ppoll must return */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
		return -1;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	return sigprocmask(SIG_BLOCK, &block, orig);
}

int nfo_run_monitor(struct nfo_nl *nl, const struct nfo_cmd *cmd)
{
	struct mon m = { .json = cmd->json, .family = nl->family };
	struct pollfd pfd = { .fd = nfo_nl_fd(nl), .events = POLLIN };
	sigset_t orig;
	int ret;

	if (nfo_nl_join(nl, NF_OVPN_MCGRP_PEERS))
		return NFO_EXIT_FAIL;
	if (setup_signals(&orig)) {
		perror("nfovpn: monitor: signals");
		return NFO_EXIT_FAIL;
	}
	while (!stop) {
		ret = ppoll(&pfd, 1, NULL, &orig);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			perror("nfovpn: monitor: poll");
			return NFO_EXIT_FAIL;
		}
		do {
			ret = nfo_nl_recv_events(nl, on_event, &m);
			if (ret == -ENOBUFS) {
				nfo_print_lost(stdout, m.json);
				fflush(stdout);
			}
		} while (ret == 0 || ret == -ENOBUFS);
		if (ret != -EAGAIN && ret != -EINTR) {
			fprintf(stderr, "nfovpn: monitor: receive failed: %s\n",
				strerror(-ret));
			return NFO_EXIT_FAIL;
		}
	}
	return NFO_EXIT_OK;
}
