/* exec.c: run one copy job through the plan, one method after another.
 *
 * Every copy of data, of a file named on the command line or found by the
 * walk, comes here: one road for all, so that the single-file and the
 * many-files paths cannot drift apart.
 */
#include "exec.h"
#include "sys.h"

/* Where an inherited descriptor stands; -1 if it does not seek. */
static off_t exec_position(int fd, const struct stat *st)
{
	off_t off;

	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode))
		return -1;
	off = sys_lseek(fd, 0, SEEK_CUR);
	return off < 0 ? -1 : off;
}

static int exec_end_init(struct endpoint *e, const struct exec_end *x)
{
	int err;

	*e = (struct endpoint){ .fd = x->fd, .path = x->path, .is_new = x->is_new };
	if (x->st) {
		e->st = *x->st;
	} else {
		err = sys_fstat(x->fd, &e->st);
		if (err)
			return err;
	}
	if (x->inherited)
		e->off = exec_position(x->fd, &e->st);
	else
		e->off = S_ISREG(e->st.st_mode) || S_ISBLK(e->st.st_mode) ? 0 : -1;
	return endpoint_classify(e);
}

int exec_job_init(struct copy_job *job, const struct exec_end *src, const struct exec_end *dst,
		  enum sparse_mode sparse, bool reflink_always, bool reflink_never)
{
	int err, fl;

	*job = (struct copy_job){ .sparse = sparse, .reflink_always = reflink_always,
				  .reflink_never = reflink_never };
	err = exec_end_init(&job->src, src);
	if (err) {
		job->err_side = JOB_ERR_READ;
		return err;
	}
	err = exec_end_init(&job->dst, dst);
	if (err) {
		job->err_side = JOB_ERR_WRITE;
		return err;
	}
	if (dst->inherited) {
		/* copy_file_range refuses O_APPEND; writes must not seek there. */
		fl = sys_fcntl(dst->fd, F_GETFL, 0);
		job->dst.append = fl >= 0 && (fl & O_APPEND);
		if (job->dst.append)
			job->dst.off = -1;
	}
	/* Only a file zcp opened and emptied may have holes left in it. */
	job->may_punch = !dst->inherited && job->dst.kind == KIND_REGULAR;
	job->holes = sparse != SPARSE_NEVER && job->may_punch && job->src.kind == KIND_REGULAR &&
		     job->src.size_trusted && job->src.off == 0 &&
		     (off_t)job->src.st.st_blocks * 512 < job->src.st.st_size;
	return 0;
}

/* Copy what lies between offset 0 and the end, keeping the source's holes. */
static int exec_extents(struct copy_job *job, const struct copy_method *m)
{
	off_t end = job->src.st.st_size, pos = 0;

	while (pos < end) {
		off_t data = sys_lseek(job->src.fd, pos, SEEK_DATA);
		off_t hole;
		int err;

		if (data == -ENXIO)
			break;	/* the rest is a hole */
		if (data < 0)
			return (int)data;
		hole = sys_lseek(job->src.fd, data, SEEK_HOLE);
		if (hole < 0)
			return (int)hole;
		if (hole > end)
			hole = end;
		job->src.off = data;
		job->dst.off = data;
		err = m->copy(job, hole - data);
		if (err)
			return err;
		if (job->src.off < hole)
			break;	/* the source shrank */
		pos = hole;
	}
	return 0;
}

static int exec_method(struct copy_job *job, const struct copy_method *m)
{
	int64_t len = job->src.size_trusted ? job->src.st.st_size - job->src.off : -1;

	if (job->holes && !(m->flags & METHOD_WHOLE_FILE))
		return exec_extents(job, m);
	return m->copy(job, len);
}

/* Only errors that say "never on these file systems" are worth keeping. */
static bool exec_fs_fact(int err)
{
	return err == -EXDEV || err == -EOPNOTSUPP || err == -ENOSYS;
}

int exec_plan(struct copy_job *job, struct plan *plan, const struct plan_order *order)
{
	plan_make(plan, job, order);
	return plan_next(plan, -1) >= 0 ? 0 : -ENOTSUP;
}

/* A whole-file method clones; one that sees the data copies it through
 * user space; the rest move it inside the kernel. */
static enum stats_way exec_way(const struct copy_method *m)
{
	return m->flags & METHOD_WHOLE_FILE ? WAY_CLONED : m->user_copies ? WAY_USER : WAY_KERNEL;
}

int exec_run(struct copy_job *job, struct plan *plan, int *used)
{
	off_t src_off = job->src.off, dst_off = job->dst.off;
	int i, err = -ENOTSUP;

	*used = -1;
	for (i = plan_next(plan, -1); i >= 0; i = plan_next(plan, i)) {
		struct plan_step *s = &plan->steps[i];

		job->moved = 0;
		job->err_side = JOB_ERR_BOTH;
		job->written = 0;
		job->src.off = src_off;
		job->dst.off = dst_off;
		if (job->begin && !(s->m->flags & METHOD_WHOLE_FILE)) {
			err = job->begin(job, job->begin_arg);
			job->begin = NULL;
			if (err) {
				job->err_side = JOB_ERR_WRITE;
				s->err = err;
				*used = i;
				return err;
			}
		}
		stats_way_now((int)exec_way(s->m));
		err = exec_method(job, s->m);
		stats_way_now(-1);
		/* (A clone takes nothing from the source: it shares it.) */
		if (!(s->m->flags & METHOD_WHOLE_FILE))
			stats_read(job->moved);
		if (!err) {
			s->state = STEP_USED;
			*used = i;
			stats_file_method(s->m->name);
			stats_model_kernel_copies(job->written * s->m->model_kernel_copies);
			stats_way(exec_way(s->m), job->written);
			break;
		}
		s->err = err;
		/* Another method may try only if nothing reached the destination
		 * and whatever was taken from the source can be taken again. */
		if (!method_unsupported(err) || job->written > 0 ||
		    (job->moved > 0 && src_off < 0)) {
			*used = i;
			return err;
		}
		s->state = STEP_FAILED;
		if (exec_fs_fact(err))
			method_fact_set(s->m, job->src.st.st_dev, job->dst.st.st_dev,
					FACT_FAILS, err);
	}
	if (i < 0)
		return err;
	/* Holes at the end of the file: the size is set, not written. */
	if (job->may_punch && (job->holes || job->sparse == SPARSE_ALWAYS) &&
	    !(plan->steps[i].m->flags & METHOD_WHOLE_FILE)) {
		off_t size = job->holes ? job->src.st.st_size : job->dst.off;
		err = sys_ftruncate(job->dst.fd, size);
		if (err)
			return err;
	}
	return 0;
}
