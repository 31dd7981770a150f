/*
 * Merging a sweep's results (sweep.h, doc/formats.md): every job of the
 * plan is ok or diverged (its result read and validated), failed (a
 * result that does not validate, or an ID.err) or missing. The results
 * go into results.csv, one row per job and read-out; summary.csv and the
 * table on stdout hold the mean and std over the ok seeds of each
 * combination of the other axes, with the counts beside them, so that a
 * combination with fewer ok seeds than planned is seen as such; the jobs
 * that are not ok are listed last. The figures are sweep_merge_fig.c's.
 *
 * Jobs come in row-major order over the axes with the seed axis last, so
 * the jobs of a combination are the nseeds consecutive ones; the
 * combinations are built from the jobs' coordinates all the same.
 */
#include <errno.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "memscope/csv.h"
#include "memscope/dir.h"
#include "memscope/input.h"
#include "memscope/stats.h"
#include "memscope/sweep.h"
#include "memscope/xmalloc.h"
#include "sweep_merge_internal.h"

#define SM_CELL 64
#define SM_ERR_BYTES ((size_t)1 << 16)	/* an ID.err: one line */

static const char *const sm_status_names[SM_NSTATUS] = {
	"ok", "diverged", "failed", "missing"
};

/* The text of axis a's value for job j. */
static const char *
sm_value(const struct sm *s, long j, int a)
{
	return s->p->axes[a].values[s->p->coord[j * s->p->naxes + a]];
}

/* The combination of value index `coord` per axis (the seed's ignored). */
long
sm_combo_of(const struct sm *s, const int *coord)
{
	long c = 0;

	for (int i = 0; i < s->nfree; i++)
		c = c * s->p->axes[s->free_axes[i]].nvalues +
		    coord[s->free_axes[i]];
	return c;
}

/* Job j failed with the first line of its ID.err (or why that cannot be
 * read); missing if there is none. */
static void
sm_read_err(struct sm *s, long j)
{
	static const struct input_limits lim = { "a job's error file",
	    SM_ERR_BYTES, 0, INPUT_WAIT_MS };
	size_t plen = strlen(s->dir) + SWEEP_ID_LEN + 32, len;
	char *path = xmalloc(plen), *text, msg[512];
	struct stat st;

	snprintf(path, plen, "%s/results/%s.err", s->dir, s->p->ids[j]);
	if (stat(path, &st) != 0 && errno == ENOENT) {
		s->jobs[j].status = SM_MISSING;
		free(path);
		return;
	}
	s->jobs[j].status = SM_FAILED;
	if (input_read(path, &lim, &text, &len, msg, sizeof msg) != 0) {
		s->jobs[j].why = xstrdup(msg);
	} else {
		text[strcspn(text, "\r\n")] = '\0';
		s->jobs[j].why = xstrdup(text[0] != '\0' ? text :
		    "(the job's error file is empty)");
		free(text);
	}
	free(path);
}

/* Read job j's result, or its ID.err. */
static void
sm_read_job(struct sm *s, long j)
{
	struct sweep_result r;
	char msg[768];
	int rc = sweep_result_read(&r, s->dir, s->p->ids[j], msg, sizeof msg);

	if (rc == -2) {
		sm_read_err(s, j);
		return;
	}
	if (rc != 0) {
		s->jobs[j].status = SM_FAILED;
		s->jobs[j].why = xstrdup(msg);
		return;
	}
	s->jobs[j].layers = r.layers;
	if (r.diverged) {
		s->jobs[j].status = SM_DIVERGED;
		s->jobs[j].why = xstrdup(r.why);
		sweep_result_free(&r);
	} else {
		s->jobs[j].status = SM_OK;
		s->jobs[j].log = r.log_loss;	/* kept */
	}
}

/* The read-outs of the jobs without a result: the layers axis's value,
 * else the plan's constant (a result has its own, the same). */
