/*
 * libFuzzer target: the experiment config INI reader (config_load_ini) on
 * arbitrary text. A file is refused with a one-line message naming it and
 * leaves the config as it was, or is applied; then only the keys it says
 * it set differ from the defaults, no line of it was longer than the INI
 * reader takes (a longer one is never split into pieces that set keys),
 * every key reads back through config_get/config_set unchanged, and
 * config_validate answers.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "memscope/config.h"
#include "memscope/config_ini.h"
#include "memscope/input.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ms_config cfg, before, again;
	char err[512] = "", a[64], b[64];
	const char *path = fuzz_scratch(0, data, size);
	uint64_t given = 0;
	size_t line = 0;

	config_defaults(&cfg);
	before = cfg;
	if (config_load_ini(&cfg, path, &given, err, sizeof err) != 0) {
		fuzz_check(strstr(err, path) != NULL, "message lacks the path",
		    err);
		fuzz_check(strchr(err, '\n') == NULL, "message not one line",
		    err);
		fuzz_check(memcmp(&cfg, &before, sizeof cfg) == 0,
		    "a refused file changed the config", err);
		fuzz_check(given == 0, "a refused file marked keys given", err);
		return 0;
	}
	for (size_t i = 0; i < size; i++) {
		line = data[i] == '\n' ? 0 : line + 1;
		fuzz_check(line <= INPUT_INI_LINE + 1, "a line longer than "
		    "the INI reader takes was accepted", path);
	}
	for (int i = 0; i < config_key_count(); i++) {
		const char *key = config_key_name(i);

		if ((given >> i & 1) != 0)
			continue;
		config_get(&cfg, key, a, sizeof a);
		config_get(&before, key, b, sizeof b);
		fuzz_check(strcmp(a, b) == 0, "a key not marked given changed",
		    key);
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
