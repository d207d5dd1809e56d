/* Marks that bench/worker.py calls (through ctypes) around the requests it counts.
 *
 * The worker runs under `valgrind --tool=callgrind --instr-atstart=no`: nothing is counted while
 * Python, Django and the SDK start up and warm up. start() switches instrumentation on and zeroes
 * the counters; stop() writes the counts since start() to a dump file and switches it off again.
 * Instrumentation is global, so every thread (asgiref's executors, the SDK's loops) is counted.
 * Built by bench/instructions.py with `cc -shared -fPIC` against valgrind's own header.
 */
#include <valgrind/callgrind.h>

void bench_start(void)
{
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
}

void bench_stop(void)
{
    CALLGRIND_DUMP_STATS;
    CALLGRIND_STOP_INSTRUMENTATION;
}
