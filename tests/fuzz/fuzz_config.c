/*
 * libFuzzer target: the experiment config INI reader (config_load_ini) on
 * arbitrary text. A file is refused with a one-line message naming it and
 * leaves the config as it was, or is applied; then every key reads back
 * through config_get/config_set unchanged, and config_validate answers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memscope/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_config cfg, before, again;
	char err[512] = "", a[64], b[64];
	const char *path = fuzz_scratch(0, data, size);

	config_defaults(&cfg);
	before = cfg;
	if (config_load_ini(&cfg, path, err, sizeof err) != 0) {
		fuzz_check(strstr(err, path) != NULL, "message lacks the path",
		    err);
		fuzz_check(strchr(err, '\n') == NULL, "message not one line",
		    err);
		fuzz_check(memcmp(&cfg, &before, sizeof cfg) == 0,
		    "a refused file changed the config", err);
		return 0;
	}
	config_defaults(&again);
	for (int i = 0; i < config_key_count(); i++) {
		const char *key = config_key_name(i);

		fuzz_check(config_get(&cfg, key, a, sizeof a) == 0, "get", key);
		fuzz_check(config_set(&again, key, a, err, sizeof err) == 0,
		    "a value read back is refused", err);
		config_get(&again, key, b, sizeof b);
		fuzz_check(strcmp(a, b) == 0, "value changed on read back", a);
	}
	config_validate(&cfg, err, sizeof err);
	(void)config_memory_bytes(&cfg);
	return 0;
}
