#ifndef RECLAIM_PUBLISHING_H
#define RECLAIM_PUBLISHING_H

// The shared-memory segment in which a process publishes its heaps'
// figures for `memstat attach` and `memstat top` (see
// Sources/Reclaim/Monitoring/StatisticsPublisher.swift).
//
// Layout (version 2): a header, then RECLAIM_PUBLISHED_SLOTS heap slots.
// The segment is /dev/shm/reclaim.<pid>, made by the publishing process and
// removed when it exits normally; readers map it read-only. It is readable
// by its owner only unless the publisher asks otherwise.
//
// Each slot has two parts, each written by one thread only and guarded by
// its own sequence counter (a seqlock): the collector part by the heap's
// own thread at each collection, the arena part by the publisher's timer
// thread. A writer makes the counter odd, writes, makes it even again; a
// reader retries until it copied a part between two equal, even readings.
// All field accesses are relaxed atomics, so concurrent reads are defined.

#include <stdint.h>
#include <sys/types.h>

#define RECLAIM_PUBLISHED_MAGIC 0x31544D534C434552ULL  // "RECLSMT1", little-endian
#define RECLAIM_PUBLISHED_VERSION 2
#define RECLAIM_PUBLISHED_SLOTS 64

// What a heap's own thread publishes at each collection.
typedef struct {
    uint64_t heap_id;
    uint64_t arena;
    uint64_t tracked[4];          // generations 0, 1, 2 and the permanent one
    uint64_t live_objects;
    uint64_t live_bytes;
    uint64_t peak_bytes;
    uint64_t collections[3];
    uint64_t collected[3];
    uint64_t uncollectable[3];
    uint64_t last_pause_ns;
    uint64_t total_pause_ns;
    int64_t last_generation;       // -1: no collection yet
    uint64_t updated_ns;           // CLOCK_REALTIME
    uint64_t mode;                 // 0: generational, 1: incremental
    uint64_t increments;           // increments of incremental collection so far
    uint64_t passes;               // passes over the old generation completed
    uint64_t pass_visited;         // old objects the current pass has visited
    uint64_t longest_pause_ns;     // the longest young collection with its increment
} reclaim_collector_figures;

// What the timer thread publishes for each heap's arena.
typedef struct {
    uint64_t allocated;
    uint64_t active;
    uint64_t resident;
    uint64_t mapped;
    uint64_t updated_ns;           // CLOCK_REALTIME; 0: not read yet
} reclaim_arena_figures;

typedef struct {
    uint64_t in_use;               // 0: free; otherwise the heap id + 1
    uint64_t collector_sequence;
    reclaim_collector_figures collector;
    uint64_t arena_sequence;
    reclaim_arena_figures arena;
} reclaim_published_slot;

typedef struct {
    uint64_t magic;
    uint64_t version;
    uint64_t pid;
    uint64_t interval_ms;          // the timer's period
    uint64_t started_ns;           // CLOCK_REALTIME
    uint64_t heartbeat_ns;         // CLOCK_REALTIME, set by each timer tick
    uint64_t heaps_unpublished;    // heaps alive that found no free slot
    uint64_t page;
    char allocator_version[64];
    reclaim_published_slot slots[RECLAIM_PUBLISHED_SLOTS];
} reclaim_published_segment;

// Creates (replacing any stale one) and maps this process's segment.
// Returns NULL with errno set on failure.
// Creates this process's segment with permissions `mode` (0600: the owner
// only), replacing a stale one of an earlier process with the same pid.
reclaim_published_segment *reclaim_published_create(uint64_t interval_ms, uint64_t page, const char *allocator_version,
                                                    unsigned int mode);
// Removes the name of this process's segment; the mapping stays valid (the
// timer thread may still write to it while the process exits).
void reclaim_published_unlink(void);
// Adds one to a header counter.
void reclaim_published_increment(uint64_t *field);
void reclaim_published_decrement(uint64_t *field);

// Reader: maps process `pid`'s segment read-only. Returns NULL with errno
// set (ENOENT: none; EPROTO: shorter than a segment, or not of this version).
const reclaim_published_segment *reclaim_published_open(pid_t pid);
// The same for a segment saved in the file at `path`.
const reclaim_published_segment *reclaim_published_open_file(const char *path);
void reclaim_published_close(const reclaim_published_segment *segment);

// Header fields, read atomically.
uint64_t reclaim_published_load(const uint64_t *field);
void reclaim_published_store(uint64_t *field, uint64_t value);

// Slot claims: 1 when `heap_id` took a free slot.
int reclaim_published_claim(reclaim_published_slot *slot, uint64_t heap_id);
void reclaim_published_release(reclaim_published_slot *slot);

// Seqlock writers and readers of the two parts of a slot.
void reclaim_published_write_collector(reclaim_published_slot *slot, const reclaim_collector_figures *figures);
void reclaim_published_write_arena(reclaim_published_slot *slot, const reclaim_arena_figures *figures);
// 1 when the slot is in use and both parts were copied consistently.
int reclaim_published_read(const reclaim_published_slot *slot, reclaim_collector_figures *collector,
                           reclaim_arena_figures *arena);

uint64_t reclaim_published_now_ns(void);

// Names the calling thread (at most 15 bytes are kept), as tools such as
// top -H show it.
void reclaim_published_name_this_thread(const char *name);

#endif
