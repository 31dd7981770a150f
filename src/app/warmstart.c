/*
 * Starting from saved parameters (include/memscope/warmstart.h). The files
 * are read by checkpoint_read, which validates them completely (format,
 * checksum, every value); a file's own model is then matched to the
 * target block by block, by name, layer and head. Nothing is written into
 * the target until every block has been checked, so a refusal leaves it
 * as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memscope/checkpoint.h"
#include "memscope/config.h"
#include "memscope/warmstart.h"
#include "memscope/xmalloc.h"

/* The same d and L, or a message naming file i's. */
static int
warmstart_shape(const struct model *m, const struct model *src, int i,
    char *err, size_t errlen)
{
	if (src->d != m->d)
		return config_error(err, errlen, "--init file %d has d = %d, "
		    "the model d = %d", i + 1, src->d, m->d);
	if (src->L != m->L)
		return config_error(err, errlen, "--init file %d has L = %d "
		    "layers, the model %d", i + 1, src->L, m->L);
	return 0;
}

/* Check the blocks of src (its head `from`, or every head if from < 0)
 * against m's (head `to`, or the same): the blocks that match, or -1
 * with a message if one has another shape. */
static int
warmstart_blocks(const struct model *m, const struct model *src, int i,
    int from, int to, char *err, size_t errlen)
{
	int matched = 0;

	for (int k = 0; k < src->nblocks; k++) {
		const struct param_block *q = &src->blocks[k];
		const struct param_block *pb;

		if (from >= 0 && q->head != from)
			continue;	/* experts: only the head's blocks */
		pb = model_block(m, q->name, q->layer, from >= 0 ? to :
		    q->head);
		if (pb == NULL)
			continue;
		if (pb->rows != q->rows || pb->cols != q->cols)
			return config_error(err, errlen, "--init file %d: "
			    "block '%s' layer %d head %d is %dx%d there, %dx%d "
			    "in the model", i + 1, q->name, q->layer, q->head,
			    q->rows, q->cols, pb->rows, pb->cols);
		matched++;
	}
	return matched;
}

int
warmstart_from(struct model *m, const struct model *const *srcs, int n,
    char *err, size_t errlen)
{
	if (n > 1 && m->H != n)
		return config_error(err, errlen, "--init with %d files gives "
		    "one head each: the model needs --heads %d (it has %d)",
		    n, n, m->H);
	for (int i = 0; i < n; i++) {
		if (warmstart_shape(m, srcs[i], i, err, errlen) != 0)
			return -1;
		if (n > 1 && srcs[i]->H != 1)
			return config_error(err, errlen, "--init file %d has "
			    "%d heads: with several files each must have one",
			    i + 1, srcs[i]->H);
	}
	for (int i = 0; i < n; i++) {
		int got = warmstart_blocks(m, srcs[i], i, n > 1 ? 0 : -1,
		    n > 1 ? i : -1, err, errlen);

		if (got < 0)
			return -1;
		if (got == 0)
			return config_error(err, errlen, "--init file %d: "
			    "none of its blocks is one of the model's (param "
			    "%s there, %s here)", i + 1,
			    config_param_name(srcs[i]->cfg.param),
			    config_param_name(m->cfg.param));
	}
	/* every block that matched has m's shape: model_copy_blocks copies
	 * exactly those */
	for (int i = 0; i < n; i++)
		model_copy_blocks(m, srcs[i], n > 1 ? 0 : -1, i);
	return 0;
}

int
warmstart_apply(struct model *m, const char *list, char *err, size_t errlen)
{
	struct trainer *ts = xcalloc(WARMSTART_MAX_FILES, sizeof *ts);
	const struct model *srcs[WARMSTART_MAX_FILES];
	char *copy = xstrdup(list), *save, *file;
	char msg[512];
	int n = 0, rc = 0;

	/* split at every comma: an empty name between two is refused */
	for (file = copy; file != NULL; file = save) {
		if ((save = strchr(file, ',')) != NULL)
			*save++ = '\0';
		if (*file == '\0' && list[0] == '\0')
			break;	/* "": no file at all */
		if (*file == '\0') {
			rc = config_error(err, errlen, "--init: an empty file "
			    "name in '%s'", list);
			break;
		}
		if (n == WARMSTART_MAX_FILES) {
			rc = config_error(err, errlen, "--init: more than %d "
			    "files", WARMSTART_MAX_FILES);
			break;
		}
		if (checkpoint_read(file, &ts[n], 0, NULL, msg,
		    sizeof msg) != 0) {
			rc = config_error(err, errlen, "--init %s: %s", file,
			    msg);
			break;
		}
		srcs[n] = &ts[n].model;
		n++;
	}
	if (rc == 0 && n == 0)
		rc = config_error(err, errlen, "--init: no file given");
	if (rc == 0)
		rc = warmstart_from(m, srcs, n, err, errlen);
	for (int i = 0; i < n; i++)
		trainer_free(&ts[i]);
	free(ts);
	free(copy);
	return rc;
}
