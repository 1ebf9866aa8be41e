// SPDX-License-Identifier: GPL-2.0
/*
 * A scratch module that WARNs on load: test-runner.sh loads it in the guest
 * to prove the VM runner turns a kernel warning into a failed run.
 */
#include <linux/module.h>

static int __init warn_mod_init(void)
{
	WARN_ON(1);
	return 0;
}

static void __exit warn_mod_exit(void)
{
}

module_init(warn_mod_init);
module_exit(warn_mod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("nf_ovpn selftest: planted WARN_ON");
