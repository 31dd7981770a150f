/*
 * The JSON files memscope writes (json_out.h).
 */
#include <math.h>

#include "memscope/json_out.h"
#include "memscope/output.h"

/* A new JSON output's root: format, version 1, memscope_version. */
json_t *
json_out_root(const char *format)
{
	json_t *root = json_object();

	json_object_set_new(root, "format", json_string(format));
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "memscope_version",
	    json_string(PACKAGE_VERSION));
	return root;
}

/* A real, or null if not finite. */
json_t *
json_out_real(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

/* A JSON array of n reals; non-finite values become null. */
json_t *
json_out_reals(const double *x, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_out_real(x[i]));
	return a;
}

/* Write root to path atomically (indented), then release root; 0 or -1
 * with a message. */
int
json_out_write(const char *path, json_t *root, char *err, size_t errlen)
{
	struct output af;
	int rc;

	if (output_open(&af, path, err, errlen) != 0)
		rc = -1;
	else if (json_dumpf(root, af.fp, JSON_INDENT(2) |
	    JSON_REAL_PRECISION(17)) != 0 || fputc('\n', af.fp) == EOF)
		rc = output_fail_write(&af, err, errlen);
	else
		rc = output_commit(&af, err, errlen);
	json_decref(root);
	return rc;
}
