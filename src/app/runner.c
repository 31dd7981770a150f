/*
 * The runner of N trainings (runner.h).
 *
 * One struct runner per runner_run, shared by its workers: the next job to
 * start and the progress counters, under one mutex that the hook is also
 * called under. A worker holds the lock only to take a job and to report;
 * the work itself runs unlocked.
 */
#include <math.h>
#include <pthread.h>
#include <unistd.h>

#include "memscope/pool.h"
#include "memscope/runner.h"

struct runner {
	pthread_mutex_t lock;
	int next;			/* the next job to start */
	runner_job_fn fn;
	runner_hook_fn hook;
	void *ctx;
	struct runner_progress p;	/* counters; event and job per call */
};

/* Tell the hook about job `job`; the caller holds the lock. */
static void
runner_tell(struct runner *r, enum runner_event ev, int job)
{
	if (r->hook == NULL)
		return;
	r->p.event = ev;
	r->p.job = job;
	r->hook(r->ctx, &r->p);
}

/* A pool worker: take jobs in order until none are left. */
static void
runner_worker(void *arg, int worker, int nworkers)
{
	struct runner *r = arg;
	int job;

	(void)worker;
	(void)nworkers;
	for (;;) {
		pthread_mutex_lock(&r->lock);
		if (r->next >= r->p.jobs) {
			pthread_mutex_unlock(&r->lock);
			return;
		}
		job = r->next++;
		r->p.started++;
		runner_tell(r, RUNNER_START, job);
		pthread_mutex_unlock(&r->lock);

		r->fn(r, r->ctx, job);

		pthread_mutex_lock(&r->lock);
		r->p.done++;
		runner_tell(r, RUNNER_DONE, job);
		pthread_mutex_unlock(&r->lock);
	}
}

/* Run every job on the pool, telling the hook; the workers used. */
int
runner_run(int jobs, int threads, runner_job_fn fn, runner_hook_fn hook,
    void *ctx)
{
	struct runner r = { .fn = fn, .hook = hook, .ctx = ctx };
	struct pool *pool;
	int n = threads < jobs ? threads : jobs;

	if (n < 1)
		n = 1;
	pthread_mutex_init(&r.lock, NULL);
	r.p.jobs = jobs;
	r.p.loss = NAN;
	pool = pool_create(n);
	pool_run(pool, runner_worker, &r);
	pool_free(pool);
	pthread_mutex_destroy(&r.lock);
	return n;
}

/* The default number of workers: the CPUs online, 1 to 64. */
int
runner_cpus(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	return ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu;
}

/* Report a step of job `job` with this training loss. */
void
runner_step(struct runner *r, int job, double loss)
{
	pthread_mutex_lock(&r->lock);
	r->p.steps++;
	r->p.loss = loss;
	runner_tell(r, RUNNER_STEP, job);
	pthread_mutex_unlock(&r->lock);
}

/* Up to `steps` steps of t, until it diverges; the steps made. */
long
runner_train(struct runner *r, int job, struct trainer *t, long steps,
    runner_step_fn each, void *ctx)
{
	long s;

	for (s = 0; s < steps; s++) {
		if (trainer_step(t) != 0)
			break;	/* the parameters are the last finite ones */
		if (each != NULL)
			each(ctx, job, t, s);
		runner_step(r, job, t->train_loss);
	}
	return s;
}
