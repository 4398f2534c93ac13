/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _FNAT_SYSFS_H
#define _FNAT_SYSFS_H

int fnat_sysfs_register(void);
void fnat_sysfs_unregister(void);

#endif /* _FNAT_SYSFS_H */
