// SPDX-License-Identifier: GPL-2.0
/*
 * fnat: scheduler registry and the dest sets schedulers pick from.
 *
 * The registry is a static table rather than runtime registration so that
 * it works before module init (KUnit suites run first when built in) and
 * so a scheduler name can never refer to code that is being unloaded.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/overflow.h>
#include "fnat_sched.h"

static const struct fnat_scheduler *const fnat_schedulers[] = {
	&fnat_sched_rr,
	&fnat_sched_wrr,
	&fnat_sched_lc,
	&fnat_sched_wlc,
	&fnat_sched_sed,
	&fnat_sched_nq,
	&fnat_sched_dh,
	&fnat_sched_sh,
	&fnat_sched_lblc,
	&fnat_sched_lblcr,
	&fnat_sched_mh,
	&fnat_sched_fo,
	&fnat_sched_ovf,
	&fnat_sched_twos,
};

const struct fnat_scheduler *fnat_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fnat_schedulers); i++)
		if (!strcmp(fnat_schedulers[i]->name, name))
			return fnat_schedulers[i];
	return NULL;
}

static struct fnat_dest_set *fnat_dest_set_alloc(unsigned int n,
						 const struct fnat_scheduler *s)
{
	size_t head = ALIGN(struct_size_t(struct fnat_dest_set, dest, n),
			    sizeof(u64));
	struct fnat_dest_set *set;

	set = kzalloc(size_add(head, s->state_size), GFP_KERNEL);
	if (!set)
		return NULL;
	set->sched = s;
	set->n = n;
	set->state = s->state_size ? (char *)set + head : NULL;
	return set;
}

static void fnat_dest_set_free(struct fnat_dest_set *set)
{
	if (set->sched->state_free)
		set->sched->state_free(set);
	kfree(set);
}

static void fnat_dest_set_free_rcu(struct rcu_head *head)
{
	fnat_dest_set_free(container_of(head, struct fnat_dest_set, rcu));
}

/*
 * Publish a new dest set for @svc built from its current dests except
 * @skip (a dest about to be deleted: it must leave the set before it may be
 * freed), scheduled by @sched. On failure the old set stays in place and
 * nothing changes. Caller holds fn->lock.
 */
int fnat_sched_rebuild(struct fnat_service *svc,
		       const struct fnat_scheduler *sched,
		       const struct fnat_dest *skip)
{
	struct fnat_dest_set *set, *old;
	struct fnat_dest *dest;
	unsigned int n = 0, i = 0;
	int err;

	list_for_each_entry(dest, &svc->dests, list)
		if (dest != skip)
			n++;
	set = fnat_dest_set_alloc(n, sched);
	if (!set)
		return -ENOMEM;
	list_for_each_entry(dest, &svc->dests, list)
		if (dest != skip)
			set->dest[i++] = dest;
	old = rcu_dereference_protected(svc->dset, true);
	if (sched->state_init) {
		err = sched->state_init(set, old);
		if (err) {
			kfree(set);
			return err;
		}
	}

	rcu_assign_pointer(svc->dset, set);
	svc->sched = sched;
	if (old)
		call_rcu(&old->rcu, fnat_dest_set_free_rcu);
	return 0;
}

/* Drop the published set; readers finish with it before it is freed. */
void fnat_sched_release(struct fnat_service *svc)
{
	struct fnat_dest_set *old = rcu_replace_pointer(svc->dset, NULL, true);

	if (old)
		call_rcu(&old->rcu, fnat_dest_set_free_rcu);
}

/* Caller is in an RCU read-side section and keeps it while using the dest. */
struct fnat_dest *fnat_sched_pick(struct fnat_service *svc,
				  const struct fnat_sched_ctx *ctx)
{
	struct fnat_dest_set *set = rcu_dereference(svc->dset);
	struct fnat_sched_ctx c;

	if (!set || !set->n)
		return NULL;
	/* The flags may change without a rebuild: read them per pick. */
	c = *ctx;
	c.svc_flags = READ_ONCE(svc->flags);
	return set->sched->pick(set, &c);
}
