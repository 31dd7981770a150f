/*
 * The engine under load: two threads send the worker thousands of commands
 * (pause, resume, step, speed, heads, layers, memory, parametrization,
 * conditioning, restart, save, export) in random order while it trains,
 * and the UI thread takes and checks a snapshot between every few of them.
 * Built with --enable-tsan this is the ThreadSanitizer test (.ci/run); in
 * an ordinary build it checks that every snapshot is consistent, that the
 * worker keeps answering, and that what it saved loads.
 *
 * MEMSCOPE_STRESS_COMMANDS sets the number of commands per sender (default
 * 2000, so 4000 in all).
 */
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "memscope/checkpoint.h"
#include "memscope/engine.h"

struct sender {
	struct engine *e;
	unsigned seed;
	int commands;
	int sent[ENGINE_CMD_QUIT];	/* per command */
};

static atomic_int senders_done;
static atomic_ulong published;	/* the seq of the newest snapshot taken */

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* A pseudo-random command: mostly pause, resume and step, with speed
 * changes, new runs (6%), the run list's add, remove, focus and show/hide
 * (5%), data changes, saves, the step-through's task and follow/freeze, and
 * exports among them. */
static enum engine_cmd
pick(unsigned *seed, int *arg)
{
	int r = rand_r(seed) % 1000;

	*arg = rand_r(seed) % 2 == 0 ? -1 : 1;
	if (r < 150)
		return ENGINE_CMD_TOGGLE;
	if (r < 250)
		return ENGINE_CMD_PAUSE;
	if (r < 500)
		return ENGINE_CMD_RESUME;
	if (r < 515)
		return ENGINE_CMD_RUN_ADD;
	if (r < 525)
		return ENGINE_CMD_RUN_REMOVE;
	if (r < 540)
		return ENGINE_CMD_RUN_FOCUS;
	if (r < 550)
		return ENGINE_CMD_RUN_VISIBLE;
	if (r < 750)
		return ENGINE_CMD_STEP;
	if (r < 800)
		return ENGINE_CMD_SPEED;
	if (r < 815)
		return ENGINE_CMD_HEADS;
	if (r < 830)
		return ENGINE_CMD_LAYERS;
	if (r < 840)
		return ENGINE_CMD_MEMORY;
	if (r < 850)
		return ENGINE_CMD_PARAM;
	if (r < 880)
		return ENGINE_CMD_DATA;
	if (r < 890)
		return ENGINE_CMD_RESTART;
	if (r < 950)
		return ENGINE_CMD_SAVE;
	if (r < 965) {
		*arg = rand_r(seed) % 40;	/* some beyond the tasks */
		return ENGINE_CMD_TRACE_TASK;
	}
	if (r < 975) {
		*arg = *arg > 0;
		return ENGINE_CMD_TRACE_FOLLOW;
	}
	return ENGINE_CMD_EXPORT;
}

/* Sender thread: commands in bursts of 4; after each burst it waits (up to
 * a second) for the UI to take a newer snapshot, so that it goes at the
 * worker's pace and the 64-slot queue (which drops what does not fit)
 * rarely fills, then a millisecond more for training. */
static void *
send_commands(void *arg)
{
	struct sender *s = arg;
	struct timespec pause = { 0, 100000 };	/* 0.1 ms */
	struct timespec train = { 0, 1000000 };	/* 1 ms to train in */
	enum engine_cmd cmd;
	unsigned long mark = atomic_load(&published);
	double until;
	int a;

	for (int i = 0; i < s->commands; i++) {
		cmd = pick(&s->seed, &a);
		engine_send(s->e, cmd, a);
		s->sent[cmd]++;
		if (i % 4 != 3)
			continue;
		for (until = now() + 1; atomic_load(&published) <= mark &&
		    now() < until;)
			nanosleep(&pause, NULL);
		mark = atomic_load(&published);
		nanosleep(&train, NULL);
	}
	atomic_fetch_add(&senders_done, 1);
	return NULL;
}

/* Everything in a snapshot agrees with itself; reads every array. */
static void
check_snapshot(const struct snapshot *s)
{
	double sum = 0;
	int i, b, L = s->cfg.layers;

	if (s->seq == 0)
		return;
	assert_int_equal(s->L, L);
	assert_int_equal(s->H, s->cfg.heads);
	assert_true(s->nblocks > 0);
	for (i = 0; i < s->nblocks; i++)
		assert_true(s->blocks[i].offset + (size_t)s->blocks[i].rows *
		    s->blocks[i].cols <= s->nparams);
	for (size_t k = 0; k < s->nparams; k++)
		sum += s->params[k];
	assert_true(s->nruns >= 1 && s->nruns <= SNAPSHOT_MAX_RUNS);
	assert_true(s->focus >= 0 && s->focus < s->nruns);
	assert_false(snapshot_model_run(s)->reference);
	for (int r = 0; r < s->nruns; r++) {
		const struct snapshot_run *run = &s->runs[r];
		const struct snapshot_curve *h = &run->hist;

		for (i = 1; i < h->n; i++)
			assert_true(h->step[i] > h->step[i - 1]);
		for (i = 0; i < h->n; i++)
			sum += h->train[i];
		if (h->n > 0)
			assert_true(h->step[h->n - 1] <= run->step);
		if (run->test_step >= 0)
			for (i = 0; i < run->L; i++)
				assert_true(isfinite(run->layer_mse[i]));
		for (i = 0; i < run->coef.n * run->coef.k; i++)
			sum += run->coef.v[i];
	}
	assert_int_equal(snapshot_model_run(s)->step, s->step);
	assert_true(s->step <= s->target || s->state != ENGINE_RUNNING);
	if (s->have_baselines)
		for (b = 0; b < BASELINE_COUNT; b++)
			for (i = 0; i <= L; i++)
				sum += s->base_mse[b][i];
	assert_non_null(memchr(s->message, '\0', sizeof s->message));
	if (s->trace.ready) {
		const struct trace *tr = &s->trace.tr;

		assert_int_equal(tr->L, s->trace.cfg.layers);
		assert_true(s->trace.task >= 0 &&
		    s->trace.task < s->trace.cfg.test_batch);
		for (i = 0; i <= tr->L; i++)
			for (b = 0; b < TRACE_METHODS; b++)
				sum += tr->col[b].pred[i] + tr->label[i];
		for (i = 0; i < tr->L * tr->L; i++)
			sum += tr->contrib[i];
	}
	(void)sum;
}

