// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * Load and attach the XDP program with the skeleton and libxdp, after
 * xdp-tools' xdp-forward: open the skeleton, hand skel->obj to
 * xdp_program__create() and let libxdp load it, either as a component of
 * its multi-program dispatcher or, when the kernel refuses the dispatcher,
 * alone ("legacy"). Finding and detaching go through libxdp's view of the
 * interface, so both ways look the same to the callers.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/if_link.h>

#include <bpf/bpf.h>

#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "../include/icmpgate.h"
#include "icmpgate.skel.h"
#include "loader.h"
#include "log.h"
#include "store.h"

static enum xdp_attach_mode xdp_mode(unsigned mode)
{
	return mode == IG_MODE_SKB ? XDP_MODE_SKB : XDP_MODE_NATIVE;
}

const char *ig_mode_name(unsigned mode)
{
	switch (mode) {
	case IG_MODE_NATIVE:
		return "native";
	case IG_MODE_SKB:
		return "skb";
	default:
		return "unknown";
	}
}

int ig_loader_size_sources(struct icmpgate_bpf *skel, uint32_t max_sources)
{
	skel->rodata->ig_source_sets = max_sources / 2;
	return bpf_map__set_max_entries(skel->maps.ig_sources, max_sources / 2);
}

/*
 * A fresh, not yet loaded skeleton with room for max_sources per-source
 * buckets (the table is an array: its size is its memory, fixed); NULL
 * and *err on failure.
 */
static struct icmpgate_bpf *skel_open(uint32_t max_sources, int *err)
{
	struct icmpgate_bpf *skel = icmpgate_bpf__open();

	if (!skel) {
		*err = errno ? -errno : -ENOMEM;
		return NULL;
	}
	*err = ig_loader_size_sources(skel, max_sources);
	if (*err) {
		icmpgate_bpf__destroy(skel);
		return NULL;
	}
	return skel;
}

int ig_loader_load_detached(struct icmpgate_bpf **skel, uint32_t max_sources,
			    bool fake_clock)
{
	int err;

	*skel = skel_open(max_sources, &err);
	if (!*skel)
		return err;
	(*skel)->rodata->ig_fake_clock = fake_clock;
	err = icmpgate_bpf__load(*skel);
	if (err) {
		icmpgate_bpf__destroy(*skel);
		*skel = NULL;
	}
	return err;
}

/* A fresh, not yet loaded skeleton in *l, for ifindex in mode. */
static int loader_open(struct ig_loaded *l, int ifindex, unsigned mode,
		       uint32_t max_sources)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifindex;
	l->mode = mode;
	l->skel = skel_open(max_sources, &err);
	return l->skel ? 0 : err;
}

int ig_loader_attach(struct ig_loaded *l, int ifindex, unsigned mode,
		     uint32_t max_sources)
{
	DECLARE_LIBXDP_OPTS(xdp_program_opts, opts, .prog_name = IG_PROG_NAME);
	int err;

	err = loader_open(l, ifindex, mode, max_sources);
	if (err)
		goto err_out;
	opts.obj = l->skel->obj;
	l->prog = xdp_program__create(&opts);
	err = (int)libxdp_get_error(l->prog);
	if (err) {
		l->prog = NULL;
		goto err_out;
	}
	/* libxdp loads the object: as a dispatcher component or alone. */
	err = xdp_program__attach(l->prog, ifindex, xdp_mode(mode), 0);
	if (err)
		goto err_out;
	l->attached = true;
	pr_debug("program %u attached to ifindex %d in %s mode",
		 xdp_program__id(l->prog), ifindex, ig_mode_name(mode));
	return 0;

err_out:
	ig_loader_close(l);
	return err;
}

struct bpf_object *ig_loader_object(const struct ig_loaded *l)
{
	return l->skel->obj;
}

void ig_loader_close(struct ig_loaded *l)
{
	/* The xdp_program borrows skel->obj: close it first. */
	xdp_program__close(l->prog);
	icmpgate_bpf__destroy(l->skel);
	l->prog = NULL;
	l->skel = NULL;
	l->attached = false;
}

