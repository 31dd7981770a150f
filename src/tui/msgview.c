/* The message toast's state: which message arrived when, and until when it
 * is shown (6 s, an error 10 s). */
#include <math.h>

#include "memscope/msgview.h"

/* Nothing shown, no message seen. */
void
msg_view_init(struct msg_view *v)
{
	v->seq = 0;
	v->since = -1;
	v->until = -1;
}

/* Take snapshot s at time now. */
void
msg_view_sync(struct msg_view *v, const struct snapshot *s, double now)
{
	if (s == NULL || s->message_seq == v->seq)
		return;
	v->seq = s->message_seq;
	if (s->message[0] == '\0') {
		v->since = v->until = -1;
		return;
	}
	v->since = now;
	v->until = now + (s->message_error ? MSG_VIEW_ERROR_SECONDS :
	    MSG_VIEW_SECONDS);
}

/* Whether the message is on screen at time now. */
bool
msg_view_shown(const struct msg_view *v, double now)
{
	return v->since >= 0 && now < v->until;
}

/* Milliseconds until the message shown expires, or -1. */
int
msg_view_timeout_ms(const struct msg_view *v, double now)
{
	double ms;

	if (!msg_view_shown(v, now))
		return -1;
	ms = ceil((v->until - now) * 1000);
	return ms < 1 ? 1 : (int)ms;
}
