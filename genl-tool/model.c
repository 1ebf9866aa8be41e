// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>

#include "model.h"

void nfo_peer_free(struct nfo_peer *p)
{
	free(p->iroutes);
	p->iroutes = NULL;
	p->n_iroutes = 0;
}

void nfo_inst_free(struct nfo_inst *in)
{
	size_t i;

	for (i = 0; i < in->n_peers; i++)
		nfo_peer_free(&in->peers[i]);
	free(in->peers);
	in->peers = NULL;
	in->n_peers = 0;
}

void nfo_inst_array_free(struct nfo_inst *arr, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		nfo_inst_free(&arr[i]);
	free(arr);
}