static void
test_stress(void **state)
{
	struct ms_config cfg;
	struct engine_opts eo;
	struct engine *e;
	struct snapshot *s;
	struct sender snd[2];
	pthread_t th[2];
	struct trainer t;
	char dir[] = "/tmp/memscope-stress-XXXXXX", save[64], csv[64];
	char err[512];
	const char *env = getenv("MEMSCOPE_STRESS_COMMANDS");
	int commands = env != NULL && atoi(env) > 0 ? atoi(env) : 2000;
	long takes = 0, fresh = 0, running = 0, max_step = 0;
	double start = now();
	struct pollfd pfd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(save, sizeof save, "%s/ck.json", dir);
	snprintf(csv, sizeof csv, "%s/h.csv", dir);
	config_defaults(&cfg);
	cfg.dim = 5;
	cfg.context = 10;
	cfg.layers = 2;
	cfg.batch = 32;
	cfg.test_batch = 32;
	cfg.steps = 1000000;
	cfg.data = MS_DATA_ISO;
	cfg.memory = MS_MEMORY_CGD;
	cfg.threads = 2;	/* the compute pool's threads join in too */
	memset(&eo, 0, sizeof eo);
	eo.save_path = save;
	eo.csv_path = csv;
	eo.publish_ms = 2;
	e = engine_create(&cfg, NULL, &eo, err, sizeof err);
	assert_non_null(e);
	s = engine_first_snapshot(e);
	assert_int_equal(engine_start(e), 0);

	pfd.fd = engine_notify_fd(e);
	pfd.events = POLLIN;
	atomic_store(&senders_done, 0);
	atomic_store(&published, 0);
	for (int i = 0; i < 2; i++) {
		memset(&snd[i], 0, sizeof snd[i]);
		snd[i].e = e;
		snd[i].seed = 12345u + 777u * (unsigned)i;
		snd[i].commands = commands;
		assert_int_equal(pthread_create(&th[i], NULL, send_commands,
		    &snd[i]), 0);
	}
	/* the UI thread: wait for publications, take, check */
	while (atomic_load(&senders_done) < 2) {
		poll(&pfd, 1, 5);
		engine_notify_drain(e);
		takes++;
		if (engine_take(e, &s)) {
			fresh++;
			check_snapshot(s);
			atomic_store(&published, s->seq);
			running += s->state == ENGINE_RUNNING;
			if (s->step > max_step)
				max_step = s->step;
		}
		assert_true(now() - start < 600);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);

	/* the worker still answers: resume at full speed, see it train */
	for (int i = 0; i < 12; i++)
		engine_send(e, ENGINE_CMD_SPEED, +1);
	engine_send(e, ENGINE_CMD_RESTART, 0);
	engine_send(e, ENGINE_CMD_RESUME, 0);
	engine_send(e, ENGINE_CMD_SAVE, 0);
	for (double end = now() + 60; now() < end;) {
		poll(&pfd, 1, 20);
		engine_notify_drain(e);
		if (engine_take(e, &s)) {
			check_snapshot(s);
			if (strstr(s->message, "saved step") != NULL)
				break;
		}
	}
	assert_non_null(strstr(s->message, "saved step"));
	engine_free(e);

	/* every save was atomic: the file is a whole checkpoint */
	if (checkpoint_load(save, &t, err, sizeof err) != 0)
		fail_msg("the checkpoint saved under load: %s", err);
	trainer_free(&t);
	print_message("%d commands sent by 2 threads in %.1f s (%d saves, %d "
	    "new runs); %ld snapshots taken (%ld while running), up to step "
	    "%ld\n", 2 * commands,
	    now() - start, snd[0].sent[ENGINE_CMD_SAVE] +
	    snd[1].sent[ENGINE_CMD_SAVE], snd[0].sent[ENGINE_CMD_RESTART] +
	    snd[1].sent[ENGINE_CMD_RESTART] + snd[0].sent[ENGINE_CMD_HEADS] +
	    snd[1].sent[ENGINE_CMD_HEADS] + snd[0].sent[ENGINE_CMD_LAYERS] +
	    snd[1].sent[ENGINE_CMD_LAYERS] + snd[0].sent[ENGINE_CMD_MEMORY] +
	    snd[1].sent[ENGINE_CMD_MEMORY] + snd[0].sent[ENGINE_CMD_PARAM] +
	    snd[1].sent[ENGINE_CMD_PARAM], fresh, running, max_step);
	assert_true(fresh > 0);
	(void)takes;
	unlink(save);
	unlink(csv);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
