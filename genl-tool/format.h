/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human and JSON output from the plain structs of model.h.  The JSON field
 * names are an interface: they are documented in nfovpn.8, keep them stable.
 */
#ifndef NFOVPN_FORMAT_H
#define NFOVPN_FORMAT_H

#include <stdio.h>

#include "model.h"

/* RX/TX idle value meaning "nothing seen yet" */
#define NFO_IDLE_NEVER UINT32_MAX

void nfo_fmt_bytes(uint64_t bytes, char *buf, size_t len);	/* "1.50 MiB" */
void nfo_fmt_age(uint32_t ms, char *buf, size_t len);	/* "3.2 s ago" */
void nfo_fmt_addr(const struct nfo_addr *a, char *buf, size_t len);
/* "192.0.2.1:1194", "[2001:db8::1%3]:1194" */
void nfo_fmt_endpoint(const struct nfo_addr *a, uint32_t scope_id,
		      uint16_t port, char *buf, size_t len);

const char *nfo_mode_name(uint8_t mode);
const char *nfo_cipher_name(uint32_t cipher);
const char *nfo_slot_name(uint32_t slot);
const char *nfo_reason_name(uint32_t reason);
const char *nfo_stat_name(int type);	/* JSON/stats field name or NULL */

void nfo_print_show(FILE *f, const struct nfo_inst *insts, size_t n,
		    bool json);
void nfo_print_stats(FILE *f, const struct nfo_inst *insts, size_t n,
		     bool json);
void nfo_print_status(FILE *f, const struct nfo_status *st, bool json);
/* key get / key del reply */
void nfo_print_key(FILE *f, const char *dev, const struct nfo_key *k,
		   bool json);
/* peer del reply (handed-back keys) */
void nfo_print_peer_del(FILE *f, const char *dev, const struct nfo_peer *p,
			bool json);
/* one line per notification */
void nfo_print_event(FILE *f, const struct nfo_event *ev, bool json);
void nfo_print_lost(FILE *f, bool json);

#endif /* NFOVPN_FORMAT_H */
