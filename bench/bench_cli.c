/*
 * bench_cli.c - end-to-end time and peak memory of one command, as a parent sees them.
 *
 * Usage: bench_cli OUTFILE CMD ARGS... Runs CMD with stdout to OUTFILE and prints its
 * wall time and the child's peak resident memory (ru_maxrss of the only child).
 */
#define _POSIX_C_SOURCE 200809L

#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_cli OUTFILE CMD ARGS...\n");
        return 2;
    }
    /* Drop the previous report before the clock starts: freeing its page cache is the
     * shell's work (">"), not the command's. Only a regular file: /dev/null must stay the
     * device, not become a file of that name. */
    struct stat st;
    if (lstat(argv[1], &st) == 0 && S_ISREG(st.st_mode))
        unlink(argv[1]);
    int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(fd, 1) < 0)
            _exit(127);
        execv(argv[2], argv + 2);
        _exit(127);
    }
    close(fd);
    int status;
    struct rusage ru;
    if (waitpid(pid, &status, 0) < 0 || getrusage(RUSAGE_CHILDREN, &ru) != 0)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double secs = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) * 1e-9;
    printf("end to end: %.2f s, peak memory %.0f MiB, exit status %d\n", secs,
           (double)ru.ru_maxrss / 1024, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
