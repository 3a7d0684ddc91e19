/* acl.c: POSIX ACLs as the kernel stores them, in system.posix_acl_access
 * and system.posix_acl_default, copied whole: no libacl needed. The binary
 * form is a version word, then (tag, perm, id) entries. */
#include "acl.h"
#include "sys.h"
#include "util.h"

#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ACL_ACCESS "system.posix_acl_access"
#define ACL_DEFAULT "system.posix_acl_default"

#define ACL_VERSION 2
#define ACL_USER_OBJ 0x01
#define ACL_GROUP_OBJ 0x04
#define ACL_OTHER 0x20

struct acl_entry {
	uint16_t tag, perm;
	uint32_t id;
};

struct acl_header {
	uint32_t version;
};

/* An xattr's value, on the stack while it is small. */
struct acl_value {
	char small[512];
	char *data;
	ssize_t len;
};

/* Read attribute name of fd into v: its length, -ENODATA when there is
 * none (or the file system has no ACLs), or -errno. */
static ssize_t acl_get(int fd, const char *name, struct acl_value *v)
{
	v->data = v->small;
	v->len = sys_fgetxattr(fd, name, v->small, sizeof(v->small));
	if (v->len == -ERANGE) {
		ssize_t n = sys_fgetxattr(fd, name, NULL, 0);
		if (n < 0)
			return v->len = n;
		v->data = util_xmalloc((size_t)n + 1);
		v->len = sys_fgetxattr(fd, name, v->data, (size_t)n + 1);
	}
	if (v->len == -ENOTSUP)
		v->len = -ENODATA;
	return v->len;
}

static int acl_put(const struct acl_dst *d, const char *name, const void *v, size_t len)
{
	return d->via ? sys_setxattr(d->via, name, v, len, 0) : sys_fsetxattr(d->fd, name, v, len, 0);
}

static int acl_drop(const struct acl_dst *d, const char *name)
{
	return d->via ? sys_removexattr(d->via, name) : sys_fremovexattr(d->fd, name);
}

static void acl_value_free(struct acl_value *v)
{
	if (v->data != v->small)
		free(v->data);
}

/* Does the ACL say no more than the mode (owner, group and other only)? */
static bool acl_trivial(const struct acl_value *v)
{
	struct acl_entry e;

	/* memcpy: the value's bytes need not be aligned for an entry. */
	for (size_t off = sizeof(struct acl_header); off + sizeof(e) <= (size_t)v->len;
	     off += sizeof(e)) {
		memcpy(&e, v->data + off, sizeof(e));
		e.tag = le16toh(e.tag);
		if (e.tag != ACL_USER_OBJ && e.tag != ACL_GROUP_OBJ && e.tag != ACL_OTHER)
			return false;
	}
	return true;
}

/* The default ACL goes with the access ACL, or goes: the copy's is the
 * source's, not one inherited from where it landed. */
static int acl_copy_default(int src_fd, const struct acl_dst *dst)
{
	struct acl_value v;
	int err;

	if (acl_get(src_fd, ACL_DEFAULT, &v) >= 0) {
		err = acl_put(dst, ACL_DEFAULT, v.data, (size_t)v.len);
	} else if (v.len == -ENODATA) {
		err = acl_drop(dst, ACL_DEFAULT);
		if (err == -ENODATA || err == -ENOTSUP)
			err = 0;
	} else {
		err = (int)v.len;
	}
	acl_value_free(&v);
	return err;
}

int acl_copy(int src_fd, const char *src_path, const struct acl_dst *dst, bool dir,
	     bool dst_bare)
{
	struct acl_value v;
	int err;

	if (acl_get(src_fd, ACL_ACCESS, &v) >= 0) {
		err = acl_put(dst, ACL_ACCESS, v.data, (size_t)v.len);
		/* Nowhere to keep it: the mode already says all a trivial one does. */
		if (err == -ENOTSUP && acl_trivial(&v))
			err = 0;
		else if (!err && dir)
			err = acl_copy_default(src_fd, dst);
	} else if (v.len == -ENODATA && dst_bare && !dir) {
		err = 0;	/* none there to drop */
	} else if (v.len == -ENODATA) {
		/* As cp: a default ACL follows only where the access ACL went,
		 * and where ACLs cannot be there is none to drop. */
		err = acl_drop(dst, ACL_ACCESS);
		if (err == -ENODATA)
			err = 0;
		if (!err && dir)
			err = acl_copy_default(src_fd, dst);
		else if (err == -ENOTSUP)
			err = 0;
	} else {
		util_error((int)v.len, "%s", util_quote(src_path));
		err = (int)v.len;
		goto out_free;
	}
	if (err)
		util_error(err, "preserving permissions for %s", util_quote(dst->path));
out_free:
	acl_value_free(&v);
	return err;
}

int acl_set_mode(const struct acl_dst *dst, mode_t mode)
{
	struct {
		struct acl_header h;
		struct acl_entry e[3];
	} acl = {
		{ htole32(ACL_VERSION) },
		{ { htole16(ACL_USER_OBJ), htole16((mode >> 6) & 7), UINT32_MAX },
		  { htole16(ACL_GROUP_OBJ), htole16((mode >> 3) & 7), UINT32_MAX },
		  { htole16(ACL_OTHER), htole16(mode & 7), UINT32_MAX } },
	};
	/* The kernel stores no trivial ACL: this sets the mode and drops one. */
	int err = acl_put(dst, ACL_ACCESS, &acl, sizeof(acl));

	if (err == -ENOTSUP)
		err = dst->via ? sys_fchmodat(AT_FDCWD, dst->via, mode) : sys_fchmod(dst->fd, mode);
	if (err)
		util_error(err, "setting permissions for %s", util_quote(dst->path));
	return err;
}