int ig_loader_rollback(struct ig_loaded *l)
{
	int err = 0;

	if (l->attached)
		err = xdp_program__detach(l->prog, l->ifindex,
					  xdp_mode(l->mode), 0);
	ig_loader_close(l);
	return err;
}

/* libxdp's view of what is attached to ifindex; -ENOENT if nothing. */
static int open_multiprog(int ifindex, struct xdp_multiprog **mp)
{
	int err;

	*mp = xdp_multiprog__get_from_ifindex(ifindex);
	err = (int)libxdp_get_error(*mp);
	if (err || !*mp) {
		*mp = NULL;
		return err ? err : -ENOENT;
	}
	return 0;
}

/* Our program in mp: the only one (legacy) or one of the dispatcher's. */
static struct xdp_program *find_prog(const struct xdp_multiprog *mp,
				     uint32_t prog_id)
{
	struct xdp_program *p;

	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		return p && xdp_program__id(p) == prog_id ? p : NULL;
	}
	for (p = xdp_multiprog__next_prog(NULL, mp); p;
	     p = xdp_multiprog__next_prog(p, mp))
		if (xdp_program__id(p) == prog_id)
			return p;
	return NULL;
}

/*
 * What netlink says is attached to ifindex, in any mode: 0 and *mode, or
 * -ENOENT. Needs no privilege beyond seeing the interface; libxdp's view
 * needs CAP_SYS_ADMIN (it opens the programs by id).
 */
static int query_attached(int ifindex, uint32_t *prog_id, unsigned *mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err = bpf_xdp_query(ifindex, 0, &q);

	if (err)
		return err;
	*prog_id = q.prog_id	 ? q.prog_id :
		   q.drv_prog_id ? q.drv_prog_id :
				   q.skb_prog_id;
	*mode = q.attach_mode == XDP_ATTACHED_SKB ? IG_MODE_SKB :
						    IG_MODE_NATIVE;
	return *prog_id ? 0 : -ENOENT;
}

/*
 * Without CAP_SYS_ADMIN, libxdp cannot open the attached program: ask
 * netlink. Our program attached alone has our id; behind a dispatcher the
 * id is the dispatcher's, and whether ours is behind it cannot be told
 * (-EPERM, never "gone").
 */
static int attached_alone(int ifindex, uint32_t prog_id, unsigned *mode)
{
	uint32_t id;
	int err = query_attached(ifindex, &id, mode);

	if (err)
		return err;
	return id == prog_id ? 0 : -EPERM; /* a dispatcher, or not ours */
}

static int find_without_libxdp(int ifindex, uint32_t prog_id,
			       struct ig_attach_info *info)
{
	unsigned mode;
	int err = attached_alone(ifindex, prog_id, &mode);

	if (err)
		return err;
	info->prog_id = prog_id;
	info->multiprog = 0;
	info->mode = mode;
	return 0;
}

int ig_loader_find(int ifindex, uint32_t prog_id, struct ig_attach_info *info)
{
	struct xdp_multiprog *mp;
	int err;

	err = open_multiprog(ifindex, &mp);
	if (err == -EPERM || err == -EACCES)
		return find_without_libxdp(ifindex, prog_id, info);
	if (err)
		return err;
	if (!find_prog(mp, prog_id)) {
		err = -ENOENT;
		goto out;
	}
	info->prog_id = prog_id;
	info->multiprog = !xdp_multiprog__is_legacy(mp);
	info->mode = xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB ?
			     IG_MODE_SKB :
			     IG_MODE_NATIVE;
out:
	xdp_multiprog__close(mp);
	return err;
}

int ig_loader_info(const struct ig_loaded *l, struct ig_attach_info *info)
{
	return ig_loader_find(l->ifindex, xdp_program__id(l->prog), info);
}

/*
 * Detach our program, attached alone, through netlink: with CAP_NET_ADMIN
 * but not CAP_SYS_ADMIN, libxdp cannot. Accepted race: another tool
 * replacing the program between the query and the detach would lose its
 * program (the kernel's replace-only-if flag needs the old program's fd,
 * which needs CAP_SYS_ADMIN).
 */
