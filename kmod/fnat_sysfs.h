/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FNAT_SYSFS_H
#define _FNAT_SYSFS_H

struct kobj_attribute;

int fnat_sysfs_register(void);
void fnat_sysfs_unregister(void);
struct kobj_attribute *fnat_sysfs_attr(const char *name);

#endif /* _FNAT_SYSFS_H */
