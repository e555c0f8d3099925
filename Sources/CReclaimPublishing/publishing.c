// The published-statistics segment: see include/CReclaimPublishing.h for
// the layout and the seqlock protocol.
//
// Invariants: a writer of a slot part is the only thread writing it (the
// heap's thread for the collector part, the timer thread for the arena
// part); every access to shared fields goes through __atomic builtins, so
// a reader racing a writer reads torn values at worst, which the sequence
// check then rejects.

#include "CReclaimPublishing.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void segment_name(pid_t pid, char *name, size_t size) {
    snprintf(name, size, "/reclaim.%ld", (long)pid);
}

void reclaim_published_name_this_thread(const char *name) {
    prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}

uint64_t reclaim_published_now_ns(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
}

reclaim_published_segment *reclaim_published_create(uint64_t interval_ms, uint64_t page, const char *allocator_version,
                                                    unsigned int mode) {
    char name[64];
    segment_name(getpid(), name, sizeof name);
    shm_unlink(name);  // a stale segment of an earlier process with this pid
    int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
    if (fd < 0) return NULL;
    // The permissions asked for, whatever the umask.
    if (fchmod(fd, (mode_t)mode) != 0) {
        int saved = errno;
        close(fd);
        shm_unlink(name);
        errno = saved;
        return NULL;
    }
    if (ftruncate(fd, sizeof(reclaim_published_segment)) != 0) {
        int saved = errno;
        close(fd);
        shm_unlink(name);
        errno = saved;
        return NULL;
    }
    void *memory = mmap(NULL, sizeof(reclaim_published_segment), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    if (memory == MAP_FAILED) {
        shm_unlink(name);
        errno = saved;
        return NULL;
    }
    reclaim_published_segment *segment = memory;  // zero-filled by ftruncate
    segment->version = RECLAIM_PUBLISHED_VERSION;
    segment->pid = (uint64_t)getpid();
    segment->interval_ms = interval_ms;
    segment->page = page;
    segment->started_ns = reclaim_published_now_ns();
    segment->heartbeat_ns = segment->started_ns;
    snprintf(segment->allocator_version, sizeof segment->allocator_version, "%s", allocator_version);
    // The magic last: a reader that sees it sees a complete header.
    __atomic_store_n(&segment->magic, RECLAIM_PUBLISHED_MAGIC, __ATOMIC_RELEASE);
    return segment;
}

void reclaim_published_unlink(void) {
    char name[64];
    segment_name(getpid(), name, sizeof name);
    shm_unlink(name);
}

void reclaim_published_increment(uint64_t *field) { __atomic_add_fetch(field, 1, __ATOMIC_RELAXED); }
void reclaim_published_decrement(uint64_t *field) { __atomic_sub_fetch(field, 1, __ATOMIC_RELAXED); }

// Maps the segment open on `fd` read-only and closes `fd`, after checking
// that the file holds a whole segment of this version.
static const reclaim_published_segment *map_segment(int fd) {
    struct stat info;
    if (fstat(fd, &info) != 0 || (size_t)info.st_size < sizeof(reclaim_published_segment)) {
        close(fd);
        errno = EPROTO;
        return NULL;
    }
    void *memory = mmap(NULL, sizeof(reclaim_published_segment), PROT_READ, MAP_SHARED, fd, 0);
    int saved = errno;
    close(fd);
    if (memory == MAP_FAILED) {
        errno = saved;
        return NULL;
    }
    const reclaim_published_segment *segment = memory;
    if (__atomic_load_n(&segment->magic, __ATOMIC_ACQUIRE) != RECLAIM_PUBLISHED_MAGIC
        || segment->version != RECLAIM_PUBLISHED_VERSION) {
        munmap(memory, sizeof(reclaim_published_segment));
        errno = EPROTO;
        return NULL;
    }
    return segment;
}

const reclaim_published_segment *reclaim_published_open(pid_t pid) {
    char name[64];
    segment_name(pid, name, sizeof name);
    int fd = shm_open(name, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) return NULL;
    return map_segment(fd);
}

const reclaim_published_segment *reclaim_published_open_file(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    return map_segment(fd);
}

void reclaim_published_close(const reclaim_published_segment *segment) {
    munmap((void *)segment, sizeof(reclaim_published_segment));
}

uint64_t reclaim_published_load(const uint64_t *field) { return __atomic_load_n(field, __ATOMIC_ACQUIRE); }
void reclaim_published_store(uint64_t *field, uint64_t value) { __atomic_store_n(field, value, __ATOMIC_RELEASE); }

int reclaim_published_claim(reclaim_published_slot *slot, uint64_t heap_id) {
    uint64_t expected = 0;
    return __atomic_compare_exchange_n(&slot->in_use, &expected, heap_id + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

void reclaim_published_release(reclaim_published_slot *slot) { __atomic_store_n(&slot->in_use, 0, __ATOMIC_RELEASE); }

// Copies `count` words with relaxed atomics (the fields are all 64-bit).
static void store_words(uint64_t *to, const uint64_t *from, size_t count) {
    for (size_t i = 0; i < count; i++) __atomic_store_n(&to[i], from[i], __ATOMIC_RELAXED);
}

static void load_words(uint64_t *to, const uint64_t *from, size_t count) {
    for (size_t i = 0; i < count; i++) to[i] = __atomic_load_n(&from[i], __ATOMIC_RELAXED);
}

static void write_part(uint64_t *sequence, uint64_t *to, const uint64_t *from, size_t count) {
    uint64_t start = __atomic_load_n(sequence, __ATOMIC_RELAXED);
    __atomic_store_n(sequence, start + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    store_words(to, from, count);
    __atomic_store_n(sequence, start + 2, __ATOMIC_RELEASE);
}

static int read_part(const uint64_t *sequence, uint64_t *to, const uint64_t *from, size_t count) {
    for (int attempt = 0; attempt < 1000; attempt++) {
        uint64_t before = __atomic_load_n(sequence, __ATOMIC_ACQUIRE);
        if (before & 1) continue;
        load_words(to, from, count);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(sequence, __ATOMIC_RELAXED) == before) return 1;
    }
    return 0;
}

#define WORDS(type) (sizeof(type) / sizeof(uint64_t))
_Static_assert(sizeof(reclaim_collector_figures) % sizeof(uint64_t) == 0, "collector figures are whole words");
_Static_assert(sizeof(reclaim_arena_figures) % sizeof(uint64_t) == 0, "arena figures are whole words");

void reclaim_published_write_collector(reclaim_published_slot *slot, const reclaim_collector_figures *figures) {
    write_part(&slot->collector_sequence, (uint64_t *)&slot->collector, (const uint64_t *)figures,
               WORDS(reclaim_collector_figures));
}

void reclaim_published_write_arena(reclaim_published_slot *slot, const reclaim_arena_figures *figures) {
    write_part(&slot->arena_sequence, (uint64_t *)&slot->arena, (const uint64_t *)figures,
               WORDS(reclaim_arena_figures));
}

int reclaim_published_read(const reclaim_published_slot *slot, reclaim_collector_figures *collector,
                           reclaim_arena_figures *arena) {
    if (__atomic_load_n(&slot->in_use, __ATOMIC_ACQUIRE) == 0) return 0;
    return read_part(&slot->collector_sequence, (uint64_t *)collector, (const uint64_t *)&slot->collector,
                     WORDS(reclaim_collector_figures))
        && read_part(&slot->arena_sequence, (uint64_t *)arena, (const uint64_t *)&slot->arena,
                     WORDS(reclaim_arena_figures));
}
