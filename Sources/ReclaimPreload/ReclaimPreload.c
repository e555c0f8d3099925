// Routes jemalloc's statistics reports to a per-process file. See
// include/ReclaimPreload.h for the contract with `memstat run`.
//
// Invariants: this code runs inside jemalloc's message callback, possibly at
// exit, so it never allocates through malloc (the path lives on the stack)
// and uses only async-signal-safe calls (open, write, close, getpid,
// clock_gettime). State is per process: after a fork the child opens its own
// file on its first message.

#include "ReclaimPreload.h"

#include <jemalloc/jemalloc.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *report_dir;
static int report_fd = -1;
static pid_t report_pid;

// JSON scanner state: brace depth outside strings, and string escapes.
static int depth;
static int in_string;
static int escaped;

static void write_all(int fd, const char *bytes, size_t count) {
    while (count > 0) {
        ssize_t written = write(fd, bytes, count);
        if (written < 0) {
            if (errno == EINTR) continue;
            return;
        }
        bytes += written;
        count -= (size_t)written;
    }
}

static int current_report_fd(void) {
    pid_t pid = getpid();
    if (report_fd >= 0 && report_pid == pid) return report_fd;
    if (report_fd >= 0) close(report_fd);  // inherited through fork
    char path[4096];
    int length = snprintf(path, sizeof path, "%s/%ld.json", report_dir, (long)pid);
    if (length <= 0 || (size_t)length >= sizeof path) return -1;
    report_fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    report_pid = pid;
    depth = 0;
    in_string = 0;
    escaped = 0;
    return report_fd;
}

static void write_timestamp(int fd) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    char line[64];
    int length = snprintf(line, sizeof line, "\n@%lld\n",
                          (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    if (length > 0) write_all(fd, line, (size_t)length);
}

// Splits each chunk jemalloc writes: report text goes to the file, a
// timestamp line before each report begins, anything between reports
// (jemalloc's warnings) to stderr.
static void reclaim_message(void *opaque, const char *text) {
    (void)opaque;
    int fd = current_report_fd();
    if (fd < 0) {
        write_all(STDERR_FILENO, text, strlen(text));
        return;
    }
    const char *segment = text;
    int segment_in_report = depth > 0;
    for (const char *p = text; *p; p++) {
        char c = *p;
        if (depth == 0 && c == '{') {
            // A report starts: flush what came before to its destination.
            write_all(segment_in_report ? fd : STDERR_FILENO, segment, (size_t)(p - segment));
            write_timestamp(fd);
            segment = p;
            segment_in_report = 1;
        }
        if (depth == 0 && c != '{') {
            if (segment_in_report) {
                // A report just ended: its text goes to the file.
                write_all(fd, segment, (size_t)(p - segment));
                segment = p;
                segment_in_report = 0;
            }
            continue;
        }
        if (in_string) {
            if (escaped) escaped = 0;
            else if (c == '\\') escaped = 1;
            else if (c == '"') in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{') {
            depth++;
        } else if (c == '}') {
            depth--;
        }
    }
    const char *end = text + strlen(text);
    if (segment_in_report) {
        write_all(fd, segment, (size_t)(end - segment));
    } else {
        // Whitespace between reports is dropped; anything else is a message.
        const char *q = segment;
        while (q < end && (*q == '\n' || *q == ' ' || *q == '\t')) q++;
        if (q < end) write_all(STDERR_FILENO, segment, (size_t)(end - segment));
    }
}

extern char **environ;

// Linked with -z initfirst, this library is initialised before any other
// object in the process, the C library included. Two consequences:
// * `environ` is not set yet; glibc passes the environment to initialisers,
//   so it is read from there, and `environ` is set from it, because:
// * the Swift runtime registration that SwiftPM links into every library
//   (swiftrt.o) runs in this library's initialisers too and allocates, which
//   initialises jemalloc, which reads MALLOC_CONF through `environ`.
// Priority 101 runs this before that registration.
__attribute__((constructor(101)))
static void reclaim_preload_install(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    if (environ == NULL) environ = envp;
    static const char prefix[] = RECLAIM_MEMSTAT_DIR_ENV "=";
    for (char **entry = envp; entry != NULL && *entry != NULL; entry++) {
        if (strncmp(*entry, prefix, sizeof prefix - 1) == 0 && (*entry)[sizeof prefix - 1] != '\0') {
            report_dir = *entry + sizeof prefix - 1;
            malloc_message = reclaim_message;
            return;
        }
    }
}
