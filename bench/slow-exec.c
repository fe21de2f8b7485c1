// Emulates a machine where starting a program is expensive (bench/slow-exec.mjs): every dynamically linked program
// that loads this library (LD_PRELOAD, or /etc/ld.so.preload in a lab host) first burns SLOW_EXEC_US microseconds of
// its own CPU, and, built with COUNT_FILE, appends one byte to that file: its size is the number of programs started.
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#ifndef SLOW_EXEC_US
#define SLOW_EXEC_US 5000
#endif
static long long cpu_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}
__attribute__((constructor)) static void slow_exec(void) {
#ifdef COUNT_FILE
  int fd = open(COUNT_FILE, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) {
    (void)!write(fd, "x", 1);
    close(fd);
  }
#endif
  long long end = cpu_ns() + (long long)SLOW_EXEC_US * 1000;
  while (cpu_ns() < end) { }
}