static int detach_without_libxdp(int ifindex, uint32_t prog_id)
{
	unsigned mode;
	int err = attached_alone(ifindex, prog_id, &mode);

	if (err)
		return err;
	return bpf_xdp_detach(ifindex,
			      mode == IG_MODE_SKB ? XDP_FLAGS_SKB_MODE :
						    XDP_FLAGS_DRV_MODE,
			      NULL);
}

int ig_loader_detach(int ifindex, uint32_t prog_id, unsigned mode)
{
	struct xdp_multiprog *mp;
	struct xdp_program *p;
	int err;

	err = open_multiprog(ifindex, &mp);
	if (err == -EPERM || err == -EACCES)
		return detach_without_libxdp(ifindex, prog_id);
	if (err)
		return err;
	p = find_prog(mp, prog_id);
	if (!p) {
		err = -ENOENT;
		goto out;
	}
	/*
	 * Behind a dispatcher this removes only our program and keeps the
	 * others; alone, libxdp detaches it only if it is still the one
	 * attached.
	 */
	err = xdp_program__detach(p, ifindex, xdp_mode(mode), 0);
out:
	xdp_multiprog__close(mp);
	return err;
}

int ig_loader_query(int ifindex, struct ig_xdp_owner *owner)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	int fd, err;

	memset(owner, 0, sizeof(*owner));
	err = bpf_xdp_query(ifindex, 0, &q);
	if (err)
		return err;
	owner->prog_id = q.prog_id     ? q.prog_id :
			 q.drv_prog_id ? q.drv_prog_id :
			 q.skb_prog_id ? q.skb_prog_id :
					 q.hw_prog_id;
	if (!owner->prog_id)
		return -ENOENT;
	owner->generic = q.attach_mode == XDP_ATTACHED_SKB;
	fd = bpf_prog_get_fd_by_id(owner->prog_id);
	if (fd < 0)
		return 0; /* the id is known; its name needs more privilege */
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		snprintf(owner->name, sizeof(owner->name), "%s", info.name);
	close(fd);
	owner->ours = !strcmp(owner->name, IG_PROG_NAME);
	owner->dispatcher = !strcmp(owner->name, "xdp_dispatcher");
	return 0;
}

int ig_loader_prepare(struct ig_loaded *l, int ifindex, unsigned mode,
		      uint32_t max_sources, const struct ig_maps *reuse)
{
	uint32_t capacity = max_sources;
	int err = 0;

	/* On an attached program's maps: the size of its table. */
	if (reuse)
		err = ig_sources_capacity(reuse, &capacity);
	if (err) {
		memset(l, 0, sizeof(*l)); /* closed, as on every error */
		return err;
	}
	err = loader_open(l, ifindex, mode, capacity);
	if (err)
		goto out;
	if (reuse)
		err = ig_maps_reuse(reuse, l->skel->obj);
	err = err ?: icmpgate_bpf__load(l->skel);
out:
	if (err)
		ig_loader_close(l);
	return err;
}

int ig_loader_swap(struct ig_loaded *l, uint32_t old_prog_id)
{
	DECLARE_LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	int old_fd, err;

	old_fd = bpf_prog_get_fd_by_id(old_prog_id);
	if (old_fd < 0)
		return -errno;
	/*
	 * One netlink request: the kernel swaps the program only if old_fd
	 * is still the one attached, and no packet sees neither.
	 */
	opts.old_prog_fd = old_fd;
	err = bpf_xdp_attach(l->ifindex,
			     bpf_program__fd(l->skel->progs.icmpgate_xdp),
			     XDP_FLAGS_REPLACE | (l->mode == IG_MODE_SKB ?
							  XDP_FLAGS_SKB_MODE :
							  XDP_FLAGS_DRV_MODE),
			     &opts);
	close(old_fd);
	if (err)
		return err;
	l->replaced = true;
	pr_debug("program %u replaced by %u on ifindex %d", old_prog_id,
		 ig_loader_prog_id(l), l->ifindex);
	return 0;
}

uint32_t ig_loader_prog_id(const struct ig_loaded *l)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (l->prog)
		return xdp_program__id(l->prog);
	if (bpf_obj_get_info_by_fd(bpf_program__fd(l->skel->progs.icmpgate_xdp),
				   &info, &len))
		return 0;
	return info.id;
}
