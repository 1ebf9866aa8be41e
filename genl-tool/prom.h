/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `nfovpn stats --prometheus`: the counters in Prometheus' text exposition
 * format (as node_exporter's textfile collector reads it).  The metric
 * names are an interface, documented in nfovpn.8: keep them stable.
 */
#ifndef NFOVPN_PROM_H
#define NFOVPN_PROM_H

#include <stdio.h>

#include "model.h"

void nfo_print_prometheus(FILE *f, const struct nfo_inst *insts, size_t n);

#endif /* NFOVPN_PROM_H */
