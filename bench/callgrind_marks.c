/* Marks that bench/worker.py calls (through ctypes) around the requests it counts.
 *
 * The worker runs under `valgrind --tool=callgrind --instr-atstart=no`: nothing is counted while
 * Python, Django and the SDK start up and warm up. start() switches instrumentation on and zeroes
 * the counters; dump() writes the counts since the last start() or dump() to a new dump file
 * (callgrind zeroes them after a dump); stop() switches instrumentation off again.
 * Instrumentation is global, so every thread (asgiref's executors, the SDK's loops) is counted.
 * Built by bench/instructions.py with `cc -shared -fPIC` against valgrind's own header.
 */
#include <valgrind/callgrind.h>

void bench_start(void)
{
    CALLGRIND_START_INSTRUMENTATION;
    CALLGRIND_ZERO_STATS;
}

void bench_dump(void)
{
    CALLGRIND_DUMP_STATS;
}

void bench_stop(void)
{
    CALLGRIND_STOP_INSTRUMENTATION;
}