static void
sm_fill_layers(struct sm *s)
{
	int layers_key = config_key_index("layers"), axis = -1;

	for (int a = 0; a < s->p->naxes; a++)
		if (s->p->axes[a].key == layers_key)
			axis = a;
	for (long j = 0; j < s->p->njobs; j++) {
		if (s->jobs[j].layers == 0)
			s->jobs[j].layers = axis >= 0 ?
			    atoi(sm_value(s, j, axis)) : s->p->base.layers;
		if (s->jobs[j].layers > s->max_layers)
			s->max_layers = s->jobs[j].layers;
	}
}

/* Lay out the plan's combinations and, if read, read every job (else
 * each is missing, its read-outs the plan's). */
static void
sm_open(struct sm *s, const struct sweep_plan *p, const char *dir, bool read)
{
	long *fill;

	memset(s, 0, sizeof *s);
	s->p = p;
	s->dir = dir;
	s->seed_axis = -1;
	s->nseeds = 1;
	s->ncombos = 1;
	s->free_axes = xcalloc((size_t)p->naxes + 1, sizeof *s->free_axes);
	for (int a = 0; a < p->naxes; a++) {
		if (strcmp(p->axes[a].name, "seed") == 0) {
			s->seed_axis = a;
			s->nseeds = p->axes[a].nvalues;
		} else {
			s->free_axes[s->nfree++] = a;
			s->ncombos *= p->axes[a].nvalues;
		}
	}
	s->combo_jobs = xmalloc((size_t)s->ncombos * s->nseeds *
	    sizeof *s->combo_jobs);
	fill = xcalloc((size_t)s->ncombos, sizeof *fill);
	s->jobs = xcalloc((size_t)p->njobs + 1, sizeof *s->jobs);
	for (long j = 0; j < p->njobs; j++) {
		long c = sm_combo_of(s, p->coord + j * p->naxes);

		if (fill[c] < s->nseeds)	/* a plan has each once */
			s->combo_jobs[c * s->nseeds + fill[c]++] = j;
		if (read)
			sm_read_job(s, j);
		else
			s->jobs[j].status = SM_MISSING;
		s->count[s->jobs[j].status]++;
	}
	for (long c = 0; c < s->ncombos; c++)	/* never, from a valid plan */
		while (fill[c] < s->nseeds)
			s->combo_jobs[c * s->nseeds + fill[c]++] = -1;
	free(fill);
	sm_fill_layers(s);
}

static void
sm_close(struct sm *s)
{
	for (long j = 0; j < s->p->njobs; j++) {
		free(s->jobs[j].log);
		free(s->jobs[j].why);
	}
	free(s->jobs);
	free(s->combo_jobs);
	free(s->free_axes);
}

/* Metric m of job j at read-out k (0: its last); NaN unless ok. */
static double
sm_job_metric(const struct sm *s, long j, const struct sm_metric *m, int k)
{
	const struct sm_job *jb = &s->jobs[j];
	int L = jb->layers;

	if (k == 0)
		k = L;
	if (jb->status != SM_OK || k < 1 || k > L)
		return NAN;
	return jb->log[m->a * L + k - 1] - (m->b >= 0 ?
	    jb->log[m->b * L + k - 1] : 0.0);
}

/* The mean and std over the ok seeds of combination c; how many. */
int
sm_combo_stat(const struct sm *s, long c, const struct sm_metric *m, int k,
    double *mean, double *std)
{
	double *x = xdoubles((size_t)s->nseeds);
	int n = 0;

	for (int i = 0; i < s->nseeds; i++) {
		long j = s->combo_jobs[c * s->nseeds + i];

		if (j >= 0 && s->jobs[j].status == SM_OK &&
		    (k == 0 || k <= s->jobs[j].layers))
			x[n++] = sm_job_metric(s, j, m, k);
	}
	stats_mean_std(x, n, 1, mean, std);	/* n = 0: both NaN */
	free(x);
	return n;
}

