// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: global tunables under /sys/kernel/fnat/.
 *
 * Each attribute holds one setting, read and written as text; a value that
 * does not parse or is out of range is refused with -EINVAL and the old
 * value stays. Per-netns settings (timeouts, services) live in the netlink
 * family instead, since sysfs has no notion of the writer's netns.
 *
 *	lport_range	"MIN MAX": the local ports FULLNAT connections use,
 *			1..65535, MIN <= MAX (default 1025 65535)
 */
#include <linux/kobject.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "fnat_lport.h"
#include "fnat_sysfs.h"

static struct kobject *fnat_kobj;

static ssize_t lport_range_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct fnat_lport_range r;

	fnat_lport_range(&r);
	return sysfs_emit(buf, "%u %u\n", r.min, r.max);
}

static ssize_t lport_range_store(struct kobject *kobj,
				 struct kobj_attribute *attr, const char *buf,
				 size_t count)
{
	char tmp[32], *p, *lo;
	u16 min, max;

	if (count >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, count);
	tmp[count] = '\0';
	p = strim(tmp);
	lo = strsep(&p, " \t");
	if (!p || kstrtou16(lo, 10, &min) || kstrtou16(strim(p), 10, &max))
		return -EINVAL;
	if (fnat_lport_set_range(min, max))
		return -EINVAL;
	return count;
}

static struct kobj_attribute fnat_attr_lport_range = __ATTR_RW(lport_range);

static struct attribute *fnat_attrs[] = {
	&fnat_attr_lport_range.attr,
	NULL,
};

static const struct attribute_group fnat_attr_group = {
	.attrs = fnat_attrs,
};

int fnat_sysfs_register(void)
{
	int err;

	fnat_kobj = kobject_create_and_add("fnat", kernel_kobj);
	if (!fnat_kobj)
		return -ENOMEM;
	err = sysfs_create_group(fnat_kobj, &fnat_attr_group);
	if (err)
		kobject_put(fnat_kobj);
	return err;
}

void fnat_sysfs_unregister(void)
{
	sysfs_remove_group(fnat_kobj, &fnat_attr_group);
	kobject_put(fnat_kobj);
}
