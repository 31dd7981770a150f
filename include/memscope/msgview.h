/*
 * The message toast's state, owned by the UI thread: when the snapshot's
 * message (snapshot.h: message, message_seq) arrived, so the visualizer can
 * show it for a few seconds and then let it go. The snapshot keeps its last
 * message for good; only the UI decides how long it is on screen.
 */
#ifndef MEMSCOPE_MSGVIEW_H
#define MEMSCOPE_MSGVIEW_H

#include <stdbool.h>

#include "memscope/snapshot.h"

#define MSG_VIEW_SECONDS 6.0	/* an event's message stays this long */
#define MSG_VIEW_ERROR_SECONDS 10.0	/* an error's */

struct msg_view {
	unsigned long seq;	/* the snapshot's message_seq last seen */
	double since;		/* when that message arrived (clock seconds);
				 * negative: nothing to show */
	double until;		/* when it expires */
};

/* Nothing shown, no message seen. */
void msg_view_init(struct msg_view *v);
/* Take snapshot s at time now: a message_seq not seen before starts its
 * message's time on screen (an empty message shows nothing). */
void msg_view_sync(struct msg_view *v, const struct snapshot *s, double now);
/* Whether the message is on screen at time now. */
bool msg_view_shown(const struct msg_view *v, double now);
/* Milliseconds from now until the message shown expires (at least 1), or
 * -1 if none is shown: the main loop's poll timeout. */
int msg_view_timeout_ms(const struct msg_view *v, double now);

#endif