/* The first job of combination c (for its settings and read-outs). */
long
sm_combo_first(const struct sm *s, long c)
{
	return s->combo_jobs[c * s->nseeds];
}

/* results.csv: a row per job and read-out. */
static int
sm_results_csv(FILE *f, const void *ctx)
{
	const struct sm *s = ctx;

	fputs("job", f);
	for (int a = 0; a < s->p->naxes; a++) {
		fputc(',', f);
		csv_text(f, s->p->axes[a].name);
	}
	fputs(",layer,status", f);
	for (int m = 0; m < SWEEP_METRICS; m++)
		fprintf(f, ",%s", sweep_metric_name(m));
	fputc('\n', f);
	for (long j = 0; j < s->p->njobs; j++) {
		const struct sm_job *jb = &s->jobs[j];

		for (int k = 1; k <= jb->layers; k++) {
			fputs(s->p->ids[j], f);
			for (int a = 0; a < s->p->naxes; a++) {
				fputc(',', f);
				csv_text(f, sm_value(s, j, a));
			}
			fprintf(f, ",%d,%s", k, sm_status_names[jb->status]);
			for (int m = 0; m < SWEEP_METRICS; m++) {
				fputc(',', f);
				if (jb->status == SM_OK)
					csv_real(f, jb->log[m * jb->layers +
					    k - 1], 17, "nan");
			}
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

/* summary.csv: a row per combination and read-out. */
static int
sm_summary_csv(FILE *f, const void *ctx)
{
	const struct sm *s = ctx;
	double mean, std;
	int n = 0;

	for (int i = 0; i < s->nfree; i++) {
		csv_text(f, s->p->axes[s->free_axes[i]].name);
		fputc(',', f);
	}
	fputs("layer,seeds,ok", f);
	for (int m = 0; m < SWEEP_METRICS; m++)
		fprintf(f, ",%s_mean,%s_std", sweep_metric_name(m),
		    sweep_metric_name(m));
	fputc('\n', f);
	for (long c = 0; c < s->ncombos; c++) {
		long j0 = sm_combo_first(s, c);
		int L = j0 >= 0 ? s->jobs[j0].layers : 0;

		for (int k = 1; k <= L; k++) {
			for (int i = 0; i < s->nfree; i++) {
				csv_text(f, sm_value(s, j0, s->free_axes[i]));
				fputc(',', f);
			}
			for (int m = 0; m < SWEEP_METRICS; m++) {
				struct sm_metric mt = { m, -1, "" };

				n = sm_combo_stat(s, c, &mt, k, &mean, &std);
				if (m == 0)
					fprintf(f, "%d,%d,%d", k, s->nseeds, n);
				fputc(',', f);
				csv_real(f, mean, 17, n > 0 ? "nan" : "");
				fputc(',', f);
				csv_real(f, std, 17, n > 1 ? "nan" : "");
			}
			fputc('\n', f);
		}
	}
	return ferror(f) ? -1 : 0;
}

/* Display width of UTF-8 text: every byte but continuation bytes. */
static int
sm_width(const char *t)
{
	int w = 0;

	for (; *t != '\0'; t++)
		w += ((unsigned char)*t & 0xc0) != 0x80;
	return w;
}

/* Print a table of (nrows + 1, ncols) cells, the first row the header,
 * right-aligned. */
static void
sm_table_print(FILE *out, const char *cells, int nrows, int ncols)
{
	int *w = xcalloc((size_t)ncols, sizeof *w);

	for (int r = 0; r <= nrows; r++)
		for (int c = 0; c < ncols; c++) {
			int cw = sm_width(cells + ((size_t)r * ncols + c) *
			    SM_CELL);

			if (cw > w[c])
				w[c] = cw;
		}
	for (int r = 0; r <= nrows; r++) {
		for (int c = 0; c < ncols; c++) {
			const char *t = cells + ((size_t)r * ncols + c) * SM_CELL;
			int pad = w[c] - sm_width(t);

			fprintf(out, "%s%*s%s", c > 0 ? "  " : "", pad, "", t);
		}
		fputc('\n', out);
	}
	free(w);
}

/* The table: a row per combination, at its last read-out. */
static void
sm_table(FILE *out, const struct sm *s)
{
	int ncols = s->nfree + 2 + SWEEP_METRICS, marked = 0;
	char *cells = xcalloc((size_t)(s->ncombos + 1) * ncols, SM_CELL);
	const char *pm = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "±" :
	    "+-";
	double mean, std;
	char *cell;

	for (int i = 0; i < s->nfree; i++)
		snprintf(cells + (size_t)i * SM_CELL, SM_CELL, "%s",
		    s->p->axes[s->free_axes[i]].name);
	snprintf(cells + (size_t)s->nfree * SM_CELL, SM_CELL, "k");
	snprintf(cells + (size_t)(s->nfree + 1) * SM_CELL, SM_CELL, "ok/seeds");
	for (int m = 0; m < SWEEP_METRICS; m++)
		snprintf(cells + (size_t)(s->nfree + 2 + m) * SM_CELL, SM_CELL,
		    "%s", sweep_metric_name(m));
	for (long c = 0; c < s->ncombos; c++) {
		long j0 = sm_combo_first(s, c);
		int n = 0;

		cell = cells + (size_t)(c + 1) * ncols * SM_CELL;
		for (int i = 0; i < s->nfree; i++, cell += SM_CELL)
			snprintf(cell, SM_CELL, "%s", sm_value(s, j0,
			    s->free_axes[i]));
		snprintf(cell, SM_CELL, "%d", s->jobs[j0].layers);
		cell += SM_CELL;
		for (int m = 0; m < SWEEP_METRICS; m++) {
			struct sm_metric mt = { m, -1, "" };
			char *mc = cell + (size_t)(1 + m) * SM_CELL;

			n = sm_combo_stat(s, c, &mt, 0, &mean, &std);
			if (n == 0)
				snprintf(mc, SM_CELL, "-");
			else if (n == 1)
				snprintf(mc, SM_CELL, "%.3f", mean);
			else
				snprintf(mc, SM_CELL, "%.3f %s %.3f", mean, pm,
				    std);
		}
		snprintf(cell, SM_CELL, "%d/%d%s", n, s->nseeds,
		    n < s->nseeds ? " *" : "");
		marked += n < s->nseeds;
	}
	sm_table_print(out, cells, (int)s->ncombos, ncols);
	if (marked > 0)
		fprintf(out, "* %d of %ld combinations have fewer ok seeds "
		    "than planned: their means are over the ok ones only\n",
		    marked, s->ncombos);
	free(cells);
}

/* The jobs listed per status; results.csv has every one. */
#define SM_LIST_MAX 20

/* The jobs that are not ok, by status: id, settings, reason (the first
 * SM_LIST_MAX of each, then how many more). */
static void
sm_list(FILE *out, const struct sm *s)
{
	for (int st = SM_DIVERGED; st < SM_NSTATUS; st++) {
		long shown = 0;

		if (s->count[st] == 0)
			continue;
		fprintf(out, "%s: %ld of %ld jobs\n", sm_status_names[st],
		    s->count[st], s->p->njobs);
		for (long j = 0; j < s->p->njobs; j++) {
			if (s->jobs[j].status != (enum sm_status)st)
				continue;
			if (shown++ == SM_LIST_MAX) {
				fprintf(out, "  ... and %ld more (results.csv "
				    "has every job with its status)\n",
				    s->count[st] - SM_LIST_MAX);
				break;
			}
			fprintf(out, "  %s ", s->p->ids[j]);
			for (int a = 0; a < s->p->naxes; a++)
				fprintf(out, " %s=%s", s->p->axes[a].name,
				    sm_value(s, j, a));
			if (s->jobs[j].why != NULL)
				fprintf(out, ": %s", s->jobs[j].why);
			fputc('\n', out);
		}
	}
}

/* Merge with the plan already read: DIR's results into its files, the
 * table and the list on out (sweep_merge's return values). */
int
sweep_merge_plan(const struct sweep_plan *p, const char *dir,
    const struct sweep_merge_opts *o, FILE *out, char *err, size_t errlen)
{
	struct sm s;
	struct sm_fig figs[2];
	int nfigs = 0, rc = 0;

	sm_open(&s, p, dir, true);
	if (sm_figures_plan(&s, o, figs, &nfigs, err, errlen) != 0)
		rc = -2;		/* nothing written */
	if (rc == 0 && (dir_write(dir, "results.csv", sm_results_csv, &s, err,
	    errlen) != 0 || dir_write(dir, "summary.csv", sm_summary_csv, &s,
	    err, errlen) != 0))
		rc = -1;
	for (int i = 0; i < nfigs && rc == 0; i++)
		rc = sm_figure_write(&s, &figs[i], err, errlen);
	if (rc == 0) {
		fprintf(out, "sweep %s (%s): %ld jobs, %ld ok, %ld diverged, "
		    "%ld failed, %ld missing\n", p->id, p->file, p->njobs,
		    s.count[SM_OK], s.count[SM_DIVERGED], s.count[SM_FAILED],
		    s.count[SM_MISSING]);
		sm_table(out, &s);
		sm_list(out, &s);
		fprintf(out, "wrote %s/results.csv, %s/summary.csv", dir, dir);
		for (int i = 0; i < nfigs; i++)
			fprintf(out, ", %s", figs[i].svg);
		fputc('\n', out);
		if (o->complete && s.count[SM_FAILED] + s.count[SM_MISSING] > 0)
			rc = 1;
	}
	for (int i = 0; i < nfigs; i++)
		sm_figure_free(&figs[i]);
	sm_close(&s);
	return rc;
}

/* Check o against DIR's plan, writing nothing (see sweep.h). */
int
sweep_merge_check(const char *dir, const struct sweep_merge_opts *o,
    char *err, size_t errlen)
{
	struct sweep_plan p;
	struct sm s;
	struct sm_fig figs[2];
	int nfigs = 0, rc = 0;

	if (sweep_plan_read(&p, dir, err, errlen) != 0)
		return -2;
	/* the options need the plan alone: a result's read-outs are its
	 * job's in the plan, so no result is read */
	sm_open(&s, &p, dir, false);
	if (sm_figures_plan(&s, o, figs, &nfigs, err, errlen) != 0)
		rc = -2;
	for (int i = 0; i < nfigs; i++)
		sm_figure_free(&figs[i]);
	sm_close(&s);
	sweep_plan_free(&p);
	return rc;
}

/* Merge DIR's results (see sweep.h). */
int
sweep_merge(const char *dir, const struct sweep_merge_opts *o, FILE *out,
    char *err, size_t errlen)
{
	struct sweep_plan p;
	struct ms_config cfg;
	char msg[512];
	int rc = 0;

	if (sweep_plan_read(&p, dir, err, errlen) != 0)
		return -2;	/* DIR is not a sweep's: bad input */
	/* the tables label each result with its job's settings: they must
	 * be the ones its id hashes (sweep.json may have been edited) */
	for (long j = 0; j < p.njobs && rc == 0; j++)
		if (sweep_plan_job(&p, j, &cfg, msg, sizeof msg) != 0)
			rc = config_error(err, errlen, "%s/sweep.json: %s", dir,
			    msg) - 1;
	if (rc == 0)
		rc = sweep_merge_plan(&p, dir, o, out, err, errlen);
	sweep_plan_free(&p);
	return rc;
}
