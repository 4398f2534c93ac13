/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FNAT_HOOKS_H
#define _FNAT_HOOKS_H

#include "fnat.h"

int fnat_hooks_enable(struct fnat_netns *fn);
void fnat_hooks_disable(struct fnat_netns *fn);

#endif /* _FNAT_HOOKS_H */
