/*
 * Instruction-set clones in src/core (private). GCC on x86-64 Linux builds
 * the lane kernels for AVX-512, AVX2 and the baseline and picks at run
 * time (CORE_HAVE_CLONES); other builds have the baseline only.
 * CORE_CLONES builds a plain C loop the same three ways, picked when the
 * program loads (Adam, the finiteness checks, the slots' sum, the one-task
 * kernel's memory loops): nothing is contracted and √ and ÷ are exact, so
 * each clone gives the same bits.
 */
#ifndef MEMSCOPE_CORE_CLONES_H
#define MEMSCOPE_CORE_CLONES_H

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && \
    defined(__linux__)
#define CORE_HAVE_CLONES 1
#define CORE_CLONES __attribute__((target_clones("avx512f", "avx2", \
    "default")))
#else
#define CORE_HAVE_CLONES 0
#define CORE_CLONES
#endif

#endif
