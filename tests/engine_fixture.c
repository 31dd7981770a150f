/* What the engine tests share (engine_fixture.h). */
#include <poll.h>
#include <string.h>
#include <time.h>

#include "engine_fixture.h"

void
fixture_small_config(struct ms_config *cfg)
{
	config_defaults(cfg);
	cfg->dim = 5;
	cfg->context = 10;
	cfg->layers = 2;
	cfg->heads = 1;
	cfg->batch = 40;
	cfg->test_batch = 40;
	cfg->steps = 1000000;
	cfg->param = MS_PARAM_PRE;
	cfg->memory = MS_MEMORY_CGD;
	cfg->data = MS_DATA_ISO;
	cfg->threads = 1;
}

double
fixture_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

bool
fixture_wait(struct engine *e, struct snapshot **s, fixture_pred pred,
    long arg, double limit)
{
	double end = fixture_now() + limit;
	struct pollfd pfd;

	while (fixture_now() < end) {
		pfd.fd = engine_notify_fd(e);
		pfd.events = POLLIN;
		poll(&pfd, 1, 20);
		engine_notify_drain(e);
		engine_take(e, s);
		if ((*s)->seq > 0 && pred(*s, arg))
			return true;
	}
	return false;
}

bool
fixture_message_has(const struct snapshot *s, long arg)
{
	return strstr(s->message, (const char *)arg) != NULL;
}

bool
fixture_step_at_least(const struct snapshot *s, long arg)
{
	return s->step >= arg;
}

bool
fixture_state_is(const struct snapshot *s, long arg)
{
	return s->state == (enum engine_state)arg;
}

bool
fixture_stopped(const struct snapshot *s, long arg)
{
	(void)arg;
	return s->state == ENGINE_FINISHED || s->state == ENGINE_DIVERGED;
}
